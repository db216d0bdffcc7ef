import Crypto
import Foundation

/// SHA-256 content hashes, as lower-case hex: how artifacts and circuits are named.
public enum ContentHash {
    public static func sha256Hex<D: DataProtocol>(_ bytes: D) -> String {
        SHA256.hash(data: bytes).hex
    }

    /// The hash of a file, read in 1 MiB pieces.
    public static func sha256Hex(fileAt url: URL) throws -> (hash: String, size: UInt64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: UInt64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += UInt64(chunk.count)
        }
        return (hasher.finalize().hex, size)
    }

    /// Whether `text` looks like a SHA-256 hex digest, so that it can name a file safely.
    public static func isValidHex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

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
