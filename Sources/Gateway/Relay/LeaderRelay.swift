import GRPCCore
import Logging
import ProverNetAPI

/// The services of a gateway that follows (issue 17, item 2, first slice; docs/architecture.md): every method of the
/// client, prover, artifact and admin services, each call relayed as it is, message by message and in both
/// directions, to the gateway that leads the market. The messages are not decoded: the leader authenticates the
/// caller (its API key, or the prover's signed challenge, which passes through unchanged) and answers; its
/// status and trailing metadata (a suspended operator's mark, say) come back to the caller as they are. A
/// prover's stream through a follower ends when the leader's does, and the prover reconnects as it does after a
/// gateway restart.
struct LeaderRelay: RegistrableRPCService {
    let link: LeaderLink
    let options: CallOptions
    /// The methods relayed.
    let methods: [MethodDescriptor]

    /// - Parameter provers: whether the prover service's stream is relayed too (else this gateway serves it).
    init(link: LeaderLink, maxMessageBytes: Int, provers: Bool = true) {
        self.link = link
        methods =
            provers ? Self.methods : Self.methods.filter { !Provernet_V1_ProverService.Method.descriptors.contains($0) }
        var options = CallOptions.provernet(maxMessageBytes: MessageSizeInterceptor.transportLimit(maxMessageBytes))
        // No waiting for a leader that is gone: the caller hears `unavailable` at once, and retries.
        options.waitForReady = false
        self.options = options
    }

    /// Every method a gateway serves on its main port.
    static let methods: [MethodDescriptor] =
        Provernet_V1_ClientService.Method.descriptors + Provernet_V1_ProverService.Method.descriptors
        + Provernet_V1_ArtifactService.Method.descriptors + Provernet_V1_AdminService.Method.descriptors

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for method in methods {
            router.registerHandler(forMethod: method, deserializer: RawMessage(), serializer: RawMessage()) {
                request, _ in
                try await relay(method, request)
            }
        }
    }

    func relay(_ method: MethodDescriptor, _ request: StreamingServerRequest<[UInt8]>) async throws
        -> StreamingServerResponse<[UInt8]>
    {
        let client = try await link.client()
        let upstream = StreamingClientRequest<[UInt8]>(metadata: Self.forwarded(request.metadata)) { writer in
            for try await message in request.messages { try await writer.write(message) }
        }
        let options = self.options
        return StreamingServerResponse { writer in
            do {
                return try await client.bidirectionalStreaming(
                    request: upstream, descriptor: method, serializer: RawMessage(), deserializer: RawMessage(),
                    options: options
                ) { response in
                    let contents = try response.accepted.get()
                    var trailers = Metadata()
                    for try await part in contents.bodyParts {
                        switch part {
                        case .message(let message): try await writer.write(message)
                        case .trailingMetadata(let metadata): trailers = metadata
                        }
                    }
                    return Self.forwarded(trailers)
                }
            } catch let error as RPCError {
                throw RPCError(code: error.code, message: error.message, metadata: Self.forwarded(error.metadata))
            } catch {
                throw RPCError(code: .unavailable, message: "relaying to the market's leader failed: \(error)")
            }
        }
    }

    /// The caller's metadata without what belongs to one HTTP/2 hop (pseudo-headers, content type, timeouts,
    /// encodings, the status): the transport to the next hop writes its own.
    static func forwarded(_ metadata: Metadata) -> Metadata {
        var kept = Metadata()
        for (key, value) in metadata where !key.hasPrefix(":") && !hopHeaders.contains(key.lowercased()) {
            switch value {
            case .string(let text): kept.addString(text, forKey: key)
            case .binary(let bytes): kept.addBinary(bytes, forKey: key)
            }
        }
        return kept
    }

    static let hopHeaders: Set<String> = [
        "content-type", "te", "user-agent", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-status",
        "grpc-message", "host",
    ]
}

/// A message as the bytes on the wire: what a relay passes on without decoding it.
struct RawMessage: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { [UInt8]($0) }
    }
}
