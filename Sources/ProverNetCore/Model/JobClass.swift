/// The class of a job, by which the market runs separate rounds: the proof system and the size of the
/// work, such as `groth16-bn254/2^12`. Jobs of one class are interchangeable units of work. A value:
/// parsed once where it arrives as text (`init?(_:)`), never re-parsed inside the network.
public struct JobClass: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The proof system's name, such as `groth16-bn254`.
    public var proofSystem: String
    /// log₂ of the size: a proving key's domain, or the padded count of proofs an aggregation takes.
    public var log2Size: Int

    public init(proofSystem: String, log2Size: Int) {
        self.proofSystem = proofSystem
        self.log2Size = log2Size
    }

    /// The class of `proofSystem` for a size, rounded up to a power of two.
    public init(proofSystem: String, size: UInt64) {
        var k = 0
        while (UInt64(1) << k) < max(size, 1) { k += 1 }
        self.init(proofSystem: proofSystem, log2Size: k)
    }

    public var description: String { "\(proofSystem)/2^\(log2Size)" }

    /// Parses `groth16-bn254/2^12`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("2^"), let k = Int(parts[1].dropFirst(2)),
            (0...40).contains(k)
        else { return nil }
        self.init(proofSystem: String(parts[0]), log2Size: k)
    }

    public static func < (a: JobClass, b: JobClass) -> Bool { a.description < b.description }

    /// The size the class stands for.
    public var size: UInt64 { UInt64(1) << UInt64(log2Size) }

    /// Encoded as its text, `groth16-bn254/2^12`, as it always was.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = JobClass(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text) is not a job class such as groth16-bn254/2^12")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
