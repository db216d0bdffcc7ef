import ProverNetCore

/// What the network needs of a proof system: a name for its job classes, the kinds of job it proves, and
/// how much work a circuit's job is. Gateway and prover reach the cryptography only through a proof
/// system, so that a second one (PLONK/KZG, a STARK) can be added without touching the network.
public protocol ProofSystem: Sendable {
    /// The first part of the proof system's job classes, such as `groth16-bn254`.
    static var name: String { get }
    /// The job kinds it proves, such as `groth16.prove`.
    static var jobKinds: [String] { get }
    /// The estimated work of one proof for a key of the given domain size, in units of one 2^12 proof, so
    /// that measured seconds for one class predict another's.
    static func workUnits(domainSize: UInt64) -> Double
}

extension ProofSystem {
    /// Seconds per job for `domainSize`, scaled from a measurement at another size by the work units.
    public static func predictSeconds(domainSize: UInt64, measuredSeconds: Double, measuredDomainSize: UInt64)
        -> Double
    {
        measuredSeconds * workUnits(domainSize: domainSize) / workUnits(domainSize: measuredDomainSize)
    }
}
