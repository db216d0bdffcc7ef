import BN254

/// A Groth16 proof: A ∈ G1, B ∈ G2, C ∈ G1 (Groth, "On the Size of Pairing-based Non-interactive
/// Arguments", EUROCRYPT 2016).
public struct Proof: Sendable, Equatable {
    public var a: G1Affine
    public var b: G2Affine
    public var c: G1Affine

    public init(a: G1Affine, b: G2Affine, c: G1Affine) {
        self.a = a
        self.b = b
        self.c = c
    }
}
