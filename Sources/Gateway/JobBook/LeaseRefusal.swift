import ProverNetCore

/// Why a message about a job was refused.
public enum LeaseRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownJob(JobID)
    case notYours(JobID)
    case staleEpoch(job: JobID, epoch: Int64, current: Int64)
    case notLeased(job: JobID, state: JobPhase)
    /// The change could not be stored, so it was not made; the prover may send again.
    case notDurable(job: JobID)

    public var description: String {
        switch self {
        case .unknownJob(let job): "job \(job) is not open"
        case .notYours(let job): "job \(job) is not leased to this prover"
        case .staleEpoch(let job, let epoch, let current):
            "job \(job): lease epoch \(epoch) is stale (current \(current))"
        case .notLeased(let job, let state): "job \(job) is \(state.rawValue), not leased"
        case .notDurable(let job): "job \(job): the gateway could not store the change; send it again"
        }
    }
}
