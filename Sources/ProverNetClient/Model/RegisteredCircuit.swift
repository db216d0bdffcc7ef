import ProverNetCore

/// A circuit the gateway has registered: what a client needs to submit requests for it and to check
/// their proofs.
public struct RegisteredCircuit: Sendable, Hashable {
    /// The circuit's id (the same files always give the same id).
    public var id: CircuitID
    /// The Groth16 verification key, as snarkjs writes it.
    public var verificationKeyJSON: String
    /// How many public signals each proof carries.
    public var publicSignals: Int
    /// The number of constraints.
    public var constraints: UInt64

    public init(id: CircuitID, verificationKeyJSON: String, publicSignals: Int, constraints: UInt64) {
        self.id = id
        self.verificationKeyJSON = verificationKeyJSON
        self.publicSignals = publicSignals
        self.constraints = constraints
    }
}
