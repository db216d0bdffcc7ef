import ProverNetCore

/// What can happen to a job. `JobBook.transition(_:_:)` is the one place where a job's state changes.
enum JobEvent: Sendable, Equatable {
    /// A round matched it to a prover: a lease of the next epoch.
    case grant(Lease)
    /// The prover reported progress for the first time.
    case start
    /// A heartbeat named it: the lease stands until then.
    case extend(untilMillis: Int64)
    /// Its proof was checked and accepted.
    case verify(VerifiedProof)
    /// Back to the market without using an attempt: the lease lapsed, the prover handed it back or
    /// reconnected without it, or it was re-auctioned to finish in time.
    case release(reason: String)
    /// Its proof was rejected or its prover failed it: one attempt used; back to the market, or failed
    /// once its attempts are used up.
    case reject(reason: String, maxAttempts: Int)
    /// Its request ended, or a sibling replica was proven first.
    case cancel(reason: String)
    /// Its request failed.
    case fail(reason: String)
}

/// What can happen to a request. `JobBook.transition(_:_:now:)` is the one place where a request's state
/// changes.
enum RequestEvent: Sendable, Equatable {
    /// One of its jobs was leased.
    case leased
    /// Every input has a verified proof.
    case allInputsProven
    /// Its aggregate was verified.
    case aggregated
    /// It ends as failed, expired or cancelled.
    case end(RequestState)
}

extension JobBook {
    /// Moves a job by `event`; returns false, changing nothing, when the event does not apply to the job's
    /// state (a late heartbeat for a job that was verified meanwhile, a cancel of an ended job).
    ///
    /// pending → leased (grant) → verified (verify); leased → pending (release, reject within attempts);
    /// leased → failed (reject past attempts); pending or leased → cancelled or failed (its request ended,
    /// a sibling won). Verified, failed and cancelled are final.
    @discardableResult
    static func transition(_ job: inout Job, _ event: JobEvent) -> Bool {
        switch (job.state, event) {
        case (.pending, .grant(let lease)):
            guard lease.epoch == job.epoch + 1 else { return false }
            job.epoch = lease.epoch
            job.state = .leased(lease)
        case (.leased(var lease), .start):
            guard !lease.started else { return false }
            lease.started = true
            job.state = .leased(lease)
        case (.leased(var lease), .extend(let until)):
            guard until > lease.expiresMillis else { return false }
            lease.expiresMillis = until
            job.state = .leased(lease)
        case (.leased(let lease), .verify(let proof)):
            guard proof.lease.prover == lease.prover, proof.lease.epoch == lease.epoch else { return false }
            job.state = .verified(proof)
        case (.leased, .release(let reason)):
            job.state = .pending
            job.lastError = reason
        case (.leased, .reject(let reason, let maxAttempts)):
            job.attempts += 1
            job.lastError = reason
            job.state = job.attempts >= maxAttempts ? .failed(reason: reason) : .pending
        case (.pending, .cancel(let reason)), (.leased, .cancel(let reason)):
            job.state = .cancelled(reason: reason)
            job.lastError = reason
        case (.pending, .fail(let reason)), (.leased, .fail(let reason)):
            job.state = .failed(reason: reason)
            job.lastError = reason
        case (.pending, _), (.leased, _), (.verified, _), (.failed, _), (.cancelled, _):
            return false
        }
        return true
    }

    /// Moves a request by `event`; returns false, changing nothing, when the event does not apply.
    ///
    /// queued → proving (leased); queued or proving → aggregating (every input proven, if it asked for an
    /// aggregate) or done (if not); aggregating → done (aggregated); any open state → failed, expired or
    /// cancelled (end). Ended states are final.
    @discardableResult
    static func transition(_ request: inout ProofRequest, _ event: RequestEvent, now: Int64) -> Bool {
        switch (request.state, event) {
        case (.queued, .leased):
            request.state = .proving
        case (.queued, .allInputsProven), (.proving, .allInputsProven):
            request.state = request.aggregate ? .aggregating : .done(atMillis: now)
        case (.aggregating, .aggregated):
            request.state = .done(atMillis: now)
        case (.queued, .end(let end)), (.proving, .end(let end)), (.aggregating, .end(let end)):
            guard end.isFinal else { return false }
            request.state = end
        case (.queued, _), (.proving, _), (.aggregating, _), (.done, _), (.failed, _), (.expired, _), (.cancelled, _):
            return false
        }
        return true
    }
}
