import GRPCCore
import Logging
import ProverNetAPI
import Store

/// Holds every call of the client and admin services to an API key (`AccessPolicy`): authenticates it,
/// checks its role, its limits and, for an administrative change, its one-time code, then runs the call
/// with the caller bound as `Principal.current`. A stream ends when its key is revoked or expires.
struct AuthorizationInterceptor: ServerInterceptor {
    let keyRing: KeyRing
    let limits: CallLimits
    let policy: AccessPolicy
    let logger: Logger

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let rule: AccessPolicy.Rule
        let method = context.descriptor.method
        switch policy.decision(for: context.descriptor) {
        case .open:
            guard policy.countsFailures(context.descriptor) else { return try await next(request, context) }
            return try await countingFailures(request: request, context: context, next: next)
        case .denied:
            throw RPCError(code: .permissionDenied, message: "\(method) is not open to any key")
        case .rule(let found): rule = found
        }
        let peer = Self.address(context.remotePeer)
        let principal: Principal
        do {
            try limits.checkPeer(peer)
            do {
                principal = try keyRing.authenticate(request.metadata)
            } catch {
                limits.failed(peer)
                logger.info("call refused", metadata: ["method": "\(method)", "peer": "\(peer)", "reason": "\(error)"])
                throw error
            }
            guard rule.roles.contains(principal.role) else {
                throw GatewayError.permissionDenied(
                    "\(method) needs \(AccessPolicy.describe(rule.roles)); key \(principal.keyID) has the "
                        + "\(principal.role.rawValue) role")
            }
            try limits.admit(keyID: principal.keyID, submission: rule.isSubmission)
            if rule.needsOneTimeCode {
                do {
                    try await keyRing.checkOneTimeCode(request.metadata, principal: principal, action: method)
                } catch {
                    limits.failed(peer)
                    throw error
                }
            }
        } catch {
            throw RPCError.from(error)
        }
        var response = try await Principal.$current.withValue(principal) { try await next(request, context) }
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            let keyRing = self.keyRing
            let isStream = rule.isStream
            contents.producer = { writer in
                try await Principal.$current.withValue(principal) {
                    if isStream { return try await keyRing.whileValid(principal) { try await producer(writer) } }
                    return try await producer(writer)
                }
            }
            response.accepted = .success(contents)
        }
        return response
    }

    /// A prover's connection: not held to an API key (the prover proves itself with its Ed25519 key), but a
    /// refused hello (unknown key, bad signature) counts against its address as a call without a valid key
    /// does, and an address that must wait is refused before its hello is read.
    func countingFailures<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let peer = Self.address(context.remotePeer)
        do {
            try limits.checkPeer(peer)
        } catch {
            throw RPCError.from(error)
        }
        var response = try await next(request, context)
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            let limits = self.limits
            contents.producer = { writer in
                do {
                    return try await producer(writer)
                } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
                    limits.failed(peer)
                    throw error
                }
            }
            response.accepted = .success(contents)
        }
        return response
    }

    /// The address of a peer as gRPC names it (`ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000`), without its port.
    static func address(_ peer: String) -> String {
        if peer.hasPrefix("ipv6:["), let end = peer.firstIndex(of: "]") {
            return String(peer[peer.index(peer.startIndex, offsetBy: 5)...end])
        }
        if peer.hasPrefix("ipv4:"), let colon = peer.lastIndex(of: ":"),
            colon > peer.index(peer.startIndex, offsetBy: 4)
        {
            return String(peer[peer.index(peer.startIndex, offsetBy: 5)..<colon])
        }
        return peer
    }
}
