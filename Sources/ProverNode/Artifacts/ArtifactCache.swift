import Foundation
import Logging
import ProverNetCore
import ProverNetCrypto

/// The node's cache of artifacts by content hash: `artifacts/<sha256>` under its data directory. Each
/// artifact is downloaded once even when several jobs need it at the same time; a download in progress
/// is kept in `<sha256>.partial` and resumed from where it stopped (restarted once if the resumed file
/// does not match its hash); nothing is used that does not match its SHA-256 and size.
public actor ArtifactCache {
    public let directory: URL
    let maximumBytes: UInt64
    let logger: Logger

    /// Downloads under way: the callers waiting for each.
    private var waiting: [String: [CheckedContinuation<URL, any Error>]] = [:]
    /// Files whose hash this process has checked.
    private var verified: Set<String> = []

    public init(directory: URL, maximumBytes: UInt64 = NetworkLimits.default.maxArtifactBytes, logger: Logger) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.logger = logger
    }

    /// The local file of an artifact, downloaded from `source` if it is not here yet.
    public func file(for artifact: ArtifactDescriptor, from source: any ArtifactSource) async throws -> URL {
        let sha256 = artifact.sha256
        guard ContentHash.isValidHex(sha256) else {
            throw ProverNodeError.artifact(sha256: sha256, reason: "not a lower-case hex SHA-256")
        }
        guard artifact.size <= maximumBytes else {
            throw ProverNodeError.artifact(
                sha256: sha256, reason: "\(artifact.size) bytes is more than the limit of \(maximumBytes)")
        }
        while true {
            if let url = try cached(artifact) { return url }
            if waiting[sha256] != nil {
                // Another job is downloading it: wait for that download. If it was cancelled (its job
                // was), and this caller was not, try again, possibly downloading it ourselves.
                do {
                    return try await withCheckedThrowingContinuation { waiting[sha256, default: []].append($0) }
                } catch is CancellationError where !Task.isCancelled {
                    continue
                }
            }
            waiting[sha256] = []
            let result: Result<URL, any Error>
            do {
                result = .success(try await download(artifact, from: source))
            } catch {
                result = .failure(error)
            }
            for continuation in waiting.removeValue(forKey: sha256) ?? [] { continuation.resume(with: result) }
            return try result.get()
        }
    }

    /// The path of a complete artifact, checked once per process; a file that does not match is removed.
    private func cached(_ artifact: ArtifactDescriptor) throws -> URL? {
        let url = directory.appendingPathComponent(artifact.sha256)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        if verified.contains(artifact.sha256) { return url }
        let (hash, size) = try ContentHash.sha256Hex(fileAt: url)
        guard hash == artifact.sha256, size == artifact.size else {
            logger.warning(
                "cached artifact does not match its hash; downloading it again",
                metadata: ["artifact": "\(artifact.sha256)"])
            try? FileManager.default.removeItem(at: url)
            return nil
        }
        verified.insert(artifact.sha256)
        return url
    }

    private func download(_ artifact: ArtifactDescriptor, from source: any ArtifactSource) async throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(artifact.sha256 + ".partial")
        let final = directory.appendingPathComponent(artifact.sha256)
        var resumed = false
        if let size = (try? FileManager.default.attributesOfItem(atPath: partial.path))?[.size] as? NSNumber,
            size.uint64Value > 0, size.uint64Value <= artifact.size
        {
            resumed = true
        } else {
            try? FileManager.default.removeItem(at: partial)
        }
        do {
            try await fetch(artifact, into: partial, from: source)
        } catch let error as ProverNodeError where resumed {
            // What was kept may have been written by an older, different download: start again once.
            logger.warning(
                "resumed download of artifact failed (\(error)); downloading it again from the start",
                metadata: ["artifact": "\(artifact.sha256)"])
            try? FileManager.default.removeItem(at: partial)
            try await fetch(artifact, into: partial, from: source)
        }
        try? FileManager.default.removeItem(at: final)
        try FileManager.default.moveItem(at: partial, to: final)
        verified.insert(artifact.sha256)
        return final
    }

    /// Appends the artifact's missing bytes to `partial` and checks the whole file.
    private func fetch(_ artifact: ArtifactDescriptor, into partial: URL, from source: any ArtifactSource) async throws
    {
        if !FileManager.default.fileExists(atPath: partial.path) {
            _ = FileManager.default.createFile(atPath: partial.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: partial)
        defer { try? handle.close() }
        let start = try handle.seekToEnd()
        let sha256 = artifact.sha256
        let expectedSize = artifact.size
        let writer = ChunkWriter(handle: handle, position: start)
        if start < expectedSize {
            logger.info(
                "downloading artifact",
                metadata: ["artifact": "\(sha256)", "bytes": "\(expectedSize)", "from": "\(start)"])
            try await source.download(sha256: sha256, offset: start) { chunk in
                try writer.write(chunk, sha256: sha256, expectedSize: expectedSize)
            }
        }
        try handle.synchronize()
        let (hash, size) = try ContentHash.sha256Hex(fileAt: partial)
        guard size == expectedSize else {
            throw ProverNodeError.artifact(sha256: sha256, reason: "received \(size) bytes, expected \(expectedSize)")
        }
        guard hash == sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw ProverNodeError.artifact(sha256: sha256, reason: "the content's SHA-256 is \(hash)")
        }
    }
}

/// Appends chunks in order to a file, refusing chunks out of place or beyond the declared size.
private final class ChunkWriter: @unchecked Sendable {
    // Only touched by the one download that owns it, one chunk after the other.
    let handle: FileHandle
    var position: UInt64

    init(handle: FileHandle, position: UInt64) {
        self.handle = handle
        self.position = position
    }

    func write(_ chunk: ArtifactChunk, sha256: String, expectedSize: UInt64) throws {
        guard chunk.offset == position else {
            throw ProverNodeError.artifact(
                sha256: sha256, reason: "chunk at offset \(chunk.offset), expected \(position)")
        }
        guard chunk.totalSize == expectedSize else {
            throw ProverNodeError.artifact(
                sha256: sha256, reason: "the gateway says \(chunk.totalSize) bytes, the assignment \(expectedSize)")
        }
        guard position + UInt64(chunk.data.count) <= expectedSize else {
            throw ProverNodeError.artifact(sha256: sha256, reason: "more than the \(expectedSize) bytes declared")
        }
        try handle.write(contentsOf: chunk.data)
        position += UInt64(chunk.data.count)
    }
}
