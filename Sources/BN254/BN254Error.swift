/// Everything that can be wrong with BN254 input: each case names the problem and carries what was seen.
public enum BN254Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte string had the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A field element's canonical value was not below the field's modulus.
    case notInField(field: String, value: String)
    /// A string that should hold a decimal (or hexadecimal) integer did not.
    case invalidNumber(String)
    /// A point's coordinates do not satisfy the curve equation.
    case notOnCurve(group: String, x: String, y: String)
    /// A point is on the curve but not in the prime-order subgroup.
    case notInSubgroup(group: String)
    /// A projective or JSON encoding was malformed.
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidLength(let what, let expected, let actual):
            return "\(what): expected \(expected) bytes, got \(actual)"
        case .notInField(let field, let value):
            return "value \(value) is not below the modulus of \(field)"
        case .invalidNumber(let s):
            return "not a decimal or 0x-hexadecimal integer: \"\(s.prefix(100))\""
        case .notOnCurve(let group, let x, let y):
            return "point (\(x), \(y)) is not on the \(group) curve"
        case .notInSubgroup(let group):
            return "point is on the \(group) curve but not in its prime-order subgroup"
        case .malformed(let what):
            return "malformed encoding: \(what)"
        }
    }
}
