/// What can go wrong in the gateway, with what the caller can act on. The services map these to gRPC
/// status codes (`RPCError`).
public enum GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    case configuration(String)
    case unknownCircuit(String)
    case unknownRequest(String)
    case invalidArgument(String)
    case tooLarge(what: String, size: UInt64, limit: UInt64)
    case artifactMismatch(role: String, expected: String, actual: String)
    case tls(String)
    /// The gateway cannot do what is asked as it is set up (a request for aggregation without a reference
    /// string).
    case failedPrecondition(String)
    /// A limit of the caller's key or address was reached (RESOURCE_EXHAUSTED): what, and when to retry.
    case limit(String)
    /// The caller has no valid key (UNAUTHENTICATED).
    case unauthenticated(String)
    /// The caller's key may not do this (PERMISSION_DENIED).
    case permissionDenied(String)
    /// What the caller asked to create exists already and is not the caller's (ALREADY_EXISTS).
    case alreadyExists(String)

    public var description: String {
        switch self {
        case .configuration(let reason): "configuration: \(reason)"
        case .unknownCircuit(let id): "unknown circuit \(id)"
        case .unknownRequest(let id): "unknown request \(id)"
        case .invalidArgument(let reason): reason
        case .tooLarge(let what, let size, let limit): "\(what) is \(size) bytes, over the limit of \(limit)"
        case .artifactMismatch(let role, let expected, let actual):
            "the \(role) artifact's SHA-256 is \(actual), not the declared \(expected)"
        case .tls(let reason): "TLS: \(reason)"
        case .failedPrecondition(let reason): reason
        case .limit(let reason): reason
        case .unauthenticated(let reason): reason
        case .permissionDenied(let reason): reason
        case .alreadyExists(let reason): reason
        }
    }
}
