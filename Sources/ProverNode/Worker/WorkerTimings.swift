/// How long a worker spent in each phase of one job, written by the worker beside the proof.
public struct WorkerTimings: Sendable, Codable, Equatable {
    /// Computing the witness from the input.
    public var witnessSeconds: Double
    /// Reading and checking the proving key.
    public var keySeconds: Double
    /// The Groth16 prove itself (H and the MSMs).
    public var proveSeconds: Double

    public init(witnessSeconds: Double, keySeconds: Double, proveSeconds: Double) {
        self.witnessSeconds = witnessSeconds
        self.keySeconds = keySeconds
        self.proveSeconds = proveSeconds
    }
}
