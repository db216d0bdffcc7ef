import ProverNetCore

extension JobClass {
    /// The class of Groth16 jobs over BN254 for a key of the given domain size.
    public static func groth16(domainSize: UInt64) -> JobClass {
        JobClass(proofSystem: Groth16ProofSystem.name, size: domainSize)
    }

    /// Whether the class is one of aggregation jobs (`snarkpack-bn254/2^k`).
    public var isAggregation: Bool { proofSystem == SnarkPackProofSystem.name }

    /// The estimated work of one job of the class, in units of one 2^12 Groth16 proof.
    public var workUnits: Double {
        isAggregation
            ? SnarkPackProofSystem.workUnits(domainSize: size) : Groth16ProofSystem.workUnits(domainSize: size)
    }
}

extension CircuitDescriptor {
    /// The market class of this circuit's proving jobs.
    public var jobClass: JobClass { .groth16(domainSize: domainSize) }
}
