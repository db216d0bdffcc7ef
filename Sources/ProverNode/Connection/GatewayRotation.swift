import GRPCCore
import Synchronization

/// Which of the node's gateways it talks to now: moved on, round-robin, each time a stream to one ends.
/// The artifact downloads read it too, so that they go where the stream goes.
final class GatewayRotation: Sendable {
    private let index = Mutex(0)
    let count: Int

    init(count: Int) { self.count = max(1, count) }

    /// The index of the gateway of the moment.
    var current: Int { index.withLock { $0 } }

    /// Moves on from the gateway at `from` to the next one (unless something else already moved on).
    func advance(from: Int) {
        index.withLock { if $0 == from { $0 = (from + 1) % count } }
    }
}

/// Downloads artifacts from the gateway of the moment; one that cannot be reached there is asked of the
/// next gateways in turn (each download resumes at its offset, so nothing is fetched twice).
struct RotatingArtifactSource<Source: ArtifactSource>: ArtifactSource {
    let sources: [Source]
    let gateways: GatewayRotation

    func download(
        sha256: String, offset: UInt64, receive: @escaping @Sendable (ArtifactChunk) async throws -> Void
    ) async throws {
        let first = gateways.current
        var lastError: (any Error)?
        for step in 0..<sources.count {
            do {
                try await sources[(first + step) % sources.count].download(
                    sha256: sha256, offset: offset, receive: receive)
                return
            } catch let error as RPCError where error.code == .unavailable {
                lastError = error
            }
        }
        if let lastError { throw lastError }
    }
}
