import Foundation
import Logging
import ProverNetAPI
import SwiftProtobuf
import ProverNetCore
import Store

/// Why a message about a job was refused.
public enum LeaseRefusal: Error, Sendable, CustomStringConvertible {
    case unknownJob(JobID)
    case notYours(JobID)
    case staleEpoch(job: JobID, epoch: UInt64, current: Int64)
    case notLeased(job: JobID, state: JobState)
    /// The change could not be stored, so it was not made; the prover may send again.
    case notDurable(job: JobID)

    public var description: String {
        switch self {
        case .unknownJob(let job): "job \(job) is not open"
        case .notYours(let job): "job \(job) is not leased to this prover"
        case .staleEpoch(let job, let epoch, let current): "job \(job): lease epoch \(epoch) is stale (current \(current))"
        case .notLeased(let job, let state): "job \(job) is \(state.rawValue), not leased"
        case .notDurable(let job): "job \(job): the gateway could not store the change; send it again"
        }
    }
}

extension Coordinator {
    /// Registers a prover's connection and returns the stream of messages to send it. A second
    /// connection of the same prover replaces the first; the jobs it says it still holds stay its own.
    func connect(
        proverID: ProverID, name: String, hello: Provernet_V1_Hello,
        outbound continuation: AsyncStream<Provernet_V1_GatewayMessage>.Continuation
    ) -> UInt64 {
        let connection = token()
        let capabilities = hello.capabilities
        var session = ProverSession(
            connection: connection, proverID: proverID, name: name, slots: max(1, Int(capabilities.slots)),
            maxConstraints: capabilities.maxConstraints, proofSystems: Set(capabilities.proofSystems),
            secondsPerJob: capabilities.secondsPerJob, ask: hello.ask, outbound: continuation,
            lastHeartbeatMillis: Identifiers.nowMillis())
        if let old = sessions[proverID] {
            old.outbound.finish()
        }
        // Jobs the prover still holds under a live lease are its own again; any other lease it had ends.
        let held = Set(hello.heldJobs)
        for job in jobs.values where job.proverID == proverID && job.state.isLeased {
            if held.contains(job.id) {
                session.running.insert(job.id)
            }
        }
        sessions[proverID] = session
        let orphaned = jobs.values.filter { $0.proverID == proverID && $0.state.isLeased && !held.contains($0.id) }
        requeue(orphaned.map(\.id), reason: "prover reconnected without the job")
        // Jobs it says it holds that another prover now holds, or that ended: it must stop them (a result
        // would be refused anyway). One whose lease lapsed and that waits on the market is left running: the
        // next round may give it back to this prover, which then carries on under the new lease.
        let notOurs = held.filter { id in
            guard !session.running.contains(id) else { return false }
            guard let job = jobs[id] else { return true }
            return job.state != .pending
        }
        for id in notOurs {
            var cancel = Provernet_V1_CancelJob()
            cancel.jobID = id
            cancel.epoch = UInt64(jobs[id]?.epoch ?? Int64.max)
            cancel.reason = "the lease is no longer this prover's"
            continuation.yield(.with { $0.cancel = cancel })
        }
        logger.info("prover connected", metadata: ["prover": "\(proverID.prefix(12))", "name": "\(name)", "slots": "\(session.slots)"])
        var record = (try? store.prover(id: proverID)) ?? nil
        record?.lastSeenMillis = Identifiers.nowMillis()
        if let record { try? commit(StoreChanges(provers: [record])) }
        wakeMarket()
        return connection
    }

    /// The prover's stream ended. Its leases stand until they lapse, like those of any prover that stops
    /// sending heartbeats: a prover that reconnects in time (a dropped connection, a restart) carries on
    /// with its jobs; one that does not loses them to the reaper, which counts them against it (a prover
    /// that disappears does not use up a job's attempts).
    func disconnect(proverID: ProverID, connection: UInt64) {
        guard let session = sessions[proverID], session.connection == connection else { return }
        sessions[proverID] = nil
        session.outbound.finish()
        logger.info(
            "prover disconnected", metadata: ["prover": "\(proverID.prefix(12))", "leases_standing": "\(session.running.count)"])
    }

    /// Puts leased jobs back to pending without counting an attempt. With `lost`, the prover that held
    /// each one disappeared with it (disconnected, or let its lease lapse): that counts against its record.
    func requeue(_ ids: [JobID], reason: String, lost: Bool = false) {
        var changed: [JobRecord] = []
        var provers: [ProverID: ProverRecord] = [:]
        for id in ids {
            guard var job = jobs[id], job.state.isLeased else { continue }
            if let prover = job.proverID {
                sessions[prover]?.running.remove(id)
                if lost, var record = provers[prover] ?? ((try? store.prover(id: prover)) ?? nil) {
                    record.jobsLost += 1
                    provers[prover] = record
                }
            }
            job.state = .pending
            job.proverID = nil
            job.leaseExpiresMillis = nil
            job.lastError = reason
            changed.append(job)
        }
        guard !changed.isEmpty, (try? commit(StoreChanges(jobs: changed, provers: Array(provers.values)))) != nil else { return }
        for job in changed {
            jobs[job.id] = job
            progress[job.id] = nil
            logger.info("job back to the market", metadata: ["job": "\(job.id)", "reason": "\(reason)"])
            emit(request: job.requestID, kind: "requeued", job: job, message: reason)
        }
        wakeMarket()
    }

    /// A prover hands a job back (it is shutting down): the job returns to the market without using an
    /// attempt.
    func release(proverID: ProverID, job id: JobID, epoch: UInt64, reason: String) {
        guard (try? checkLease(proverID: proverID, job: id, epoch: epoch)) != nil else { return }
        requeue([id], reason: "handed back: \(reason)")
    }

    /// Checks that `proverID` holds the lease of epoch `epoch` on the job.
    func checkLease(proverID: ProverID, job id: JobID, epoch: UInt64) throws(LeaseRefusal) -> JobRecord {
        guard let job = jobs[id] else { throw .unknownJob(id) }
        guard job.proverID == proverID else { throw .notYours(id) }
        guard UInt64(job.epoch) == epoch else { throw .staleEpoch(job: id, epoch: epoch, current: job.epoch) }
        guard job.state.isLeased else { throw .notLeased(job: id, state: job.state) }
        return job
    }

    func heartbeat(proverID: ProverID, connection: UInt64, _ beat: Provernet_V1_Heartbeat) {
        guard var session = sessions[proverID], session.connection == connection else { return }
        let now = Identifiers.nowMillis()
        session.lastHeartbeatMillis = now
        session.cpuLoad = beat.cpuLoad
        session.memoryUsed = beat.memoryUsedBytes
        // What the prover says is free, plus the jobs given to it since it said so.
        let givenSince = session.running.filter { (jobs[$0]?.assignedMillis ?? 0) >= now - configuration.heartbeatMillis }.count
        session.reportedFreeSlots = Int(beat.freeSlots) + givenSince
        sessions[proverID] = session
        // Extended leases are written, so that a gateway restarted after a crash knows which leases lapsed
        // while it was down and which a reconnecting prover still holds. Only the leases the prover says it
        // is working on (or was given moments ago) are extended: one it dropped must lapse.
        let reported = Set(beat.jobs.map { "\($0.jobID)#\($0.epoch)" })
        var extended: [JobRecord] = []
        for id in session.running {
            guard var job = jobs[id] else { continue }
            let recent = (job.assignedMillis ?? 0) >= now - 2 * configuration.heartbeatMillis
            guard reported.contains("\(id)#\(job.epoch)") || recent else { continue }
            job.leaseExpiresMillis = now + configuration.leaseMillis
            jobs[id] = job
            extended.append(job)
        }
        if !extended.isEmpty { try? commit(StoreChanges(jobs: extended)) }
        for p in beat.jobs { progressReport(proverID: proverID, p, quiet: true) }
    }

    func progressReport(proverID: ProverID, _ p: Provernet_V1_Progress, quiet: Bool = false) {
        guard var job = try? checkLease(proverID: proverID, job: p.jobID, epoch: p.epoch) else { return }
        let previous = progress[job.id]
        progress[job.id] = (max(0, min(1, p.fraction)), p.stage)
        if job.state == .assigned {
            job.state = .proving
            jobs[job.id] = job
            try? commit(StoreChanges(jobs: [job]))
        }
        if previous?.fraction != p.fraction || previous?.stage != p.stage {
            emit(request: job.requestID, kind: "progress", job: job, message: p.stage)
        }
    }

    /// A verified result: the job is done, the prover paid and the client charged (one transaction).
    func accept(
        proverID: ProverID, job id: JobID, epoch: UInt64, proof: Provernet_V1_ProofBundle, proveSeconds: Double
    ) throws(LeaseRefusal) {
        var job = try checkLease(proverID: proverID, job: id, epoch: epoch)
        guard var request = requests[job.requestID] else { throw .unknownJob(id) }
        let now = Identifiers.nowMillis()
        job.state = .verified
        if job.isAggregation {
            job.aggregateProof = proof.aggregate
        } else {
            job.proofJSON = proof.proofJson
            job.publicJSON = proof.publicJson
        }
        job.verifiedMillis = now
        job.proveMillis = Int64((proveSeconds * 1000).rounded())
        job.leaseExpiresMillis = nil
        request.paid += job.charge
        var prover = (try? store.prover(id: proverID)) ?? nil
        prover?.jobsVerified += 1
        prover?.earned += job.price
        prover?.lastSeenMillis = now
        let ledger = [
            LedgerEntry(atMillis: now, kind: .clientCharge, requestID: request.id, jobID: id, proverID: nil, amount: job.charge),
            LedgerEntry(atMillis: now, kind: .proverPayment, requestID: request.id, jobID: id, proverID: proverID, amount: job.price),
        ]
        // The other replicas of this input, if the request asked for redundancy: cancelled, not paid.
        let superseded = job.isAggregation ? (jobs: [], stops: []) : supersededSiblings(of: job)
        let allVerified = job.isAggregation || everyInputVerified(request, with: job)
        // Every proof verified: the request is done, or, if it asked for an aggregate and this was not
        // the aggregate, its aggregation job goes to the market.
        var aggregationJob: JobRecord?
        if allVerified, request.aggregate, !job.isAggregation {
            do {
                aggregationJob = try makeAggregationJob(request, verified: job)
            } catch {
                logger.error("cannot make the aggregation job", metadata: ["request": "\(request.id)", "error": "\(error)"])
                throw .notDurable(job: id)
            }
            request.state = .aggregating
        }
        let done = allVerified && aggregationJob == nil
        if done {
            request.state = .done
            request.finishedMillis = now
        }
        do {
            try commit(StoreChanges(
                requests: [request], jobs: [job] + superseded.jobs + (aggregationJob.map { [$0] } ?? []),
                provers: prover.map { [$0] } ?? [], ledger: ledger))
        } catch {
            // Not durable, so not accepted: the prover's lease stands and it may send again.
            throw .notDurable(job: id)
        }
        if let aggregationJob {
            jobs[aggregationJob.id] = aggregationJob
            jobsOfRequest[request.id, default: []].append(aggregationJob.id)
            logger.info("every proof verified: aggregation job queued", metadata: ["request": "\(request.id)", "job": "\(aggregationJob.id)"])
            emit(request: request.id, kind: "aggregating", job: aggregationJob)
        }
        jobs[id] = job
        for sibling in superseded.jobs { jobs[sibling.id] = sibling }
        sendStops(superseded.stops, reason: "another replica of the job was proven first")
        requests[request.id] = request
        sessions[proverID]?.running.remove(id)
        progress[id] = nil
        logger.info("proof verified", metadata: ["job": "\(id)", "prover": "\(proverID.prefix(12))", "epoch": "\(epoch)"])
        emit(request: request.id, kind: "verified", job: job)
        wakeMarket()
        if done {
            try? finish(request.id, state: .done, reason: nil)
        }
    }

    /// A rejected proof or a reported failure: one attempt used; the job goes back to the market, or
    /// fails its request once its attempts are used up.
    func reject(proverID: ProverID, job id: JobID, epoch: UInt64, reason: String, reportedFailure: Bool) throws(LeaseRefusal) {
        var job = try checkLease(proverID: proverID, job: id, epoch: epoch)
        job.attempts += 1
        job.state = .pending
        job.proverID = nil
        job.leaseExpiresMillis = nil
        job.lastError = reason
        var prover = (try? store.prover(id: proverID)) ?? nil
        if reportedFailure { prover?.jobsFailed += 1 } else { prover?.jobsRejected += 1 }
        let exhausted = job.attempts >= configuration.maxAttempts
        if exhausted { job.state = .failed }
        do {
            try commit(StoreChanges(jobs: [job], provers: prover.map { [$0] } ?? []))
        } catch {
            throw .notDurable(job: id)
        }
        jobs[id] = job
        sessions[proverID]?.running.remove(id)
        progress[id] = nil
        failedBy[id, default: []].insert(proverID)
        logger.warning(
            reportedFailure ? "prover reported a failure" : "proof rejected",
            metadata: ["job": "\(id)", "prover": "\(proverID.prefix(12))", "attempts": "\(job.attempts)", "reason": "\(reason)"])
        emit(request: job.requestID, kind: reportedFailure ? "failed" : "rejected", job: job, message: reason)
        wakeMarket()
        // The request fails once an input can no longer be proven: this job's attempts are used up and no
        // replica of it is left.
        if exhausted, job.isAggregation || !inputStillOpen(job) {
            try? finish(
                job.requestID, state: .failed,
                reason: "job \(job.index) failed \(job.attempts) times; last: \(reason)")
        }
    }

    /// Ends leases that were not extended in time (prover presumed dead or stalled) and expires overdue
    /// requests.
    public func reapLeases() {
        let now = Identifiers.nowMillis()
        let lapsed = jobs.values.filter { $0.state.isLeased && ($0.leaseExpiresMillis ?? 0) < now }
        if !lapsed.isEmpty {
            sendStops(lapsed.compactMap { job in job.proverID.map { ($0, job) } }, reason: "lease expired")
            requeue(lapsed.map(\.id), reason: "lease expired", lost: true)
        }
        reauctionLate(now: now)
        expireOverdue(now: now)
    }

    /// What the administrator's listing shows of connected provers.
    func connectedProvers() -> [ProverID: (slots: Int, running: Int, lastHeartbeat: Int64)] {
        sessions.mapValues { ($0.slots, $0.running.count, $0.lastHeartbeatMillis) }
    }

    /// Closes every prover's stream (shutdown).
    public func disconnectAll() {
        for session in sessions.values { session.outbound.finish() }
    }
}

extension Coordinator {
    /// How many provers are connected now.
    public func connectedProverCount() -> Int { sessions.count }
}

extension Coordinator {
    /// Re-auctions, early, a leased job whose prover cannot finish it before its request's deadline while
    /// another connected prover with a free slot could: the slow lease is ended (no attempt used; the slow
    /// prover is not offered the job again while others can take it) instead of waited for until the
    /// request expires. The finish is estimated from the job's progress (elapsed / fraction), or before any
    /// progress from the prover's announced seconds for the class.
    func reauctionLate(now: Int64) {
        var late: [JobRecord] = []
        for job in jobs.values where job.state.isLeased {
            guard let prover = job.proverID, let request = requests[job.requestID], let jobClass = JobClass(job.jobClass),
                let assigned = job.assignedMillis
            else { continue }
            let elapsed = Double(now - assigned) / 1000
            let fraction = progress[job.id]?.fraction ?? 0
            let remaining: Double
            if fraction >= 0.05 {
                remaining = elapsed * (1 - fraction) / fraction
            } else {
                remaining = max(0, (sessions[prover]?.seconds(jobClass) ?? 0) - elapsed)
            }
            let left = Double(request.deadlineMillis - now) / 1000
            guard remaining > left else { continue }
            let faster = sessions.values.contains { other in
                other.proverID != prover && other.freeSlots > 0 && other.canProve(jobClass, domainSize: jobClass.size)
                    && other.seconds(jobClass) < left
            }
            if faster { late.append(job) }
        }
        guard !late.isEmpty else { return }
        for job in late {
            guard let prover = job.proverID else { continue }
            failedBy[job.id, default: []].insert(prover)
            sendStops([(prover, job)], reason: "cannot finish before the deadline: re-auctioned")
        }
        requeue(late.map(\.id), reason: "its prover could not finish before the deadline")
    }

    /// Whether a result is one the gateway already accepted from this prover under this lease (sent twice,
    /// or sent again after a reconnection): answered as accepted again, and changes nothing.
    func alreadyAccepted(proverID: ProverID, job id: JobID, epoch: UInt64) -> Bool {
        let job = jobs[id] ?? ((try? store.job(id: id)) ?? nil)
        guard let job else { return false }
        return job.state == .verified && job.proverID == proverID && UInt64(job.epoch) == epoch
    }
}
