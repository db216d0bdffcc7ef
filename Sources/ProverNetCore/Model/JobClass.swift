/// The class of a job, by which the market runs separate rounds: the proof system and the size of the
/// work, such as `groth16-bn254/2^12`. Jobs of one class are interchangeable units of work.
public struct JobClass: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var proofSystem: String
    /// log₂ of the proving key's domain size.
    public var log2Size: Int

    public init(proofSystem: String, log2Size: Int) {
        self.proofSystem = proofSystem
        self.log2Size = log2Size
    }

    /// The class of Groth16 jobs over BN254 for a key of the given domain size.
    public static func groth16(domainSize: UInt64) -> JobClass {
        var k = 0
        while (UInt64(1) << k) < max(domainSize, 1) { k += 1 }
        return JobClass(proofSystem: Groth16ProofSystem.name, log2Size: k)
    }

    public var description: String { "\(proofSystem)/2^\(log2Size)" }

    /// Parses `groth16-bn254/2^12`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[1].hasPrefix("2^"), let k = Int(parts[1].dropFirst(2)), (0...40).contains(k)
        else { return nil }
        self.init(proofSystem: String(parts[0]), log2Size: k)
    }

    public static func < (a: JobClass, b: JobClass) -> Bool { a.description < b.description }

    /// The size the class stands for: a Groth16 key's domain, or the (padded) count of proofs an
    /// aggregation takes.
    public var size: UInt64 { UInt64(1) << UInt64(log2Size) }

    /// Whether the class is one of aggregation jobs (`snarkpack-bn254/2^k`).
    public var isAggregation: Bool { proofSystem == SnarkPackProofSystem.name }

    /// The estimated work of one job of the class, in units of one 2^12 Groth16 proof.
    public var workUnits: Double {
        isAggregation ? SnarkPackProofSystem.workUnits(domainSize: size) : Groth16ProofSystem.workUnits(domainSize: size)
    }
}
