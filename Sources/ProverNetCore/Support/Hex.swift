/// Hex text of bytes, and bytes of hex text.
extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    public var hex: String {
        var out = ""
        for byte in self {
            out += String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Bytes from hex text, or nil if it is not hex of even length.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var i = 0
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        self = bytes
    }
}

/// What names content safely.
public enum HexDigest {
    /// Whether `text` looks like a SHA-256 hex digest (64 lower-case hex digits), so that it can name a file
    /// safely.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
