import ProverNetCore
import Store

extension JobBook {
    // MARK: Declared statements

    /// A prover reported that its witness of a declared job's input gives other public signals, and the
    /// gateway, having computed the input's statement itself (`inputStatement`), found the prover right and
    /// the client's declaration false. The client pays for the work it caused, as for a proof: the job's
    /// charge out of its escrow, the price to the prover's earnings and the rest to the network. The prover
    /// is not penalised: no slash, no rejection in its record, no reputation event (its bond is released
    /// with the lease). The job fails, and with it the request, with the reason; the other replicas of the
    /// input are stopped unpaid, as when a request fails.
    ///
    /// A mismatch under a lease that is not current is refused. A job whose statement was not declared
    /// cannot have a false declaration: the caller treats a mismatch on it as an invalid proof.
    public mutating func falseDeclarationFound(
        _ prover: ProverID, job id: JobID, epoch: Int64, inputStatement: String, now: Int64
    ) -> BookActions {
        let job: Job
        let lease: Lease
        var request: ProofRequest
        do {
            (job, lease, request) = try checkLease(prover: prover, job: id, epoch: epoch)
        } catch {
            return .refused(error)
        }
        guard job.statementDeclared, !job.isAggregation else { return BookActions() }
        var actions = BookActions()
        let reason =
            "input \(job.index): the client declared the public signals \(job.statementJSON), but the input implies \(inputStatement)"
        // The money, as for a proof: the charge from the escrow, the price to the prover, the fee to the network.
        request.paid = request.paid + lease.charge
        requests[request.id] = request
        Self.pay(lease, request: request.id, job: job.id, now: now, note: "false declared statement", into: &actions)
        actions.record(ProverActivity(prover: lease.prover, earned: lease.price, lastSeenMillis: now))
        var failed = job
        if Self.transition(&failed, .fail(reason: reason)) {
            jobs[failed.id] = failed
            actions.write(failed)
        }
        provers[prover]?.running.remove(job.id)
        progress[job.id] = nil
        actions.send(
            .verdict(job: id, epoch: epoch, accepted: true, reason: "the client's declared statement was false; paid"),
            to: prover)
        actions.updates.append(update(request, .failed, job: failed, message: reason, now: now))
        actions.append(end(request.id, as: .failed(reason: reason, atMillis: now), now: now))
        return actions
    }
}
