import Crypto
import Foundation
import ProverNetCore

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
    public static func isValidHex(_ text: String) -> Bool { HexDigest.isSHA256(text) }
}

extension CircuitDescriptor {
    /// The circuit id: SHA-256 over the kind and, for a circuit made of uploaded artifacts, their hashes,
    /// else its size (a synthetic circuit's constraints), so that registering the same circuit twice gives
    /// the same id.
    public static func id(kind: CircuitKind, constraints: UInt64, artifacts: [ArtifactDescriptor]) -> CircuitID {
        if artifacts.isEmpty {
            return CircuitID(ContentHash.sha256Hex(Array("provernet-circuit-v1/\(kind)/\(constraints)".utf8)))
        }
        let parts = artifacts.sorted { $0.role.rawValue < $1.role.rawValue }
            .map { "\($0.role.rawValue)=\($0.sha256)" }.joined(separator: ",")
        return CircuitID(ContentHash.sha256Hex(Array("provernet-circuit-v1/\(kind)/\(parts)".utf8)))
    }
}
