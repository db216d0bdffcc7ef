import ProverNetCore
import Store

/// Why the book refuses a new request.
public enum SubmissionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicate(RequestID)
    case noJobs(RequestID)
    case foreignJob(JobID)
    /// Its price per job is below what the network's reserve asks for a job of its class: no round could
    /// ever trade it.
    case belowReserve(maxPricePerJob: Amount, reserve: Amount, jobClass: JobClass)
    /// Its key already has as many open requests, or inputs in flight, as it may.
    case ownerLimit(owner: String, what: String, open: Int, adding: Int, limit: Int)
    /// Its maximum cost (price per job × jobs) passes the largest amount the ledger keeps.
    case costOverflow(maxPricePerJob: Amount, jobs: Int)

    public var description: String {
        switch self {
        case .duplicate(let id): "request \(id) already exists"
        case .noJobs(let id): "request \(id) has no jobs"
        case .foreignJob(let id): "job \(id) does not belong to its request"
        case .belowReserve(let price, let reserve, let jobClass):
            "the maximum price \(price) per job is below the network's reserve price of \(reserve) per job of class "
                + "\(jobClass), so no prover could ever be matched to it: offer at least --max-price \(reserve)"
        case .ownerLimit(let owner, let what, let open, let adding, let limit):
            "key \(owner) has \(open) \(what) open, and \(adding) more would pass its limit of \(limit): retry when some "
                + "of its requests have ended"
        case .costOverflow(let price, let jobs):
            "the maximum price \(price) per job times \(jobs) jobs passes the largest amount the ledger keeps"
        }
    }
}

extension JobBook {
    // MARK: Submission

    /// A new request and its jobs (one per input, times the redundancy), queued for the next round. Its price
    /// per job must reach the reserve of every class it will bid in: its jobs', and `aggregationClass`, that of
    /// the aggregation job it asks for.
    /// With an owner (the submitting key), its open requests and inputs in flight must stay within
    /// `ownerLimits`.
    ///
    /// Its maximum cost (`ProofRequest.maximumCost`) is escrowed from its owner's balance in the same batch (a
    /// request without an owner, submitted in the gateway's own process, is prepaid: its escrow comes from
    /// `deposits`); the store refuses the batch when the balance cannot cover it.
    public mutating func submit(
        _ request: ProofRequest, jobs newJobs: [Job], aggregationClass: JobClass? = nil,
        ownerLimits: OwnerLimits? = nil, now: Int64
    ) throws(SubmissionRefusal) -> BookActions {
        guard requests[request.id] == nil else { throw .duplicate(request.id) }
        if let owner = request.owner, let limits = ownerLimits {
            let load = ownerLoad[owner] ?? OwnerLoad()
            if load.requests + 1 > limits.maxOpenRequests {
                throw .ownerLimit(
                    owner: owner, what: "requests", open: load.requests, adding: 1, limit: limits.maxOpenRequests)
            }
            if load.inputs + request.inputCount > limits.maxInputsInFlight {
                throw .ownerLimit(
                    owner: owner, what: "inputs", open: load.inputs, adding: request.inputCount,
                    limit: limits.maxInputsInFlight)
            }
        }
        guard !newJobs.isEmpty else { throw .noJobs(request.id) }
        if let foreign = newJobs.first(where: { $0.requestID != request.id }) { throw .foreignJob(foreign.id) }
        for jobClass in Set(newJobs.map(\.jobClass) + (aggregationClass.map { [$0] } ?? [])).sorted() {
            let reserve = reservePrice(jobClass)
            if request.maxPricePerJob < reserve {
                throw .belowReserve(maxPricePerJob: request.maxPricePerJob, reserve: reserve, jobClass: jobClass)
            }
        }
        guard let escrow = request.maximumCost else {
            throw .costOverflow(maxPricePerJob: request.maxPricePerJob, jobs: request.chargeableJobs)
        }
        var actions = BookActions()
        actions.changes.transfers.append(
            Transfer(
                atMillis: now, reason: .escrow, from: Self.clientAccount(of: request), to: .escrow(request.id),
                amount: escrow, requestID: request.id,
                note: "\(request.maxPricePerJob) × \(request.chargeableJobs) jobs"))
        requests[request.id] = request
        countOwner(of: request, by: 1)
        verifiedInputs[request.id] = []
        jobsOfRequest[request.id] = newJobs.map(\.id)
        for job in newJobs { jobs[job.id] = job }
        actions.write(request)
        for job in newJobs { actions.write(job) }
        actions.wakeMarket = true
        return actions
    }

    /// The account a request's escrow comes from and goes back to: its owner's, or `deposits` for a request
    /// submitted without a key (prepaid).
    static func clientAccount(of request: ProofRequest) -> LedgerAccount {
        request.owner.map { .client($0) } ?? .deposits
    }

    /// The least price per job of the class that a round can trade: the reserve ask's, rounded up to the unit.
    public func reservePrice(_ jobClass: JobClass) -> Amount {
        let whole = settings.reservePricePerUnit * settings.workUnits(jobClass)
        return Amount(units: Int64((whole * Double(Amount.unitsPerWhole)).rounded(.up)))
    }

    // MARK: Ending

    /// Cancels a request that has not ended; provers holding its jobs are told to stop. Nil when the request
    /// is not open in the book (ended, or unknown: ask the store).
    public mutating func cancel(_ id: RequestID, now: Int64) -> BookActions? {
        guard requests[id] != nil else { return nil }
        return end(id, as: .cancelled(reason: "cancelled by the client", atMillis: now), now: now)
    }

    /// Expires the requests past their deadline.
    public mutating func expireOverdue(now: Int64) -> BookActions {
        var actions = BookActions()
        for request in requests.values.sorted(by: { $0.id < $1.id }) where request.deadlineMillis <= now {
            actions.append(
                end(
                    request.id,
                    as: .expired(reason: "the deadline passed before every proof was verified", atMillis: now), now: now
                ))
        }
        return actions
    }

    /// Ends an open request as failed, expired or cancelled.
    mutating func end(_ id: RequestID, as state: RequestState, now: Int64) -> BookActions {
        guard var request = requests[id], Self.transition(&request, .end(state), now: now) else { return BookActions() }
        requests[id] = request
        return closeEnded(id, now: now)
    }

    /// After a request reached a final state: its unfinished jobs are cancelled (failed, if it failed) and
    /// their provers told to stop, the request written, its watchers told and released, and the book
    /// forgets it.
    mutating func closeEnded(_ id: RequestID, now: Int64) -> BookActions {
        var actions = BookActions()
        guard let request = requests[id], request.state.isFinal else { return actions }
        let reason = request.state.reason ?? request.state.phase.rawValue
        var stops: [(ProverID, Job)] = []
        for jobID in jobsOfRequest[id] ?? [] {
            guard var job = jobs[jobID], !job.state.isFinal else { continue }
            let lease = job.state.lease
            // A job still held when its request's deadline passed costs its holder the smaller share of its bond.
            if let lease, request.state.phase == .expired {
                actions.append(
                    slash(lease, job: job, kind: .pastDeadline, reason: reason, jobStaysOpen: false, now: now))
                note(
                    .lost, prover: lease.prover, operatorAddress: operatorOf(lease), job: jobID, now: now,
                    into: &actions)
            }
            let event: JobEvent = request.state.phase == .failed ? .fail(reason: reason) : .cancel(reason: reason)
            guard Self.transition(&job, event) else { continue }
            if let lease { stops.append((lease.prover, job)) }
            jobs[jobID] = job
            actions.write(job)
        }
        actions.write(request)
        // Bounties no one earned go to slashed funds.
        actions.changes.transfers += forfeitBounties(of: id, now: now)
        // What the escrow still holds goes back to the client, however the request ended.
        actions.changes.transfers.append(
            Transfer(
                atMillis: now, reason: .refund, from: .escrow(id), to: Self.clientAccount(of: request),
                amount: request.escrowLeft, requestID: id, note: request.state.phase.rawValue))
        actions.append(stop(stops, reason: reason))
        if !stops.isEmpty { actions.wakeMarket = true }
        actions.updates.append(update(request, .state, message: reason, now: now))
        actions.ended.append(id)
        forget(id)
        return actions
    }

    /// Drops an ended request and its jobs from memory.
    mutating func forget(_ id: RequestID) {
        for jobID in jobsOfRequest.removeValue(forKey: id) ?? [] {
            jobs.removeValue(forKey: jobID)
            progress.removeValue(forKey: jobID)
            failedBy.removeValue(forKey: jobID)
            bounties.removeValue(forKey: jobID)
        }
        if let request = requests.removeValue(forKey: id) { countOwner(of: request, by: -1) }
        verifiedInputs.removeValue(forKey: id)
    }

    /// Keeps `ownerLoad` in step as requests open (`sign` 1) and end (-1).
    mutating func countOwner(of request: ProofRequest, by sign: Int) {
        guard let owner = request.owner else { return }
        var load = ownerLoad[owner] ?? OwnerLoad()
        load.requests += sign
        load.inputs += sign * request.inputCount
        ownerLoad[owner] = load.requests > 0 ? load : nil
    }

    /// Tells provers to stop jobs that are no longer theirs to prove.
    mutating func stop(_ stops: [(ProverID, Job)], reason: String) -> BookActions {
        var actions = BookActions()
        for (prover, job) in stops {
            provers[prover]?.running.remove(job.id)
            progress[job.id] = nil
            actions.send(.stop(job: job.id, epoch: job.epoch, reason: reason), to: prover)
        }
        return actions
    }

    // MARK: Aggregation

    /// What the aggregation of a request needs: the verified proof of each input, in input order.
    func aggregationNeed(_ request: ProofRequest) -> AggregationNeed {
        var proofOfInput: [Int: ProofPayload] = [:]
        for job in jobs(of: request.id) where !job.isAggregation {
            if let verified = job.state.verified { proofOfInput[job.index] = verified.proof }
        }
        return AggregationNeed(
            request: request.id, circuitID: request.circuitID,
            proofs: proofOfInput.keys.sorted().compactMap { proofOfInput[$0] })
    }

    /// The aggregation job of a request whose proofs are all verified, made once its artifacts are stored
    /// (`input` names them): queued for the market.
    public mutating func aggregationPrepared(
        _ id: RequestID, jobClass: JobClass, inputJSON: String, now: Int64
    ) -> BookActions {
        var actions = BookActions()
        guard let request = requests[id], case .aggregating = request.state,
            !jobs(of: id).contains(where: \.isAggregation)
        else { return actions }
        let job = Job(
            id: JobID(request: id, index: request.inputCount), requestID: id, kind: .aggregate,
            index: request.inputCount,
            jobClass: jobClass, inputJSON: inputJSON, statementJSON: "[]")
        jobs[job.id] = job
        jobsOfRequest[id, default: []].append(job.id)
        actions.write(job)
        actions.updates.append(update(request, .aggregating, job: job, now: now))
        actions.wakeMarket = true
        return actions
    }

    /// The aggregation of a request cannot be prepared: the request fails with why.
    public mutating func aggregationFailed(_ id: RequestID, reason: String, now: Int64) -> BookActions {
        end(id, as: .failed(reason: "cannot aggregate: \(reason)", atMillis: now), now: now)
    }
}
