import BN254

/// What a verifier needs: [α]₁, [β]₂, [γ]₂, [δ]₂ and IC, the public inputs' commitments (IC₀ for the
/// constant one, then one per public signal).
public struct VerificationKey: Sendable, Equatable {
    public var alpha1: G1Affine
    public var beta2: G2Affine
    public var gamma2: G2Affine
    public var delta2: G2Affine
    public var ic: [G1Affine]

    public init(alpha1: G1Affine, beta2: G2Affine, gamma2: G2Affine, delta2: G2Affine, ic: [G1Affine]) {
        self.alpha1 = alpha1
        self.beta2 = beta2
        self.gamma2 = gamma2
        self.delta2 = delta2
        self.ic = ic
    }

    /// The number of public signals (outputs and public inputs, without the constant one).
    public var publicCount: Int { ic.count - 1 }
}
