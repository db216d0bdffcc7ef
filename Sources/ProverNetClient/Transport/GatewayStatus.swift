import GRPCCore
import ProverNetAPI

/// The gRPC status with which the gateway refused a call: `notFound` for an unknown circuit or request,
/// `invalidArgument` for a malformed input (the message names its index), `unavailable` when the gateway
/// cannot be reached, and so on.
public enum GatewayStatus: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case cancelled = "CANCELLED"
    case unknown = "UNKNOWN"
    case invalidArgument = "INVALID_ARGUMENT"
    case deadlineExceeded = "DEADLINE_EXCEEDED"
    case notFound = "NOT_FOUND"
    case alreadyExists = "ALREADY_EXISTS"
    case permissionDenied = "PERMISSION_DENIED"
    case resourceExhausted = "RESOURCE_EXHAUSTED"
    case failedPrecondition = "FAILED_PRECONDITION"
    case aborted = "ABORTED"
    case outOfRange = "OUT_OF_RANGE"
    case unimplemented = "UNIMPLEMENTED"
    case internalError = "INTERNAL"
    case unavailable = "UNAVAILABLE"
    case dataLoss = "DATA_LOSS"
    case unauthenticated = "UNAUTHENTICATED"

    public var description: String { rawValue }

    init(_ code: RPCError.Code) {
        self =
            switch code {
            case .cancelled: .cancelled
            case .invalidArgument: .invalidArgument
            case .deadlineExceeded: .deadlineExceeded
            case .notFound: .notFound
            case .alreadyExists: .alreadyExists
            case .permissionDenied: .permissionDenied
            case .resourceExhausted: .resourceExhausted
            case .failedPrecondition: .failedPrecondition
            case .aborted: .aborted
            case .outOfRange: .outOfRange
            case .unimplemented: .unimplemented
            case .internalError: .internalError
            case .unavailable: .unavailable
            case .dataLoss: .dataLoss
            case .unauthenticated: .unauthenticated
            default: .unknown
            }
    }
}

extension ProverNetClientError {
    /// The typed error for anything a gRPC call threw: the gateway's status and message for an `RPCError`,
    /// the error itself when it already is one of ours (thrown from inside a request producer), and a
    /// certificate problem (a TLS failure that retrying cannot heal) as what it is.
    init(_ error: any Error, call: String, endpoint: GatewayEndpoint? = nil) {
        if let error = error as? ProverNetClientError {
            self = error
        } else if let endpoint, let problem = GatewayTLSProblem.diagnose(error, endpoint: endpoint) {
            self = .certificate(problem)
        } else if let rpc = error as? RPCError {
            if let cause = rpc.cause as? ProverNetClientError {
                self = cause
            } else {
                var message = rpc.message
                if let cause = rpc.cause, message.isEmpty || rpc.code == .unavailable || rpc.code == .unknown {
                    message += message.isEmpty ? "\(cause)" : " (\(cause))"
                }
                self = .gateway(call: call, status: GatewayStatus(rpc.code), message: message)
            }
        } else if error is CancellationError {
            self = .gateway(call: call, status: .cancelled, message: "the call was cancelled")
        } else {
            self = .gateway(call: call, status: .unknown, message: "\(error)")
        }
    }
}
