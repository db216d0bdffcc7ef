import GRPCCore
import ProverNetCore
import Store

extension RPCError {
    /// The gRPC status for an error of ours: bad input is INVALID_ARGUMENT, unknown things NOT_FOUND,
    /// size limits RESOURCE_EXHAUSTED, anything else INTERNAL (logged by the caller).
    static func from(_ error: any Error) -> RPCError {
        if let error = error as? RPCError { return error }
        switch error {
        case let e as GatewayError:
            switch e {
            case .unknownCircuit, .unknownRequest: return RPCError(code: .notFound, message: e.description)
            case .tooLarge: return RPCError(code: .resourceExhausted, message: e.description)
            case .invalidArgument, .artifactMismatch: return RPCError(code: .invalidArgument, message: e.description)
            case .configuration, .tls: return RPCError(code: .internalError, message: e.description)
            case .failedPrecondition: return RPCError(code: .failedPrecondition, message: e.description)
            }
        case let e as ProverNetError:
            switch e {
            case .invalidInput, .invalidProof, .invalidCircuit, .artifact:
                return RPCError(code: .invalidArgument, message: e.description)
            case .proving: return RPCError(code: .internalError, message: e.description)
            }
        case let e as StoreError:
            return RPCError(code: .unavailable, message: e.description)
        default:
            return RPCError(code: .internalError, message: "\(error)")
        }
    }
}

extension RPCError.Code {
    /// The code's name as a metric's label (`invalid_argument`), from a fixed list.
    var metricLabel: String {
        switch self {
        case .invalidArgument: "invalid_argument"
        case .notFound: "not_found"
        case .resourceExhausted: "resource_exhausted"
        case .failedPrecondition: "failed_precondition"
        case .unavailable: "unavailable"
        case .permissionDenied: "permission_denied"
        case .unauthenticated: "unauthenticated"
        case .internalError: "internal"
        default: "other"
        }
    }
}
