import BN254

/// What can go wrong when proving or verifying; each case names the problem.
public enum Groth16Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The witness has the wrong number of values for the key or circuit.
    case witnessLength(expected: Int, actual: Int)
    /// The number of public signals does not match the verification key.
    case publicInputCount(expected: Int, actual: Int)
    /// A witness breaks a constraint: A·B ≠ C at `constraint` (0-based).
    case constraintNotSatisfied(constraint: Int)
    /// A constraint refers to a wire the circuit does not have.
    case wireOutOfRange(constraint: Int, wire: Int, wires: Int)
    /// The witness's first value must be 1 (the constant wire).
    case constantWireNotOne(String)
    /// A key is inconsistent with itself (counts, sizes, domain).
    case inconsistentKey(String)
    /// A circuit too large for the scalar field's 2-adic domain.
    case circuitTooLarge(constraints: Int)
    /// An underlying BN254 decoding problem.
    case bn254(BN254Error)
    /// A checkpoint file or its directory could not be written or removed (`reason` is the system's word).
    case checkpointUnwritable(path: String, reason: String)
    /// A checkpoint file exists but could not be read.
    case checkpointUnreadable(path: String, reason: String)
    /// A checkpoint file is damaged: torn, truncated, a checksum that does not match, or a value that fails
    /// its decoding checks (a point off its curve or outside its subgroup, a scalar not below r).
    case checkpointCorrupt(path: String, reason: String)
    /// A checkpoint file is intact but was written for something else: another format version, another
    /// stage, another proving key or another witness.
    case checkpointMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .witnessLength(let expected, let actual):
            return "the witness has \(actual) values but the circuit has \(expected) wires"
        case .publicInputCount(let expected, let actual):
            return "\(actual) public signals given, the verification key expects \(expected)"
        case .constraintNotSatisfied(let constraint):
            return "the witness does not satisfy constraint \(constraint) (A·B ≠ C)"
        case .wireOutOfRange(let constraint, let wire, let wires):
            return "constraint \(constraint) refers to wire \(wire), but the circuit has \(wires) wires"
        case .constantWireNotOne(let value):
            return "witness value 0 (the constant wire) must be 1, got \(value)"
        case .inconsistentKey(let what):
            return "inconsistent key: \(what)"
        case .circuitTooLarge(let constraints):
            return "\(constraints) constraints exceed the largest NTT domain (2^28)"
        case .bn254(let error):
            return error.description
        case .checkpointUnwritable(let path, let reason):
            return "cannot write the checkpoint at \(path): \(reason)"
        case .checkpointUnreadable(let path, let reason):
            return "cannot read the checkpoint at \(path): \(reason)"
        case .checkpointCorrupt(let path, let reason):
            return "the checkpoint file \(path) is damaged: \(reason)"
        case .checkpointMismatch(let path, let reason):
            return "the checkpoint file \(path) was written for \(reason)"
        }
    }
}
