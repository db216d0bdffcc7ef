import GRPCCore
import ProverNetAPI

/// Holds the admin calls that change the allowlist (`AllowProver`, `RevokeProver`) to the gateway's local
/// admin token: `authorization: Bearer <token>` in the call's metadata. Without the header the call is
/// UNAUTHENTICATED; with another token, PERMISSION_DENIED. Every other call passes untouched.
struct AdminAuthorizationInterceptor: ServerInterceptor {
    let token: AdminToken

    /// The methods that need the token.
    static let protectedMethods: Set<MethodDescriptor> = [
        Provernet_V1_AdminService.Method.AllowProver.descriptor,
        Provernet_V1_AdminService.Method.RevokeProver.descriptor,
        Provernet_V1_AdminService.Method.AllowOperator.descriptor,
        Provernet_V1_AdminService.Method.RevokeOperator.descriptor,
        Provernet_V1_AdminService.Method.SetOperatorStake.descriptor,
    ]

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard Self.protectedMethods.contains(context.descriptor) else { return try await next(request, context) }
        let method = context.descriptor.method
        guard let header = request.metadata[stringValues: "authorization"].first(where: { _ in true }) else {
            throw RPCError(
                code: .unauthenticated,
                message:
                    "\(method) needs the gateway's admin token (authorization: Bearer TOKEN, from DATA_DIR/admin.token)"
            )
        }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), token.matches(String(header.dropFirst(prefix.count))) else {
            throw RPCError(
                code: .permissionDenied,
                message: "\(method): the admin token is not this gateway's (it changes at each start)")
        }
        return try await next(request, context)
    }
}
