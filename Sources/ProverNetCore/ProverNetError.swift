/// What can go wrong in the network's own logic, each case with what a user can act on. The gateway
/// maps these to gRPC status codes.
public enum ProverNetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A client's input for a job cannot be turned into a witness.
    case invalidInput(index: Int?, reason: String)
    /// A proof or its public signals cannot be read, or do not verify, or are not the expected ones.
    case invalidProof(reason: String)
    /// An artifact is missing, too large, or does not match its declared hash.
    case artifact(sha256: String, reason: String)
    /// A circuit cannot be registered or loaded.
    case invalidCircuit(reason: String)
    /// A child process or the local machine failed while proving.
    case proving(reason: String)

    public var description: String {
        switch self {
        case .invalidInput(let index, let reason):
            if let index { return "input \(index): \(reason)" }
            return "input: \(reason)"
        case .invalidProof(let reason): return "proof rejected: \(reason)"
        case .artifact(let sha256, let reason): return "artifact \(sha256.prefix(16))…: \(reason)"
        case .invalidCircuit(let reason): return "circuit: \(reason)"
        case .proving(let reason): return "proving failed: \(reason)"
        }
    }
}
