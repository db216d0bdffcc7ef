/// A 20-byte Ethereum address: the last 20 bytes of the Keccak-256 hash of an uncompressed public key
/// (without its 0x04 prefix). Written with its EIP-55 checksum.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The 20 bytes.
    public let bytes: [UInt8]

    /// The address of 20 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// Parses `0x` and 40 hex digits. All lower or all upper case is accepted as is; mixed case must match
    /// the EIP-55 checksum.
    public init(_ text: String) throws(EthereumError) {
        let trimmed = text.trimmingWhitespace()
        let bytes = try Hex.decode(trimmed, count: 20)
        self.bytes = bytes
        let digits = trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") ? String(trimmed.dropFirst(2)) : trimmed
        let hasLower = digits.contains { $0.isLowercase }
        let hasUpper = digits.contains { $0.isUppercase }
        if hasLower && hasUpper, "0x" + digits != checksummed { throw .badChecksum(text) }
    }

    /// The address of a 64-byte uncompressed public key (x‖y).
    public init(publicKey: [UInt8]) {
        precondition(publicKey.count == 64, "an uncompressed public key without its prefix is 64 bytes")
        self.bytes = Array(Keccak256.hash(publicKey).suffix(20))
    }

    /// The EIP-55 mixed-case form: a hex letter is upper case where the matching nibble of the Keccak-256
    /// hash of the lower-case hex is 8 or more.
    public var checksummed: String {
        let lower = Hex.encode(bytes, prefixed: false)
        let hash = Keccak256.hash(lower)
        var out = "0x"
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0F
            out.append(nibble >= 8 ? Character(c.uppercased()) : c)
        }
        return out
    }

    /// The lower-case form.
    public var lowercased: String { Hex.encode(bytes) }

    public var description: String { checksummed }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Address(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}
