/// Membership in G2's prime-order subgroup. The twist E'(Fq2) has order r·c with a cofactor c of 254 bits,
/// so a point on the twist is usually not in the group the pairing is defined on.
///
/// The fast test is from El Housni, Guillevic and Piellard, "Co-factor clearing and subgroup membership
/// testing on pairing-friendly curves" (2022), §4 for BN curves: P ∈ G2 ⟺ ψ(P) = [6x²]P, where ψ is the
/// untwist–Frobenius–twist endomorphism and x = 4965661367192848881 is the BN parameter.
public enum G2Endomorphism {
    /// ξ^((q−1)/3) with ξ = 9 + u.
    static let gammaX: Fq2 = Fq2(Fq(9), Fq(1)).power(qMinusOneOver(3))
    /// ξ^((q−1)/2).
    static let gammaY: Fq2 = Fq2(Fq(9), Fq(1)).power(qMinusOneOver(2))

    /// (q − 1)/k as little-endian words, for k dividing q − 1.
    static func qMinusOneOver(_ k: UInt64) -> [UInt64] {
        let m = FqParameters.modulus
        var words = [m.3, m.2, m.1, m.0 - 1] // big-endian order for long division
        var remainder: UInt64 = 0
        for i in 0..<4 {
            (words[i], remainder) = k.dividingFullWidth((remainder, words[i]))
        }
        return words.reversed()
    }

    /// ψ(P) = (conj(x)·γx, conj(y)·γy) on Jacobian coordinates (Z is conjugated too).
    public static func psi(_ p: G2Jacobian) -> G2Jacobian {
        G2Jacobian(x: p.x.conjugate() * gammaX, y: p.y.conjugate() * gammaY, z: p.z.conjugate())
    }

    /// 6x² for x = 4965661367192848881, as little-endian limbs.
    static let sixXSquared: Limbs4 = {
        let x: UInt64 = 4_965_661_367_192_848_881
        let (hi, lo) = x.multipliedFullWidth(by: x)
        let (l6hi, l6) = lo.multipliedFullWidth(by: 6)
        let h6 = hi &* 6 &+ l6hi
        return (l6, h6, 0, 0)
    }()
}

extension AffinePoint where C == G2Parameters {
    /// Whether the point is in the order-r subgroup (infinity is).
    public var isInSubgroup: Bool {
        if isInfinity { return true }
        let p = JacobianPoint(self)
        return G2Endomorphism.psi(p) == p.multiplied(by: G2Endomorphism.sixXSquared)
    }

    /// The slow reference test [r]P = O, kept to check the fast one.
    var isInSubgroupByOrder: Bool {
        JacobianPoint(self).multiplied(by: FrParameters.modulus).isInfinity
    }

    /// A point from untrusted coordinates: fails if it is off the twist or outside the subgroup.
    public init(validatingSubgroup x: Fq2, _ y: Fq2) throws(BN254Error) {
        try self.init(x: x, y: y)
        guard isInSubgroup else { throw .notInSubgroup(group: "G2") }
    }
}

extension AffinePoint where C == G1Parameters {
    /// G1 has cofactor 1: every point on the curve is in the subgroup.
    public var isInSubgroup: Bool { isOnCurve }
}
