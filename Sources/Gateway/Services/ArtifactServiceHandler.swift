import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import SwiftProtobuf

/// Serves artifacts by content hash, in chunks, from any offset (so an interrupted download resumes).
struct ArtifactServiceHandler: Provernet_V1_ArtifactService.SimpleServiceProtocol {
    let artifacts: ArtifactStore
    let limits: NetworkLimits

    func download(
        request: Provernet_V1_DownloadRequest, response: RPCWriter<Provernet_V1_ArtifactChunk>, context: ServerContext
    ) async throws {
        guard ContentHash.isValidHex(request.sha256) else {
            throw RPCError(code: .invalidArgument, message: "sha256 must be 64 lower-case hex digits")
        }
        guard let url = artifacts.url(sha256: request.sha256) else {
            throw RPCError(code: .notFound, message: "no artifact \(request.sha256)")
        }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let total = try handle.seekToEnd()
        guard request.offset <= total else {
            throw RPCError(code: .outOfRange, message: "offset \(request.offset) is past the artifact's \(total) bytes")
        }
        try handle.seek(toOffset: request.offset)
        var offset = request.offset
        while offset < total, let data = try handle.read(upToCount: limits.artifactChunkBytes), !data.isEmpty {
            try await response.write(
                .with {
                    $0.offset = offset
                    $0.data = data
                    $0.totalSize = total
                })
            offset += UInt64(data.count)
        }
    }
}
