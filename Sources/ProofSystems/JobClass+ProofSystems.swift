import ProverNetCore

extension JobClass {
    /// The class of Groth16 jobs over BN254 for a key of the given domain size.
    public static func groth16(domainSize: UInt64) -> JobClass {
        JobClass(proofSystem: Groth16ProofSystem.name, size: domainSize)
    }

    /// Whether the class is one of SnarkPack aggregation jobs (`snarkpack-bn254/2^k`).
    public var isAggregation: Bool { proofSystem == SnarkPackProofSystem.name }
}

extension ProofSystemRegistry {
    /// The network's proof systems: Groth16 over BN254 (circom and synthetic circuits), and SnarkPack
    /// aggregation of its proofs.
    public static func standard() -> ProofSystemRegistry {
        do {
            return try ProofSystemRegistry([Groth16ProofSystem(), SnarkPackProofSystem()])
        } catch {
            preconditionFailure("the standard proof systems have distinct names: \(error)")
        }
    }
}
