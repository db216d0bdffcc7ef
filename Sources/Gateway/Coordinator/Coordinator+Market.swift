import Foundation
import Logging
import Market
import ProverNetAPI
import SwiftProtobuf
import ProverNetCore
import Store

extension Coordinator {
    /// The id of the network's reserve ask in every round (see `GatewayConfiguration.reservePricePerUnit`).
    static let reserveAskID = "~reserve"

    /// Runs one DARA round for every class of job that has pending jobs and a prover free to take them,
    /// then sends the winners their assignments. Returns how many jobs were assigned.
    @discardableResult
    public func runRounds() -> Int {
        guard !draining else { return 0 }
        let now = Identifiers.nowMillis()
        expireOverdue(now: now)
        var pendingByClass: [String: [JobRecord]] = [:]
        for job in jobs.values where job.state == .pending {
            pendingByClass[job.jobClass, default: []].append(job)
        }
        var assigned = 0
        for (className, pending) in pendingByClass.sorted(by: { $0.key < $1.key }) {
            guard let jobClass = JobClass(className) else { continue }
            // In input order, so that a round's assignments do not depend on a dictionary's order.
            let ordered = pending.sorted { ($0.requestID, $0.index, $0.replica) < ($1.requestID, $1.index, $1.replica) }
            assigned += runRound(jobClass, pending: ordered, now: now)
        }
        return assigned
    }

    func runRound(_ jobClass: JobClass, pending: [JobRecord], now: Int64) -> Int {
        let domainSize = jobClass.size
        // Asks: every connected prover that can prove the class, has a free slot, and has not already failed
        // every pending job (else a cheap cheater would win the same job each round and starve it).
        let eligible = sessions.values.filter { session in
            session.freeSlots > 0 && session.canProve(jobClass, domainSize: domainSize)
                && pending.contains {
                    !(failedBy[$0.id]?.contains(session.proverID) ?? false) && !hasReplica(of: $0, prover: session.proverID)
                }
        }.sorted { $0.proverID < $1.proverID }
        var asks: [Ask] = eligible.compactMap { session in
            guard let cost = session.askPrice(jobClass) else { return nil }
            return Ask(
                id: session.proverID, slots: session.freeSlots, cost: cost, secondsPerJob: session.seconds(jobClass),
                reputation: 1, stakeHeadroom: .greatestFiniteMagnitude)
        }
        guard !asks.isEmpty else { return 0 }
        let capacity = asks.reduce(0) { $0 + $1.slots }
        let reserve = configuration.reservePricePerUnit * jobClass.workUnits
        asks.append(
            Ask(id: Self.reserveAskID, slots: capacity, cost: reserve, secondsPerJob: 0, reputation: 1,
                stakeHeadroom: .greatestFiniteMagnitude))
        // Bids: each request's pending jobs of the class, as many as the free provers could take.
        var pendingOfRequest: [RequestID: [JobRecord]] = [:]
        for job in pending { pendingOfRequest[job.requestID, default: []].append(job) }
        var bids: [Bid] = []
        for (requestID, list) in pendingOfRequest.sorted(by: { $0.key < $1.key }) {
            guard let request = requests[requestID] else { continue }
            let count = min(list.count, capacity)
            let seconds = Double(request.deadlineMillis - now) / 1000
            guard seconds > 0 else { continue }
            bids.append(Bid(id: requestID, jobs: count, value: request.maxPricePerJob * Double(count), deadlineSeconds: seconds))
        }
        guard !bids.isEmpty else { return 0 }
        let round = Round(jobClass: jobClass.description, bids: bids, asks: asks)
        let outcome: Outcome
        do {
            outcome = try DoubleAuction.clear(round)
        } catch {
            logger.error("market round refused", metadata: ["class": "\(jobClass)", "error": "\(error)"])
            return 0
        }
        // Each winner's price per job: the clocks' prices, the same for every trader of the round.
        var jobsOfAsk: [String: Int] = [:]
        var jobsOfBid: [String: Int] = [:]
        for a in outcome.assignments {
            jobsOfAsk[a.ask, default: 0] += a.jobs
            jobsOfBid[a.bid, default: 0] += a.jobs
        }
        var changed: [JobRecord] = []
        var sends: [(ProverID, JobRecord)] = []
        var touchedRequests: [RequestRecord] = []
        // The inputs each prover got in this round, so that it does not get two replicas of one.
        var inputsOfProver: [ProverID: Set<String>] = [:]
        for a in outcome.assignments where a.ask != Self.reserveAskID {
            guard var list = pendingOfRequest[a.bid], sessions[a.ask] != nil else { continue }
            let price = (outcome.askPayments[a.ask] ?? 0) / Double(max(1, jobsOfAsk[a.ask] ?? 1))
            let charge = (outcome.bidPayments[a.bid] ?? 0) / Double(max(1, jobsOfBid[a.bid] ?? 1))
            for _ in 0..<a.jobs {
                // Not a job this prover already failed, if the request has another.
                // Not a job this prover already failed, if the request has another, nor a replica of an input
                // it already holds.
                guard
                    let pick = list.firstIndex(where: {
                        !(failedBy[$0.id]?.contains(a.ask) ?? false) && !hasReplica(of: $0, prover: a.ask)
                            && !(inputsOfProver[a.ask]?.contains("\($0.requestID)/\($0.index)") ?? false)
                    })
                else { break }
                var job = list.remove(at: pick)
                inputsOfProver[a.ask, default: []].insert("\(job.requestID)/\(job.index)")
                job.state = .assigned
                job.epoch += 1
                job.proverID = a.ask
                job.price = price
                job.charge = charge
                job.assignedMillis = now
                job.leaseExpiresMillis = now + configuration.leaseMillis
                changed.append(job)
                sends.append((a.ask, job))
            }
            pendingOfRequest[a.bid] = list
            if var request = requests[a.bid], request.state == .queued {
                request.state = .proving
                touchedRequests.append(request)
            }
        }
        let matched = outcome.assignments.filter { $0.ask != Self.reserveAskID }.reduce(0) { $0 + $1.jobs }
        let record = RoundRecord(
            jobClass: jobClass.description, atMillis: now, bids: bids.count, asks: asks.count - 1, jobsMatched: matched,
            welfare: outcome.welfare, surplus: outcome.surplus,
            roundJSON: String(decoding: (try? JSONEncoder().encode(round)) ?? Data(), as: UTF8.self),
            outcomeJSON: String(decoding: outcome.jsonData(), as: UTF8.self))
        do {
            try commit(StoreChanges(requests: touchedRequests, jobs: changed, rounds: [record]))
        } catch {
            return 0
        }
        for request in touchedRequests { requests[request.id] = request }
        for job in changed { jobs[job.id] = job }
        for (proverID, job) in sends {
            sessions[proverID]?.running.insert(job.id)
            progress[job.id] = (0, "assigned")
            if let message = assignment(job) { sessions[proverID]?.send(message) }
            logger.info(
                "job assigned",
                metadata: ["job": "\(job.id)", "prover": "\(proverID.prefix(12))", "epoch": "\(job.epoch)", "price": "\(job.price)"])
            emit(request: job.requestID, kind: "assigned", job: job, message: "price \(job.price)")
        }
        return sends.count
    }

    /// The assignment message for a leased job.
    func assignment(_ job: JobRecord) -> Provernet_V1_GatewayMessage? {
        guard let request = requests[job.requestID] else { return nil }
        if job.isAggregation {
            return aggregationAssignment(job, request: request).map { a in .with { $0.assignment = a } }
        }
        guard let circuit = try? circuits.descriptor(request.circuitID) else { return nil }
        var a = Provernet_V1_Assignment()
        a.jobID = job.id
        a.epoch = UInt64(job.epoch)
        a.requestID = job.requestID
        a.circuitID = circuit.id
        a.circuitKind = circuit.kind == .circom ? .circom : .synthetic
        a.constraints = circuit.constraints
        a.artifacts = circuit.artifacts.map(\.proto)
        a.inputJson = job.inputJSON
        a.price = job.price
        a.deadlineUnixMillis = request.deadlineMillis
        a.jobClass = job.jobClass
        a.jobKind = Groth16ProofSystem.jobKinds[0]
        return .with { $0.assignment = a }
    }
}
