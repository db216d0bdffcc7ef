import Foundation
import GRPCCore
import ProverNetAPI

/// One piece of an artifact as the gateway streams it.
public struct ArtifactChunk: Sendable, Equatable {
    public var offset: UInt64
    public var data: Data
    public var totalSize: UInt64

    public init(offset: UInt64, data: Data, totalSize: UInt64) {
        self.offset = offset
        self.data = data
        self.totalSize = totalSize
    }
}

/// Where artifacts come from: the gateway's `ArtifactService`, or a test's stand-in.
public protocol ArtifactSource: Sendable {
    /// Streams the artifact with this SHA-256 from `offset`, handing each chunk to `receive` in order.
    func download(
        sha256: String, offset: UInt64, receive: @escaping @Sendable (ArtifactChunk) async throws -> Void
    ) async throws
}

/// Downloads artifacts from a gateway over an existing gRPC client.
public struct GRPCArtifactSource<Transport: ClientTransport>: ArtifactSource {
    let client: Provernet_V1_ArtifactService.Client<Transport>
    let options: CallOptions

    public init(client: GRPCClient<Transport>, options: CallOptions = .provernet()) {
        self.client = Provernet_V1_ArtifactService.Client(wrapping: client)
        self.options = options
    }

    public func download(
        sha256: String, offset: UInt64, receive: @escaping @Sendable (ArtifactChunk) async throws -> Void
    ) async throws {
        var request = Provernet_V1_DownloadRequest()
        request.sha256 = sha256
        request.offset = offset
        try await client.download(request, options: options) { response in
            for try await chunk in response.messages {
                try await receive(ArtifactChunk(offset: chunk.offset, data: chunk.data, totalSize: chunk.totalSize))
            }
        }
    }
}
