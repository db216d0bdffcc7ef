import ProverNetCore
import Store

extension JobBook {
    // MARK: Redundancy

    /// The other replicas of a proving job (same request, same input). Found by their ids (a request's
    /// replicas are `JobID(request:index:replica:)` for replicas 0 ..< redundancy), not by a scan of the
    /// request: a round asks this of every pending job for every prover.
    func siblings(of job: Job) -> [Job] {
        guard !job.isAggregation, let request = requests[job.requestID], request.redundancy > 1 else { return [] }
        return (0..<request.redundancy).compactMap { replica in
            let id = JobID(request: job.requestID, index: job.index, replica: replica)
            guard id != job.id, let sibling = jobs[id], !sibling.isAggregation else { return nil }
            return sibling
        }
    }

    /// Whether `prover` holds, or has proven, a replica of the input of `job`.
    func hasReplica(of job: Job, prover: ProverID) -> Bool {
        siblings(of: job).contains { $0.state.lease?.prover == prover || $0.state.verified?.lease.prover == prover }
    }

    /// Whether an input can still be proven: some replica of it is verified or not yet ended.
    func inputStillOpen(_ job: Job) -> Bool {
        siblings(of: job).contains { !$0.state.isFinal || $0.state.verified != nil }
    }

    /// Whether every input of the request has a verified proof.
    func everyInputVerified(_ request: ProofRequest) -> Bool {
        (verifiedInputs[request.id]?.count ?? 0) == request.inputCount
    }

    // MARK: Results

    /// A prover's result, with the gateway's verdict on it. A valid proof under the prover's current lease
    /// is accepted: the job is verified, the client charged and the prover paid (the network keeps the
    /// difference), the other replicas of its input cancelled, and the request moves on (to its
    /// aggregation, or done). An invalid one uses an attempt. A result under a lease that is not current is
    /// refused, unless it is the one already accepted (sent again), which is acknowledged again.
    public mutating func resultArrived(
        _ prover: ProverID, job id: JobID, epoch: Int64, _ result: CheckedResult, now: Int64
    ) -> BookActions {
        let job: Job
        let lease: Lease
        let request: ProofRequest
        do {
            (job, lease, request) = try checkLease(prover: prover, job: id, epoch: epoch)
        } catch {
            var actions = BookActions.refused(error)
            if alreadyAccepted(prover: prover, job: id, epoch: epoch) == true {
                actions.refusal = nil
                actions.send(.verdict(job: id, epoch: epoch, accepted: true, reason: "already accepted"), to: prover)
            }
            return actions
        }
        switch result.verdict {
        case .invalid(let reason):
            var actions = rejected(
                prover, job: job, reason: reason, reportedFailure: false, proofSHA256: result.proofSHA256, now: now)
            actions.send(.verdict(job: id, epoch: epoch, accepted: false, reason: reason), to: prover)
            return actions
        case .valid(let proof):
            var actions = accepted(
                job, lease: lease, request: request, proof: proof, proveMillis: result.proveMillis, now: now)
            actions.messages.insert(
                ProverMessage(prover: prover, instruction: .verdict(job: id, epoch: epoch, accepted: true, reason: "")),
                at: 0)
            return actions
        }
    }

    /// A prover reports that it failed a job: one attempt used.
    public mutating func failureReported(_ prover: ProverID, job id: JobID, epoch: Int64, reason: String, now: Int64)
        -> BookActions
    {
        do {
            let (job, _, _) = try checkLease(prover: prover, job: id, epoch: epoch)
            return rejected(prover, job: job, reason: "prover failed: \(reason)", reportedFailure: true, now: now)
        } catch {
            return .refused(error)
        }
    }

    mutating func accepted(
        _ job: Job, lease: Lease, request: ProofRequest, proof: ProofPayload, proveMillis: Int64, now: Int64
    ) -> BookActions {
        var actions = BookActions()
        var job = job
        var request = request
        let verified = VerifiedProof(lease: lease, verifiedMillis: now, proveMillis: max(0, proveMillis), proof: proof)
        guard Self.transition(&job, .verify(verified)) else { return actions }
        jobs[job.id] = job
        if !job.isAggregation { verifiedInputs[job.requestID, default: []].insert(job.index) }
        provers[lease.prover]?.running.remove(job.id)
        progress[job.id] = nil
        actions.write(job)
        // The money: the client pays the charge, the prover gets the price (never more), the network the rest.
        request.paid = request.paid + lease.charge
        Self.pay(lease, request: request.id, job: job.id, now: now, into: &actions)
        // A bounty a slash left on the job goes to the prover that completed it.
        actions.changes.transfers += payBounty(job, to: lease.prover, now: now)
        actions.record(ProverActivity(prover: lease.prover, verified: 1, earned: lease.price, lastSeenMillis: now))
        // On time: within the seconds its prover announced for the class (measured from the lease's grant). Compared
        // in floating point: an announced number is the prover's, and converting a huge one to an integer would trap.
        let announced = provers[lease.prover]?.seconds(job.jobClass, workUnits: settings.workUnits)
        let onTime = announced.map { Double(now - lease.grantedMillis) <= $0 * 1000 } ?? false
        note(
            onTime ? .onTime : .late, prover: lease.prover, operatorAddress: operatorOf(lease), job: job.id, now: now,
            into: &actions)
        // The other replicas of this input: cancelled, not paid, their provers told to stop.
        if !job.isAggregation {
            var stops: [(ProverID, Job)] = []
            for var sibling in siblings(of: job) where !sibling.state.isFinal {
                let holder = sibling.state.lease?.prover
                guard Self.transition(&sibling, .cancel(reason: "replica \(job.replica) was proven first")) else {
                    continue
                }
                if let holder { stops.append((holder, sibling)) }
                jobs[sibling.id] = sibling
                actions.write(sibling)
            }
            actions.append(stop(stops, reason: "another replica of the job was proven first"))
        }
        let moved: Bool
        if job.isAggregation {
            moved = Self.transition(&request, .aggregated, now: now)
        } else if everyInputVerified(request) {
            moved = Self.transition(&request, .allInputsProven, now: now)
        } else {
            moved = false
        }
        requests[request.id] = request
        actions.write(request)
        actions.updates.append(update(request, .verified, job: job, now: now))
        actions.wakeMarket = true
        if moved, case .aggregating = request.state {
            actions.aggregations.append(aggregationNeed(request))
        }
        if request.state.isFinal {
            actions.append(closeEnded(request.id, now: now))
        }
        return actions
    }

    /// A rejected proof or a reported failure: one attempt used; the job goes back to the market, or fails
    /// its request once its attempts are used up and no replica of its input is left.
    mutating func rejected(
        _ prover: ProverID, job: Job, reason: String, reportedFailure: Bool, proofSHA256: String? = nil, now: Int64
    ) -> BookActions {
        var actions = BookActions()
        let held = job
        var job = job
        guard Self.transition(&job, .reject(reason: reason, maxAttempts: settings.maxAttempts)) else { return actions }
        // A proof that does not verify (not a failure the prover reported) costs its bond's share.
        if !reportedFailure, let lease = held.state.lease {
            actions.append(
                slash(
                    lease, job: held, kind: .invalidProof, reason: reason, jobStaysOpen: !job.state.isFinal,
                    proofSHA256: proofSHA256, now: now))
        }
        jobs[job.id] = job
        provers[prover]?.running.remove(job.id)
        progress[job.id] = nil
        failedBy[job.id, default: [:]][prover] = reason
        actions.record(
            ProverActivity(prover: prover, rejected: reportedFailure ? 0 : 1, failed: reportedFailure ? 1 : 0))
        note(
            reportedFailure ? .failed : .rejected, prover: prover,
            operatorAddress: held.state.lease.flatMap(operatorOf) ?? provers[prover]?.announcement.operatorAddress,
            job: job.id, now: now, into: &actions)
        if let request = requests[job.requestID] {
            actions.updates.append(
                update(request, reportedFailure ? .failed : .rejected, job: job, message: reason, now: now))
        }
        actions.wakeMarket = true
        var endReason: String?
        if case .failed = job.state {
            endReason = "job \(job.index) failed \(job.attempts) times; last: \(reason)"
        } else if let reasons = failedByEveryCapableProver(job) {
            // Within its attempts, but no prover connected now may take it again: waiting for the deadline
            // would tell the client nothing.
            let why = "no connected prover can prove it any longer (\(reasons))"
            if Self.transition(&job, .fail(reason: why)) {
                jobs[job.id] = job
                endReason = "job \(job.index) failed on every connected prover that could prove it: \(reasons)"
            }
        }
        actions.write(job)
        if let endReason, job.isAggregation || !inputStillOpen(job) {
            actions.append(end(job.requestID, as: .failed(reason: endReason, atMillis: now), now: now))
        }
        return actions
    }

    /// Ends the requests of pending jobs that every connected prover able to prove them has failed (after a
    /// prover that had not failed them went away), with the provers' reasons.
    mutating func failJobsNoConnectedProverCanTake(now: Int64) -> BookActions {
        var actions = BookActions()
        for id in failedBy.keys.sorted() {
            guard var job = jobs[id], case .pending = job.state, requests[job.requestID] != nil,
                let reasons = failedByEveryCapableProver(job)
            else { continue }
            guard Self.transition(&job, .fail(reason: "no connected prover can prove it any longer (\(reasons))"))
            else { continue }
            jobs[id] = job
            actions.write(job)
            if job.isAggregation || !inputStillOpen(job) {
                let why = "job \(job.index) failed on every connected prover that could prove it: \(reasons)"
                actions.append(end(job.requestID, as: .failed(reason: why, atMillis: now), now: now))
            }
        }
        return actions
    }

    /// The reasons of the provers that failed `job`, when every connected prover that can prove its class
    /// has failed it (nil while one has not, or when none is connected: one may yet connect).
    func failedByEveryCapableProver(_ job: Job) -> String? {
        let capable = provers.values.filter { $0.canProve(job.jobClass, isAggregation: job.isAggregation) }
        guard !capable.isEmpty, let failed = failedBy[job.id],
            capable.allSatisfy({ failed[$0.id] != nil })
        else { return nil }
        return failed.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

extension JobBook {
    /// The money of a lease whose work is paid (a verified proof, or a proof a false declaration caused): the
    /// client's charge in the ledger, its price to the prover's earnings and the rest to the network, both out
    /// of the request's escrow.
    static func pay(
        _ lease: Lease, request: RequestID, job: JobID, now: Int64, note: String = "", into actions: inout BookActions
    ) {
        actions.changes.ledger += [
            LedgerEntry(
                atMillis: now, kind: .clientCharge, requestID: request, jobID: job, proverID: nil, amount: lease.charge),
            LedgerEntry(
                atMillis: now, kind: .proverPayment, requestID: request, jobID: job, proverID: lease.prover,
                amount: lease.price),
            LedgerEntry(
                atMillis: now, kind: .networkFee, requestID: request, jobID: job, proverID: nil,
                amount: lease.charge - lease.price),
        ]
        actions.changes.transfers += [
            Transfer(
                atMillis: now, reason: .payment, from: .escrow(request), to: .earnings(lease.prover),
                amount: lease.price, requestID: request, jobID: job, note: note),
            Transfer(
                atMillis: now, reason: .fee, from: .escrow(request), to: .network, amount: lease.charge - lease.price,
                requestID: request, jobID: job, note: note),
        ]
    }
}
