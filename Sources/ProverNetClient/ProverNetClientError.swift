import ProverNetAPI
import ProverNetCore

/// Everything that can go wrong for a client of the network, each case with what a user needs to act on:
/// the gateway's own message when it refused a call, the file and the reason when a local file is wrong.
public enum ProverNetClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The gateway address is not `HOST:PORT`.
    case invalidGatewayAddress(String)
    /// The CA certificate that should vouch for the gateway cannot be read.
    case unreadableCACertificate(path: String, reason: String)
    /// The TLS transport to the gateway cannot be set up (a malformed CA certificate, for instance).
    case transport(gateway: String, reason: String)
    /// The gateway's TLS certificate does not name what was connected to, or is not signed by the trusted CA.
    case certificate(GatewayTLSProblem)
    /// The gateway answered a call with a gRPC error; `message` is the gateway's reason.
    case gateway(call: String, status: GatewayStatus, message: String)
    /// The gateway answered with something this client does not understand (an unknown state, say).
    case unexpectedResponse(call: String, reason: String)
    /// A local file (an artifact, an input, a fetched proof) cannot be read or written.
    case file(path: String, reason: String)
    /// An artifact changed while it was being sent: it no longer has the size it was hashed with.
    case artifactChanged(path: String, hashedSize: UInt64, sentSize: UInt64)
    /// An input file is not valid JSON.
    case malformedInputJSON(path: String, reason: String)
    /// An input is not a JSON object (`index` is its position in an array file, nil for a whole file).
    case inputNotAnObject(path: String, index: Int?, found: String)
    /// A request needs at least one input.
    case noInputs
    /// A call's argument is out of range.
    case invalidArgument(name: String, value: String, reason: String)
    /// A fetched directory cannot be verified: its verification key is missing or malformed, or it holds
    /// no proofs at all.
    case fetchedDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidGatewayAddress(let text):
            return "gateway address '\(text)' is not HOST:PORT (IPv6 in brackets: [::1]:7443)"
        case .unreadableCACertificate(let path, let reason):
            return "cannot read the CA certificate \(path): \(reason)"
        case .transport(let gateway, let reason):
            return "cannot set up TLS to the gateway \(gateway): \(reason)"
        case .certificate(let problem):
            return problem.description
        case .gateway(let call, let status, let message):
            switch status {
            case .unavailable: return "gateway unreachable (\(call)): \(message)"
            case .deadlineExceeded: return "gateway did not answer \(call) in time: \(message)"
            default: return "\(call) failed (\(status)): \(message)"
            }
        case .unexpectedResponse(let call, let reason):
            return "unexpected answer from the gateway to \(call): \(reason)"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        case .artifactChanged(let path, let hashedSize, let sentSize):
            return
                "\(path) changed while it was sent (\(hashedSize) bytes when hashed, \(sentSize) sent); register it again"
        case .malformedInputJSON(let path, let reason):
            return "\(path): not valid JSON: \(reason)"
        case .inputNotAnObject(let path, let index, let found):
            let place = index.map { "element \($0) of \(path)" } ?? path
            return "\(place) is a JSON \(found), not an input object like {\"x\": \"3\", \"y\": \"11\"}"
        case .noInputs:
            return "a request needs at least one input"
        case .invalidArgument(let name, let value, let reason):
            return "\(name) \(value): \(reason)"
        case .fetchedDirectory(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
