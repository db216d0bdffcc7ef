import Foundation
import ProverNetCore
import ProverNetCrypto
import ProverNode
import Synchronization
import Testing

/// Serves artifacts from memory in small chunks, counting downloads; `corrupt` serves other bytes.
final class MemoryArtifactSource: ArtifactSource {
    let artifacts: [String: Data]
    let chunkBytes: Int
    let corrupt: Bool
    let downloads = Mutex<[(sha256: String, offset: UInt64)]>([])

    init(_ contents: [Data], chunkBytes: Int = 1000, corrupt: Bool = false) {
        artifacts = Dictionary(uniqueKeysWithValues: contents.map { (ContentHash.sha256Hex($0), $0) })
        self.chunkBytes = chunkBytes
        self.corrupt = corrupt
    }

    func download(
        sha256: String, offset: UInt64, receive: @escaping @Sendable (ArtifactChunk) async throws -> Void
    ) async throws {
        downloads.withLock { $0.append((sha256, offset)) }
        guard var data = artifacts[sha256] else { throw ProverNodeError.artifact(sha256: sha256, reason: "not found") }
        if corrupt { data[data.startIndex] ^= 0xFF }
        var position = Int(offset)
        while position < data.count {
            let end = min(position + chunkBytes, data.count)
            try await receive(
                ArtifactChunk(offset: UInt64(position), data: data[position..<end], totalSize: UInt64(data.count)))
            position = end
            await Task.yield()
        }
    }
}

@Suite struct ArtifactCacheTests {
    static let content = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    static let descriptor = ArtifactDescriptor(
        role: .zkey, sha256: ContentHash.sha256Hex(content), size: UInt64(content.count))

    @Test func downloadsOnceAndKeepsTheFileByItsHash() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let source = MemoryArtifactSource([Self.content])
        let cache = ArtifactCache(directory: dir.url, logger: .test)
        // Concurrent jobs needing the same artifact share one download.
        async let first = cache.file(for: Self.descriptor, from: source)
        async let second = cache.file(for: Self.descriptor, from: source)
        let (a, b) = try await (first, second)
        #expect(a == b)
        #expect(a.lastPathComponent == Self.descriptor.sha256)
        #expect(try Data(contentsOf: a) == Self.content)
        _ = try await cache.file(for: Self.descriptor, from: source)
        #expect(source.downloads.withLock { $0.count } == 1)
        // A new node on the same data directory checks the file and does not download it again.
        let restarted = ArtifactCache(directory: dir.url, logger: .test)
        _ = try await restarted.file(for: Self.descriptor, from: source)
        #expect(source.downloads.withLock { $0.count } == 1)
    }

    @Test func rejectsContentWhoseHashDoesNotMatch() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let cache = ArtifactCache(directory: dir.url, logger: .test)
        await #expect(throws: ProverNodeError.self) {
            try await cache.file(for: Self.descriptor, from: MemoryArtifactSource([Self.content], corrupt: true))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file(Self.descriptor.sha256).path))
        #expect(!FileManager.default.fileExists(atPath: dir.file(Self.descriptor.sha256 + ".partial").path))
        // The wrong size is refused too, and a hash that is not hex never names a file.
        var wrongSize = Self.descriptor
        wrongSize.size += 1
        await #expect(throws: ProverNodeError.self) {
            try await cache.file(for: wrongSize, from: MemoryArtifactSource([Self.content]))
        }
        var notHex = Self.descriptor
        notHex.sha256 = "../../etc/passwd"
        await #expect(
            throws: ProverNodeError.artifact(sha256: "../../etc/passwd", reason: "not a lower-case hex SHA-256")
        ) {
            try await cache.file(for: notHex, from: MemoryArtifactSource([Self.content]))
        }
        // A cached file that was changed on disk is downloaded again.
        let good = try await cache.file(for: Self.descriptor, from: MemoryArtifactSource([Self.content]))
        try Data("tampered".utf8).write(to: good)
        let source = MemoryArtifactSource([Self.content])
        let again = try await ArtifactCache(directory: dir.url, logger: .test).file(for: Self.descriptor, from: source)
        #expect(try Data(contentsOf: again) == Self.content)
        #expect(source.downloads.withLock { $0.count } == 1)
    }

    @Test func resumesAPartialDownloadAndRestartsOneThatDoesNotMatch() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let partial = dir.file(Self.descriptor.sha256 + ".partial")
        try Self.content.prefix(4000).write(to: partial)
        let source = MemoryArtifactSource([Self.content])
        let url = try await ArtifactCache(directory: dir.url, logger: .test).file(for: Self.descriptor, from: source)
        #expect(try Data(contentsOf: url) == Self.content)
        #expect(source.downloads.withLock { $0.map(\.offset) } == [4000])

        // A partial file from something else: the resumed download does not match, so it starts over.
        let other = try ScratchDirectory()
        defer { other.remove() }
        try Data(repeating: 0xAB, count: 4000).write(to: other.file(Self.descriptor.sha256 + ".partial"))
        let fresh = MemoryArtifactSource([Self.content])
        let restarted = try await ArtifactCache(directory: other.url, logger: .test).file(
            for: Self.descriptor, from: fresh)
        #expect(try Data(contentsOf: restarted) == Self.content)
        #expect(fresh.downloads.withLock { $0.map(\.offset) } == [4000, 0])
    }
}
