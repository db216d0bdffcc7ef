import ProverNetCore

/// What a watcher of a request is told: a change of the request or of one of its jobs, with the request's
/// counts at that moment. The client service puts it on the wire.
public struct RequestUpdate: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The request's state (the first event of every watch, and each change of state).
        case state
        case assigned
        case progress
        case verified
        case rejected
        case failed
        case requeued
        /// Every proof is verified; the aggregation job is queued.
        case aggregating
    }

    /// A job's part in an update.
    public struct JobPart: Sendable, Equatable {
        public var id: JobID
        public var index: Int
        public var prover: ProverID?
        /// 0 … 1: 1 once verified.
        public var progress: Double
    }

    public var request: RequestID
    public var kind: Kind
    public var state: RequestPhase
    public var inputsTotal: Int
    /// Inputs with a verified proof (one per input whatever its replicas; not the aggregation job).
    public var inputsVerified: Int
    public var job: JobPart?
    public var message: String
    public var atMillis: Int64
}
