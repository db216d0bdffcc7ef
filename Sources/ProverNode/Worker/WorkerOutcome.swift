/// How a worker process ended.
public enum WorkerOutcome: Sendable, Equatable {
    /// It wrote a proof and its public signals (snarkjs JSON) that parse.
    case proved(proofJSON: String, publicJSON: String, seconds: Double)
    /// It wrote a SnarkPack aggregate.
    case aggregated(aggregate: [UInt8], seconds: Double)
    /// It failed, was killed, or left no valid output; the reason is for the gateway and the log.
    case failed(reason: String)
}
