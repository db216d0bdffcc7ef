import GRPCCore
import ProverNetAPI

/// What can go wrong in a prover node, each case with what an operator can act on.
public enum ProverNodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The gateway refused this prover for good (unknown key, bad signature, incompatible version):
    /// retrying cannot help, so the node stops.
    case refused(code: RPCError.Code, reason: String)
    /// The gateway's TLS certificate does not name what the node connects to, or is not signed by the CA it
    /// trusts: retrying cannot help, so the node stops.
    case tls(GatewayTLSProblem)
    /// The gateway broke the protocol (a message out of order, a missing field).
    case protocolViolation(String)
    /// An artifact could not be downloaded, or its content does not match its hash or size.
    case artifact(sha256: String, reason: String)
    /// The worker process could not be started, failed, was killed, or left no valid output.
    case worker(reason: String)
    /// An assignment the node cannot take (unknown circuit kind, missing artifact, bad input).
    case invalidAssignment(job: String, reason: String)
    /// A setting is missing or out of range.
    case configuration(String)
    /// A file of the node's own (identity key, data directory) cannot be read or written.
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case .refused(let code, let reason):
            let hint: String
            switch code {
            case .permissionDenied:
                hint = " (is this prover's public key on the gateway's allowlist? `provernet admin allow-prover`)"
            case .unauthenticated: hint = " (the challenge signature was not accepted)"
            case .failedPrecondition: hint = " (upgrade the prover to the gateway's protocol version)"
            default: hint = ""
            }
            return "the gateway refused this prover: \(code): \(reason)\(hint)"
        case .tls(let problem): return problem.description
        case .protocolViolation(let what): return "protocol violation by the gateway: \(what)"
        case .artifact(let sha256, let reason): return "artifact \(sha256.prefix(16))…: \(reason)"
        case .worker(let reason): return reason
        case .invalidAssignment(let job, let reason): return "job \(job): \(reason)"
        case .configuration(let what): return "configuration: \(what)"
        case .file(let path, let reason): return "\(path): \(reason)"
        }
    }
}
