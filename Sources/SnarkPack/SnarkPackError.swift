import BN254
import Groth16

/// Everything that can go wrong when building a structured reference string, aggregating or verifying:
/// each case names the problem and carries what was seen.
public enum SnarkPackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than two proofs to aggregate (SnarkPack needs at least two).
    case tooFewProofs(count: Int)
    /// The number of public-signal lists does not match the number of proofs.
    case proofCountMismatch(proofs: Int, publicSignals: Int)
    /// The reference string is too small for this many proofs (after padding to a power of two).
    case srsTooSmall(needed: Int, available: Int)
    /// A reference string whose own elements are inconsistent (lengths, generators, powers).
    case invalidSRS(String)
    /// The two powers of tau used for the reference string have the same secret.
    case identicalSecrets
    /// A `.ptau` file could not be read.
    case invalidPowersOfTau(file: String, reason: String)
    /// A binary encoding had the wrong magic or version.
    case wrongFormat(what: String, expected: String, found: String)
    /// A binary encoding ended early.
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// A binary encoding had bytes after its end.
    case trailingBytes(what: String, offset: Int, count: Int)
    /// A count field in an encoding is out of range.
    case invalidCount(what: String, value: Int, allowed: String)
    /// A target-group element is not in the order-r subgroup of Fq12*.
    case notInTargetGroup(what: String)
    /// A BN254 decoding problem (a coordinate ≥ q, a point off its curve or outside G2), with where it was.
    case point(what: String, error: BN254Error)
    /// A Groth16 problem (the public signals do not fit the verification key).
    case groth16(Groth16Error)

    public var description: String {
        switch self {
        case .tooFewProofs(let count):
            return "SnarkPack aggregates at least 2 proofs, got \(count)"
        case .proofCountMismatch(let proofs, let publicSignals):
            return "the aggregate holds \(proofs) proofs but \(publicSignals) lists of public signals were given"
        case .srsTooSmall(let needed, let available):
            return
                "the reference string supports at most \(available) proofs; \(needed) are needed (padded to a power of two)"
        case .invalidSRS(let what):
            return "invalid SnarkPack reference string: \(what)"
        case .identicalSecrets:
            return "the two powers of tau have the same secret; SnarkPack needs two independent ceremonies"
        case .invalidPowersOfTau(let file, let reason):
            return "\(file): not a usable powers-of-tau file: \(reason)"
        case .wrongFormat(let what, let expected, let found):
            return "\(what): expected \(expected), found \(found)"
        case .truncated(let what, let offset, let needed, let available):
            return "\(what) is truncated at byte \(offset): \(needed) bytes needed, \(available) available"
        case .trailingBytes(let what, let offset, let count):
            return "\(what) has \(count) unexpected bytes after its end at byte \(offset)"
        case .invalidCount(let what, let value, let allowed):
            return "\(what) is \(value), allowed: \(allowed)"
        case .notInTargetGroup(let what):
            return "\(what) is not in the pairing's target group (order r)"
        case .point(let what, let error):
            return "\(what): \(error)"
        case .groth16(let error):
            return error.description
        }
    }
}
