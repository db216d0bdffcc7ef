import Foundation
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
            case .limit: return RPCError(code: .resourceExhausted, message: e.description)
            case .unauthenticated: return RPCError(code: .unauthenticated, message: e.description)
            case .permissionDenied: return RPCError(code: .permissionDenied, message: e.description)
            case .alreadyExists: return RPCError(code: .alreadyExists, message: e.description)
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

    /// `from(_:)` for a client: the gateway's own paths never reach it. An artifact's file is named by its
    /// content hash (`artifact 5238…`), anything else under the data directory by its place in it.
    static func from(_ error: any Error, hiding configuration: GatewayConfiguration) -> RPCError {
        var rpc = from(error)
        rpc.message = hidingPaths(rpc.message, configuration: configuration)
        return rpc
    }

    static func hidingPaths(_ message: String, configuration: GatewayConfiguration) -> String {
        var text = message
        for (directory, name) in [
            (configuration.artifactsDirectory, "artifact "), (configuration.dataDirectory, "the gateway's "),
        ] {
            let standardized = (directory as NSString).standardizingPath
            for form in Set([directory, standardized]) where !form.isEmpty {
                text = text.replacingOccurrences(of: form.hasSuffix("/") ? form : form + "/", with: name)
            }
        }
        return text
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
        case .alreadyExists: "already_exists"
        default: "other"
        }
    }
}
