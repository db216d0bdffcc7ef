/// Recursive Length Prefix encoding (the Ethereum Yellow Paper, appendix B), as far as a transaction needs it:
/// byte strings, unsigned integers (big-endian, no leading zeros) and lists. Hand-written: none of the mirrored
/// Swift packages encodes RLP, and the encoder is these few lines.
public enum RLP: Sendable, Equatable {
    case bytes([UInt8])
    case list([RLP])

    /// An unsigned integer: its big-endian bytes without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt256) -> RLP { .bytes(Array(value.bigEndianBytes.drop { $0 == 0 })) }
    public static func uint(_ value: UInt64) -> RLP { uint(UInt256(value)) }

    public var encoded: [UInt8] {
        switch self {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 { return bytes }
            return Self.header(bytes.count, short: 0x80) + bytes
        case .list(let items):
            let payload = items.flatMap(\.encoded)
            return Self.header(payload.count, short: 0xc0) + payload
        }
    }

    /// The prefix of a string (`short` 0x80) or a list (0xc0) of `count` bytes: one byte up to 55, else the
    /// length of the length, then the length.
    static func header(_ count: Int, short: UInt8) -> [UInt8] {
        if count <= 55 { return [short + UInt8(count)] }
        let length = Array(UInt256(UInt64(count)).bigEndianBytes.drop { $0 == 0 })
        return [short + 55 + UInt8(length.count)] + length
    }
}
