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
        (failedBy[job.id]?.contains(prover) ?? false) || hasReplica(of: job, prover: prover)
    }

    /// One round of one class.
    mutating func clearRound(_ jobClass: JobClass, pending: [Job], now: Int64) -> BookActions {
        var actions = BookActions()
        let isAggregation = pending.first?.isAggregation ?? false
        let units = settings.workUnits(jobClass)
        // Asks: every connected prover that can prove the class, has a free slot, and has not already failed
        // every pending job (else a cheap cheater would win the same job each round and starve it).
        let eligible = provers.values.filter { session in
            session.freeSlots > 0 && session.canProve(jobClass, isAggregation: isAggregation)
                && pending.contains { !excluded(session.id, from: $0) }
        }.sorted { $0.id < $1.id }
        var asks: [Ask] = eligible.compactMap { session in
            guard let cost = session.askPrice(jobClass, workUnits: units) else { return nil }
            return Ask(
                id: session.id.rawValue, slots: session.freeSlots, cost: cost,
                secondsPerJob: session.seconds(jobClass, workUnits: settings.workUnits), reputation: 1,
                stakeHeadroom: .greatestFiniteMagnitude)
        }
        guard !asks.isEmpty else { return actions }
        let capacity = asks.reduce(0) { $0 + $1.slots }
        asks.append(
            Ask(
                id: Self.reserveAskID, slots: capacity, cost: settings.reservePricePerUnit * units, secondsPerJob: 0,
                reputation: 1, stakeHeadroom: .greatestFiniteMagnitude))
        // Bids: each request's pending jobs of the class, as many as the free provers could take.
        var pendingOfRequest: [RequestID: [Job]] = [:]
        for job in pending { pendingOfRequest[job.requestID, default: []].append(job) }
        var bids: [Bid] = []
        for (requestID, list) in pendingOfRequest.sorted(by: { $0.key < $1.key }) {
            guard let request = requests[requestID] else { continue }
            let count = min(list.count, capacity)
            let seconds = Double(request.deadlineMillis - now) / 1000
            guard seconds > 0 else { continue }
            bids.append(
                Bid(
                    id: requestID.rawValue, jobs: count, value: request.maxPricePerJob.wholeUnits * Double(count),
                    deadlineSeconds: seconds))
        }
        guard !bids.isEmpty else { return actions }
        let round = Round(jobClass: jobClass.description, bids: bids, asks: asks)
        guard let outcome = try? DoubleAuction.clear(round) else { return actions }
        // Each winner's price per job: the clocks' prices, the same for every trader of the round.
        var jobsOfAsk: [String: Int] = [:]
        var jobsOfBid: [String: Int] = [:]
        for a in outcome.assignments {
            jobsOfAsk[a.ask, default: 0] += a.jobs
            jobsOfBid[a.bid, default: 0] += a.jobs
        }
        // The inputs each prover got in this round, so that it does not get two replicas of one.
        var inputsOfProver: [ProverID: Set<String>] = [:]
        var matched = 0
        for a in outcome.assignments where a.ask != Self.reserveAskID {
            let prover = ProverID(a.ask)
            let requestID = RequestID(a.bid)
            guard var list = pendingOfRequest[requestID], provers[prover] != nil, var request = requests[requestID]
            else {
                continue
            }
            let charge = Amount.flooring((outcome.bidPayments[a.bid] ?? 0) / Double(max(1, jobsOfBid[a.bid] ?? 1)))
            let price = min(
                Amount.flooring((outcome.askPayments[a.ask] ?? 0) / Double(max(1, jobsOfAsk[a.ask] ?? 1))), charge)
            for _ in 0..<a.jobs {
                // Not a job this prover already failed, if the request has another, nor a replica of an input
                // it already holds.
                guard
                    let pick = list.firstIndex(where: {
                        !excluded(prover, from: $0)
                            && !(inputsOfProver[prover]?.contains("\($0.requestID)/\($0.index)") ?? false)
                    })
                else { break }
                var job = list.remove(at: pick)
                let lease = Lease(
                    prover: prover, epoch: job.epoch + 1, grantedMillis: now, expiresMillis: now + settings.leaseMillis,
                    price: price, charge: charge)
                guard Self.transition(&job, .grant(lease)) else { continue }
                inputsOfProver[prover, default: []].insert("\(job.requestID)/\(job.index)")
                jobs[job.id] = job
                provers[prover]?.running.insert(job.id)
                progress[job.id] = JobProgress(fraction: 0, stage: "assigned")
                matched += 1
                actions.write(job)
                actions.send(
                    .assign(
                        JobAssignment(
                            job: job, lease: lease, circuitID: request.circuitID, deadlineMillis: request.deadlineMillis
                        )),
                    to: prover)
                if Self.transition(&request, .leased, now: now) {
                    requests[requestID] = request
                    actions.write(request)
                }
                actions.updates.append(update(request, .assigned, job: job, message: "price \(price)", now: now))
            }
            pendingOfRequest[requestID] = list
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
}
