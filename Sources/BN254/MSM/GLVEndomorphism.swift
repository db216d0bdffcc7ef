// The GLV method: Gallant, Lambert and Vanstone, "Faster point multiplication on elliptic curves with efficient
// endomorphisms" (CRYPTO 2001). On y² = x³ + b over a field with a primitive cube root of unity β, the map
// φ(x, y) = (β·x, y) is a group endomorphism; on a cyclic subgroup of prime order r it acts as multiplication by
// a cube root of unity λ mod r. A 254-bit scalar k then splits as k ≡ k₁ + k₂·λ (mod r) with |k₁|, |k₂| < 2^127,
// so k·P = k₁·P + k₂·φ(P) is an MSM over twice the points with half-length scalars.
//
// β and λ are the cube roots of unity that pair on BN254's G1 (φ(P) = λ·P with these two, not with their
// squares); the tests check φ(P) = λ·P on G1 and on G2. The lattice basis comes from the extended Euclidean
// algorithm on (r, λ), stopped at the first remainder below √r (GLV §4); the same constants appear in
// arkworks' ark-bn254 `GLVConfig` and in gnark-crypto's `ecc.PrecomputeLattice` output.

/// A curve whose prime-order group has the endomorphism φ(x, y) = (β·x, y) with eigenvalue `GLV.lambda`.
@usableFromInline
protocol GLVCurve: CurveParameters {
    /// φ(P) = λ·P for every P in the group.
    static func endomorphism(_ p: AffinePoint<Self>) -> AffinePoint<Self>
    /// The x-coordinate of φ(P) for a point P with x-coordinate `x` (φ keeps y).
    static func endomorphismX(_ x: Field) -> Field
}

extension G1Parameters: GLVCurve {
    @inlinable
    static func endomorphism(_ p: AffinePoint<Self>) -> AffinePoint<Self> {
        AffinePoint(unchecked: p.x * GLV.beta, p.y, isInfinity: p.isInfinity)
    }

    @inlinable @inline(__always)
    static func endomorphismX(_ x: Fq) -> Fq { x * GLV.beta }
}

extension G2Parameters: GLVCurve {
    /// On the twist y² = x³ + b′ over Fq2 a cube root of unity in Fq ⊂ Fq2 gives an endomorphism too, but on G2
    /// (x, y) ↦ (β·x, y) acts as λ², so G2 uses β² = −1 − β, which acts as λ⁴ = λ (the tests check it).
    @inlinable
    static func endomorphism(_ p: AffinePoint<Self>) -> AffinePoint<Self> {
        AffinePoint(unchecked: p.x.scaled(by: GLV.betaSquared), p.y, isInfinity: p.isInfinity)
    }

    @inlinable @inline(__always)
    static func endomorphismX(_ x: Fq2) -> Fq2 { x.scaled(by: GLV.betaSquared) }
}

/// The constants and the scalar decomposition of the GLV method on BN254.
@usableFromInline
enum GLV {
    /// β = 2203960485148121921418603742825762020974279258880205651966, a primitive cube root of unity in Fq,
    /// in Montgomery form.
    @usableFromInline
    static let beta: Fq = constant("2203960485148121921418603742825762020974279258880205651966")

    /// β² = −1 − β, the other primitive cube root of unity in Fq.
    @usableFromInline
    static let betaSquared: Fq = constant(
        "21888242871839275220042445260109153167277707414472061641714758635765020556616")

    /// λ = 4407920970296243842393367215006156084916469457145843978461, a primitive cube root of unity in Fr.
    static let lambda: Limbs4 = (0x8b17_ea66_b99c_90dd, 0x5bfc_4108_8d8d_aaa7, 0xb3c4_d79d_41a9_1758, 0x0)

    // The reduced basis {(a1, b1), (a2, b2)} of the lattice {(x, y) : x + y·λ ≡ 0 (mod r)}, with
    // b1 = −|b1| and b2 = a1; its determinant a1·b2 − a2·b1 is r.
    @usableFromInline static let a1: UInt128 = 0x89d3_2568_94d2_13e3
    @usableFromInline static let b1Magnitude: UInt128 = 0x6f4d_8248_eeb8_59fc_8211_bbeb_7d4f_1128
    @usableFromInline static let a2: UInt128 = 0x6f4d_8248_eeb8_59fd_0be4_e154_1221_250b
    @usableFromInline static let b2: UInt128 = 0x89d3_2568_94d2_13e3

    // Babai rounding with precomputed quotients: g1 = round(2^256·b2 / r), g2 = round(2^256·|b1| / r), so that
    // c_i = ⌊k·g_i / 2^256⌋ is within 1.125 of the exact coefficient and |k1|, |k2| < 1.125·(|a1| + |a2|) < 2^127.
    @usableFromInline static let g1: (UInt64, UInt64, UInt64) = (0xd91d_232e_c7e0_b3d7, 0x2, 0x0)
    @usableFromInline static let g2: (UInt64, UInt64, UInt64) = (0x7a7b_d9d4_391e_b18e, 0x4cce_f014_a773_d2cf, 0x2)

    /// ⌊k·g / 2^256⌋ for a 256-bit k and a 192-bit g, when the result fits in 128 bits.
    @inlinable @inline(__always)
    static func multiplyShift256(_ k: Limbs4, _ g: (UInt64, UInt64, UInt64)) -> UInt128 {
        // Schoolbook product into limbs t0…t6; only t4 and t5 are returned, the rest feed the carries.
        var t: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0)
        var carry: UInt64
        // Row g.0
        (carry, t.0) = madd1(k.0, g.0, 0)
        (carry, t.1) = madd1(k.1, g.0, carry)
        (carry, t.2) = madd1(k.2, g.0, carry)
        (carry, t.3) = madd1(k.3, g.0, carry)
        t.4 = carry
        // Row g.1
        (carry, t.1) = madd2(k.0, g.1, t.1, 0)
        (carry, t.2) = madd2(k.1, g.1, t.2, carry)
        (carry, t.3) = madd2(k.2, g.1, t.3, carry)
        (carry, t.4) = madd2(k.3, g.1, t.4, carry)
        t.5 = carry
        // Row g.2
        (carry, t.2) = madd2(k.0, g.2, t.2, 0)
        (carry, t.3) = madd2(k.1, g.2, t.3, carry)
        (carry, t.4) = madd2(k.2, g.2, t.4, carry)
        (carry, t.5) = madd2(k.3, g.2, t.5, carry)
        t.6 = carry
        _ = t.6 // zero whenever the quotient fits in 128 bits, as it does for k < 2^256 and these g
        return UInt128(t.5) << 64 | UInt128(t.4)
    }

    /// Splits a canonical scalar k < r into (k1, k2) with k ≡ k1 + k2·λ (mod r) and |k1|, |k2| < 2^127.
    @inlinable @inline(__always)
    static func decompose(_ k: Limbs4) -> (k1: Int128, k2: Int128) {
        let c1 = multiplyShift256(k, g1)
        let c2 = multiplyShift256(k, g2)
        // (k1, k2) = (k, 0) − c1·(a1, b1) − c2·(a2, b2), computed mod 2^128: both results are below 2^127 in
        // magnitude, so the wrapped values are their two's complement encodings.
        let low = UInt128(k.1) << 64 | UInt128(k.0)
        let k1 = low &- c1 &* a1 &- c2 &* a2
        let k2 = c1 &* b1Magnitude &- c2 &* b2
        return (Int128(bitPattern: k1), Int128(bitPattern: k2))
    }
}
