import Foundation
import Market
import ProverNetCore
import Store

extension JobBook {
    /// Runs a DARA round for every class of job that has pending jobs and a prover free to take them, after
    /// expiring overdue requests, and leases the winners' jobs. The market prices in floating point inside
    /// the round; each job's prices enter the lease once, as `Amount.flooring` of the round's per-job
    /// prices, with the prover's never above the client's.
    public mutating func runRounds(now: Int64) -> BookActions {
        var actions = expireOverdue(now: now)
        guard !draining else { return actions }
        var pendingByClass: [JobClass: [Job]] = [:]
        for job in jobs.values where job.state == .pending {
            pendingByClass[job.jobClass, default: []].append(job)
        }
        for (jobClass, pending) in pendingByClass.sorted(by: { $0.key < $1.key }) {
            // In input order, so that a round's assignments do not depend on a dictionary's order.
            let ordered = pending.sorted { ($0.requestID, $0.index, $0.replica) < ($1.requestID, $1.index, $1.replica) }
            actions.append(clearRound(jobClass, pending: ordered, now: now))
        }
        return actions
    }

    /// Whether a prover must not get `job`: it failed it before, or holds or proved a replica of its input
    /// (redundancy is worth nothing if one prover proves both).
    func excluded(_ prover: ProverID, from job: Job) -> Bool {
        failedBy[job.id]?[prover] != nil || hasReplica(of: job, prover: prover)
    }

    /// One round of one class. Only what some asking prover may take is bid for: a request whose pending
    /// jobs every free prover has failed bids nothing (else it would win the round's capacity each round,
    /// lease nothing, and starve the requests behind it), and the winners' jobs go to winning provers that
    /// may take them (the round's prices are the same for every trader, so which winner proves which
    /// winning job changes no price).
    mutating func clearRound(_ jobClass: JobClass, pending: [Job], now: Int64) -> BookActions {
        var actions = BookActions()
        let isAggregation = pending.first?.isAggregation ?? false
        let units = settings.workUnits(jobClass)
        // Asks: every connected prover that can prove the class, has a free slot, and has not already failed
        // every pending job (else a cheap cheater would win the same job each round and starve it).
        let eligible = provers.values.filter { session in
            session.suspension == nil && session.freeSlots > 0
                && session.canProve(jobClass, isAggregation: isAggregation)
                && pending.contains { !excluded(session.id, from: $0) }
        }.sorted { $0.id < $1.id }
        // Stake: each job bonds at most the bond of the round's highest price (a lease bonds that of its own
        // price, never more), and each ask sees its operator's headroom (its stake less the bonds locked). When
        // several provers of one operator win more than its stake covers together, the leases past it are not
        // granted (`lease`) and their jobs wait for the next round. A prover without an operator bonds nothing.
        var locked = lockedBonds()
        let highestPrice = pending.compactMap { requests[$0.requestID]?.maxPricePerJob }.max() ?? .zero
        let bondPerJob = settings.bonds.bond(price: highestPrice)
        // The jobs each asking prover can take: its free slots, capped by what its operator's headroom bonds (the
        // market caps them the same way; counted here too, so that a request bids only for what can be taken).
        var slotsOf: [ProverID: Int] = [:]
        // Reputation: a public fact the network keeps, from one running record per prover (O(1) each). Under the
        // floor, a prover gets no work (left out here, so that no request bids for what only it could take;
        // the market's own floor would drop it too); above it, the market serves the better reputation first.
        let policy = settings.reputation
        var asks: [Ask] = eligible.compactMap { session in
            let reputation = reputation(of: session.id, now: now)
            guard reputation >= policy.floor, let cost = session.askPrice(jobClass, workUnits: units) else {
                return nil
            }
            var stakeHeadroom = Double.greatestFiniteMagnitude
            var slots = session.freeSlots
            if let address = session.announcement.operatorAddress {
                let free = headroom(address, locked: locked)
                stakeHeadroom = free.wholeUnits
                if bondPerJob > .zero { slots = min(slots, Int(clamping: free.units / bondPerJob.units)) }
            }
            guard slots > 0 else { return nil }
            slotsOf[session.id] = slots
            return Ask(
                id: session.id.rawValue, slots: session.freeSlots, cost: cost,
                secondsPerJob: session.seconds(jobClass, workUnits: settings.workUnits), reputation: reputation,
                stakeHeadroom: stakeHeadroom)
        }
        guard !asks.isEmpty else { return actions }
        let asking = eligible.filter { slotsOf[$0.id] != nil }
        let capacity = slotsOf.values.reduce(0, +)
        // Bids: each request's pending jobs of the class that an asking prover may take, as many as the
        // provers that may take them have free slots.
        var pendingOfRequest: [RequestID: [Job]] = [:]
        for job in pending { pendingOfRequest[job.requestID, default: []].append(job) }
        var bids: [Bid] = []
        for (requestID, list) in pendingOfRequest.sorted(by: { $0.key < $1.key }) {
            guard let request = requests[requestID] else { continue }
            let takers = asking.filter { session in list.contains { !excluded(session.id, from: $0) } }
            let assignable = list.filter { job in takers.contains { !excluded($0.id, from: job) } }.count
            let count = min(assignable, takers.reduce(0) { $0 + (slotsOf[$1.id] ?? 0) })
            let seconds = Double(request.deadlineMillis - now) / 1000
            guard count > 0, seconds > 0 else { continue }
            bids.append(
                Bid(
                    id: requestID.rawValue, jobs: count, value: request.maxPricePerJob.wholeUnits * Double(count),
                    deadlineSeconds: seconds))
        }
        guard !bids.isEmpty else { return actions }
        // The network's reserve: it takes what no prover should at its price. It is served last among the
        // winners (the floor's reputation, as slow as the most urgent bid allows, and an id that sorts after
        // every prover's), so that a winning prover is never left idle while the reserve holds a job.
        asks.append(
            Ask(
                id: Self.reserveAskID, slots: capacity, cost: settings.reservePricePerUnit * units,
                secondsPerJob: bids.map(\.deadlineSeconds).min() ?? 0, reputation: policy.floor,
                stakeHeadroom: .greatestFiniteMagnitude))
        let round = Round(
            jobClass: jobClass.description, bondPerJob: bondPerJob.wholeUnits, minReputation: policy.floor, bids: bids,
            asks: asks)
        guard let outcome = try? DoubleAuction.clear(round) else { return actions }
        // Each winner's price per job: the clocks' prices, the same for every trader of the round.
        var jobsOfAsk: [String: Int] = [:]
        var jobsOfBid: [String: Int] = [:]
        for a in outcome.assignments {
            jobsOfAsk[a.ask, default: 0] += a.jobs
            jobsOfBid[a.bid, default: 0] += a.jobs
        }
        let winners = outcome.assignments.filter { $0.ask != Self.reserveAskID }
            .map { (prover: ProverID($0.ask), request: RequestID($0.bid), jobs: $0.jobs) }
        let given = pairWinners(winners, pendingOfRequest: pendingOfRequest)
        var matched = 0
        for (prover, list) in given.sorted(by: { $0.key < $1.key }) {
            for job in list {
                let (ask, bid) = (prover.rawValue, job.requestID.rawValue)
                // Never above the request's maximum price, which is what its escrow holds per job.
                let charge = min(
                    Amount.flooring((outcome.bidPayments[bid] ?? 0) / Double(max(1, jobsOfBid[bid] ?? 1))),
                    requests[job.requestID]?.maxPricePerJob ?? .zero)
                let price = min(
                    Amount.flooring((outcome.askPayments[ask] ?? 0) / Double(max(1, jobsOfAsk[ask] ?? 1))), charge)
                if lease(job, to: prover, price: price, charge: charge, locked: &locked, actions: &actions, now: now) {
                    matched += 1
                }
            }
        }
        actions.changes.rounds.append(
            RoundRecord(
                jobClass: jobClass.description, atMillis: now, bids: bids.count, asks: asks.count - 1,
                jobsMatched: matched,
                welfare: outcome.welfare, surplus: outcome.surplus,
                roundJSON: String(decoding: (try? JSONEncoder().encode(round)) ?? Data(), as: UTF8.self),
                outcomeJSON: String(decoding: outcome.jsonData(), as: UTF8.self)))
        return actions
    }

    /// Which winning prover proves which winning job. The market says how many jobs each winning request and
    /// each winning prover trade; the pairs it names are taken first, then a job that its prover may not
    /// take (it failed it, or holds a replica of its input) is moved along an augmenting path to a winner that
    /// may (Kuhn's bipartite matching), so that one prover's exclusion never costs another request its trade.
    func pairWinners(
        _ winners: [(prover: ProverID, request: RequestID, jobs: Int)], pendingOfRequest: [RequestID: [Job]]
    ) -> [ProverID: [Job]] {
        var quota: [ProverID: Int] = [:]
        var wanted: [RequestID: Int] = [:]
        for winner in winners where provers[winner.prover] != nil && requests[winner.request] != nil {
            quota[winner.prover, default: 0] += winner.jobs
            wanted[winner.request, default: 0] += winner.jobs
        }
        let proverOrder = quota.keys.sorted()
        var given: [ProverID: [Job]] = [:]
        var placed: Set<JobID> = []
        func mayTake(_ prover: ProverID, _ job: Job) -> Bool {
            !excluded(prover, from: job)
                && !(given[prover] ?? []).contains { $0.requestID == job.requestID && $0.index == job.index }
        }
        // Gives `job` to a prover with a free share, or to one whose jobs can move elsewhere.
        func augment(_ job: Job, _ visited: inout Set<ProverID>) -> Bool {
            for prover in proverOrder where !visited.contains(prover) && mayTake(prover, job) {
                visited.insert(prover)
                if (quota[prover] ?? 0) > 0 {
                    given[prover, default: []].append(job)
                    quota[prover, default: 0] -= 1
                    return true
                }
                for (position, held) in (given[prover] ?? []).enumerated() where augment(held, &visited) {
                    given[prover]?[position] = job
                    return true
                }
            }
            return false
        }
        // Where each request's first job not yet placed stands, so that a round that leases thousands of
        // jobs does not scan the placed ones again for each.
        var firstOpen: [RequestID: Int] = [:]
        func nextJob(of request: RequestID, for prover: ProverID) -> Job? {
            guard let list = pendingOfRequest[request] else { return nil }
            var start = firstOpen[request] ?? 0
            while start < list.count, placed.contains(list[start].id) { start += 1 }
            firstOpen[request] = start
            return list[start...].first { !placed.contains($0.id) && mayTake(prover, $0) }
        }
        // The market's own pairs first.
        for winner in winners {
            for _ in 0..<winner.jobs {
                guard (quota[winner.prover] ?? 0) > 0, (wanted[winner.request] ?? 0) > 0,
                    let job = nextJob(of: winner.request, for: winner.prover)
                else { break }
                given[winner.prover, default: []].append(job)
                placed.insert(job.id)
                quota[winner.prover, default: 0] -= 1
                wanted[winner.request, default: 0] -= 1
            }
        }
        // Then what is left, along augmenting paths.
        for request in wanted.keys.sorted() {
            for job in pendingOfRequest[request] ?? [] where (wanted[request] ?? 0) > 0 && !placed.contains(job.id) {
                var visited: Set<ProverID> = []
                if augment(job, &visited) {
                    placed.insert(job.id)
                    wanted[request, default: 0] -= 1
                }
            }
        }
        return given
    }

    /// Leases a pending job to a prover at the round's prices, locking its bond from the prover's operator's
    /// stake (`locked`: the bonds locked so far, by operator); false if the job could not be granted (the
    /// operator's headroom cannot cover the bond: it stays pending).
    mutating func lease(
        _ pending: Job, to prover: ProverID, price: Amount, charge: Amount, locked: inout [String: Amount],
        actions: inout BookActions, now: Int64
    ) -> Bool {
        guard var request = requests[pending.requestID], let session = provers[prover] else { return false }
        var job = pending
        let operatorAddress = session.announcement.operatorAddress
        let bond = operatorAddress == nil ? Amount.zero : settings.bonds.bond(price: price)
        if let operatorAddress, headroom(operatorAddress, locked: locked) < bond { return false }
        let lease = Lease(
            prover: prover, epoch: job.epoch + 1, grantedMillis: now, expiresMillis: now + settings.leaseMillis,
            price: price, charge: charge, bond: bond, bondOperator: operatorAddress)
        guard Self.transition(&job, .grant(lease)) else { return false }
        if let operatorAddress {
            locked[operatorAddress, default: .zero] = locked[operatorAddress, default: .zero] + bond
        }
        jobs[job.id] = job
        provers[prover]?.running.insert(job.id)
        progress[job.id] = JobProgress(fraction: 0, stage: "assigned")
        actions.write(job)
        actions.send(
            .assign(
                JobAssignment(
                    job: job, lease: lease, circuitID: request.circuitID, deadlineMillis: request.deadlineMillis)),
            to: prover)
        if Self.transition(&request, .leased, now: now) {
            requests[request.id] = request
            actions.write(request)
        }
        actions.updates.append(update(request, .assigned, job: job, message: "price \(price)", now: now))
        return true
    }
}
