/// How long a worker spent in each phase of one job, written by the worker beside the proof.
public struct WorkerTimings: Sendable, Codable, Equatable {
    /// Computing the witness from the input.
    public var witnessSeconds: Double
    /// Reading and checking the proving key (or reference string).
    public var keySeconds: Double
    /// The proof itself (for Groth16: H and the MSMs).
    public var proveSeconds: Double

    public init(witnessSeconds: Double, keySeconds: Double, proveSeconds: Double) {
        self.witnessSeconds = witnessSeconds
        self.keySeconds = keySeconds
        self.proveSeconds = proveSeconds
    }
}
