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
