import ProverNetCore

/// How a worker's job ended.
public enum WorkerOutcome: Sendable, Equatable {
    /// It made a result that its proof system finds well formed; `seconds` is the proving time.
    case proved(ProofPayload, seconds: Double)
    /// It failed, was killed, or left no valid output; the reason is for the gateway and the log.
    case failed(reason: String)
}
