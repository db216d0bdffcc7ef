import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// Redundancy: a request with redundancy r has r replicas of each input's job, each leased to a different
/// prover (operators come later: until then each prover is its own operator). The first valid proof of an
/// input wins; its siblings are cancelled and their provers told to stop, so an input is paid for once.
extension Coordinator {
    /// The other replicas of a proving job (same request, same input).
    func siblings(of job: JobRecord) -> [JobRecord] {
        (jobsOfRequest[job.requestID] ?? []).compactMap { jobs[$0] }
            .filter { $0.index == job.index && $0.id != job.id && !$0.isAggregation }
    }

    /// Whether `prover` holds, or has proven, a replica of the input of `job` (then it must not get another:
    /// redundancy is worth nothing if one prover proves both).
    func hasReplica(of job: JobRecord, prover: ProverID) -> Bool {
        siblings(of: job).contains { $0.proverID == prover && ($0.state.isLeased || $0.state == .verified) }
    }

    /// Whether every input of the request has a verified proof, counting `last` (verified, not yet in memory).
    func everyInputVerified(_ request: RequestRecord, with last: JobRecord) -> Bool {
        var verified = Set<Int>()
        for id in jobsOfRequest[request.id] ?? [] {
            guard let job = id == last.id ? last : jobs[id], !job.isAggregation, job.state == .verified else { continue }
            verified.insert(job.index)
        }
        return verified.count == request.jobsTotal
    }

    /// The siblings of a job whose proof was just accepted, cancelled: returned to be committed with it, and
    /// the provers that hold them, to be told to stop once it is.
    func supersededSiblings(of job: JobRecord) -> (jobs: [JobRecord], stops: [(ProverID, JobRecord)]) {
        var changed: [JobRecord] = []
        var stops: [(ProverID, JobRecord)] = []
        for var sibling in siblings(of: job) where !sibling.state.isFinal {
            if sibling.state.isLeased, let prover = sibling.proverID { stops.append((prover, sibling)) }
            sibling.state = .cancelled
            sibling.leaseExpiresMillis = nil
            sibling.lastError = "replica \(job.replica) was proven first"
            changed.append(sibling)
        }
        return (changed, stops)
    }

    /// Tells provers to stop jobs that are no longer theirs to prove.
    func sendStops(_ stops: [(ProverID, JobRecord)], reason: String) {
        for (prover, job) in stops {
            sessions[prover]?.running.remove(job.id)
            progress[job.id] = nil
            var cancel = Provernet_V1_CancelJob()
            cancel.jobID = job.id
            cancel.epoch = UInt64(job.epoch)
            cancel.reason = reason
            sessions[prover]?.send(.with { $0.cancel = cancel })
        }
    }

    /// Whether an input can still be proven: some replica of it is verified or not yet ended.
    func inputStillOpen(_ job: JobRecord) -> Bool {
        siblings(of: job).contains { !$0.state.isFinal || $0.state == .verified }
    }
}
