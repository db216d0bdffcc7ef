import Crypto
import Foundation
import ProverNetCore
import ProverNetCrypto

/// Artifacts on disk, named by their SHA-256: `artifacts/<hex>`. Written through a temporary file that
/// is hashed as it is written and renamed into place only when complete and checked, so a crash never
/// leaves a partial artifact under a real name.
public struct ArtifactStore: Sendable {
    public let directory: URL

    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    public func url(sha256: String) -> URL? {
        guard ContentHash.isValidHex(sha256) else { return nil }
        let url = directory.appendingPathComponent(sha256)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Stores bytes already in memory; returns their descriptor.
    public func put(_ bytes: [UInt8], role: ArtifactRole) throws -> ArtifactDescriptor {
        var writer = try makeWriter(role: role, limit: UInt64.max)
        try writer.append(bytes)
        return try writer.finish(expected: nil)
    }

    public func makeWriter(role: ArtifactRole, limit: UInt64) throws -> Writer {
        let temporary = directory.appendingPathComponent(".upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw GatewayError.configuration("cannot create an upload file in \(directory.path)")
        }
        return Writer(
            store: self, role: role, temporary: temporary, handle: try FileHandle(forWritingTo: temporary), limit: limit
        )
    }

    /// An artifact being received in chunks.
    public struct Writer {
        let store: ArtifactStore
        let role: ArtifactRole
        let temporary: URL
        let handle: FileHandle
        let limit: UInt64
        var hasher = SHA256()
        public private(set) var size: UInt64 = 0

        public mutating func append(_ bytes: some DataProtocol) throws {
            size += UInt64(bytes.count)
            guard size <= limit else {
                abandon()
                throw GatewayError.tooLarge(what: "the \(role.rawValue) artifact", size: size, limit: limit)
            }
            hasher.update(data: bytes)
            try handle.write(contentsOf: bytes)
        }

        /// Checks the hash (and size) against what was declared and moves the file into place.
        public func finish(expected: ArtifactDescriptor?) throws -> ArtifactDescriptor {
            try handle.synchronize()
            try handle.close()
            let hash = hasher.finalize().hex
            if let expected {
                guard expected.sha256 == hash else {
                    try? FileManager.default.removeItem(at: temporary)
                    throw GatewayError.artifactMismatch(role: role.rawValue, expected: expected.sha256, actual: hash)
                }
                guard expected.size == size else {
                    try? FileManager.default.removeItem(at: temporary)
                    throw GatewayError.invalidArgument(
                        "the \(role.rawValue) artifact has \(size) bytes, not the declared \(expected.size)")
                }
            }
            let destination = store.directory.appendingPathComponent(hash)
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: temporary)
            } else {
                do {
                    try FileManager.default.moveItem(at: temporary, to: destination)
                } catch  where FileManager.default.fileExists(atPath: destination.path) {
                    // Another gateway that shares the directory stored the same bytes at the same moment.
                    try? FileManager.default.removeItem(at: temporary)
                }
            }
            return ArtifactDescriptor(role: role, sha256: hash, size: size)
        }

        public func abandon() {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
