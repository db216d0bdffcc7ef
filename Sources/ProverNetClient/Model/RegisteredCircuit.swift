import ProverNetCore

/// A circuit the gateway has registered: what a client needs to submit requests for it and to check
/// their proofs.
public struct RegisteredCircuit: Sendable, Hashable {
    /// The circuit's id (the same files always give the same id).
    public var id: CircuitID
    /// The verification key in its proof system's form (for Groth16, as snarkjs writes it).
    public var verificationKeyJSON: String
    /// How many public signals each proof carries.
    public var publicSignals: Int
    /// The number of constraints (for a circom circuit, counted from its key).
    public var constraints: UInt64
    /// The size of the work, the proving key's domain (a power of two): it sets the job class.
    public var domainSize: UInt64
    /// The proof system that proves it, such as `groth16-bn254` (empty from an older gateway).
    public var proofSystem: String

    public init(
        id: CircuitID, verificationKeyJSON: String, publicSignals: Int, constraints: UInt64, domainSize: UInt64 = 0,
        proofSystem: String = ""
    ) {
        self.id = id
        self.verificationKeyJSON = verificationKeyJSON
        self.publicSignals = publicSignals
        self.constraints = constraints
        self.domainSize = domainSize
        self.proofSystem = proofSystem
    }
}
