/// A short Weierstrass curve y² = x³ + b over `Field` (a = 0, as for both BN254 groups).
public protocol CurveParameters: Sendable {
    associatedtype Field: FieldElement
    /// The group's name in error messages ("G1", "G2").
    static var name: String { get }
    /// The constant b of the curve equation.
    static var b: Field { get }
    /// The standard generator of the prime-order subgroup.
    static var generator: (x: Field, y: Field) { get }
}

/// G1: y² = x³ + 3 over Fq; its order is r, the cofactor is 1.
public enum G1Parameters: CurveParameters {
    public typealias Field = Fq
    public static let name = "G1"
    public static let b = Fq(3)
    public static let generator = (x: Fq(1), y: Fq(2))
}

/// G2: the D-type sextic twist y² = x³ + 3/(9 + u) over Fq2; r divides its order, the cofactor is large.
public enum G2Parameters: CurveParameters {
    public typealias Field = Fq2
    public static let name = "G2"
    public static let b = Fq2(Fq(3), .zero) * Fq2(Fq(9), Fq(1)).inverse()
    /// The generator used by Ethereum (EIP-197) and snarkjs.
    public static let generator = (
        x: Fq2(
            constant("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
            constant("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
        y: Fq2(
            constant("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
            constant("4082367875863433681332203403145435568316851327593401208105741076214120093531"))
    )
}

/// Parses a constant written in this source; a failure is a typo in the source, not bad input.
func constant(_ decimal: String) -> Fq {
    guard let value = try? Fq(string: decimal) else {
        preconditionFailure("BN254 source constant is not a valid Fq element: \(decimal)")
    }
    return value
}
