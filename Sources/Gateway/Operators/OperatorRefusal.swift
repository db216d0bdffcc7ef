import Ethereum

/// Why a prover's hello was refused on its operator's account: each case names what failed.
public enum OperatorRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The gateway requires an operator's authorization and the hello had none.
    case missing
    /// Not a prover authorization file.
    case malformed(String)
    case wrongNetwork(authorized: String, network: String)
    case wrongProverKey(authorized: String, presented: String)
    case expired(atUnix: UInt64, nowUnix: UInt64)
    /// The signature recovers to another address than the operator it names (or to none).
    case signatureOfAnotherKey(operator: Address, signer: String)
    case notAllowlisted(Address)
    case revoked(Address)
    /// The operator revoked this one authorization (by its nonce); the prover needs a new one.
    case authorizationRevoked(Address, nonce: UInt64)
    /// Not an EigenLayer operator, or not registered with the network's AVS / operator set.
    case notRegistered(Address, String)
    case belowMinimum(Address, stake: UInt256, minimum: UInt256)
    /// The source could not be read and the last known state is older than the grace period (or there is none).
    case registryUnavailable(Address, String)
    case hardware(String)

    public var description: String {
        switch self {
        case .missing:
            "operator authorization missing: this network requires provers authorized by an operator "
                + "(provernet operator authorize, then prover --authorization FILE)"
        case .malformed(let why): "operator authorization malformed: \(why)"
        case .wrongNetwork(let authorized, let network):
            "operator authorization for network '\(authorized)', this is '\(network)'"
        case .wrongProverKey(let authorized, let presented):
            "operator authorization is for prover key \(authorized), not this prover's key \(presented)"
        case .expired(let at, let now): "operator authorization expired at \(at) (unix seconds; now \(now))"
        case .signatureOfAnotherKey(let op, let signer):
            "operator authorization signed by \(signer), not by the operator \(op)"
        case .notAllowlisted(let op): "operator \(op) is not allowlisted by this network"
        case .revoked(let op): "operator \(op) was revoked by this network"
        case .authorizationRevoked(let op, let nonce):
            "operator \(op) revoked this authorization (nonce \(nonce)): the prover needs a new one"
        case .notRegistered(let op, let why): "operator \(op) is not registered: \(why)"
        case .belowMinimum(let op, let stake, let minimum):
            "operator \(op) is below the minimum stake: \(stake) < \(minimum)"
        case .registryUnavailable(let op, let why): "operator \(op): registry unavailable (failing closed): \(why)"
        case .hardware(let why): "prover hardware below the network's minimum: \(why)"
        }
    }

    /// Whether the refusal is the operator's standing rather than the prover's authorization or hardware: a
    /// suspension (revoked, deregistered, below the minimum, registry unreadable), which ends when the operator
    /// is back in order without anything changing on the prover. Its prover is told to retry rather than stop.
    public var isSuspension: Bool {
        switch self {
        case .revoked, .notRegistered, .belowMinimum, .registryUnavailable: true
        default: false
        }
    }

    /// A short machine-readable name (logs, metrics, tests).
    public var code: String {
        switch self {
        case .missing: "missing"
        case .malformed: "malformed"
        case .wrongNetwork: "wrong-network"
        case .wrongProverKey: "wrong-prover-key"
        case .expired: "expired"
        case .signatureOfAnotherKey: "signature-of-another-key"
        case .notAllowlisted: "not-allowlisted"
        case .revoked: "revoked"
        case .authorizationRevoked: "authorization-revoked"
        case .notRegistered: "not-registered"
        case .belowMinimum: "below-minimum"
        case .registryUnavailable: "registry-unavailable"
        case .hardware: "hardware"
        }
    }
}
