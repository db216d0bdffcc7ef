// The cubic extension of the BN254 tower Fq2 ⊂ Fq6 ⊂ Fq12.
//
// Formulas: Devegili, Ó hÉigeartaigh, Scott and Dahab, "Multiplication and squaring on pairing-friendly
// fields" (2006): Karatsuba multiplication (§4) and the Chung–Hasan squaring "SQR2" (§5).

/// Fq6 = Fq2[v]/(v³ − ξ) with ξ = 9 + u; an element is c0 + c1·v + c2·v².
@frozen
public struct Fq6: Sendable, Hashable {
    public var c0: Fq2
    public var c1: Fq2
    public var c2: Fq2

    @inlinable @inline(__always)
    public init(_ c0: Fq2, _ c1: Fq2, _ c2: Fq2) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    /// Embeds an element of Fq2.
    @inlinable @inline(__always)
    public init(_ c0: Fq2) {
        self.init(c0, Fq2(.zero, .zero), Fq2(.zero, .zero))
    }

    @inlinable public static var zero: Fq6 { Fq6(Fq2(.zero, .zero)) }
    @inlinable public static var one: Fq6 { Fq6(Fq2(.one, .zero)) }

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero && c2.isZero }
    @inlinable public var isOne: Bool { c0 == Fq2(.one, .zero) && c1.isZero && c2.isZero }

    // MARK: Additive group

    @inlinable @inline(__always)
    public static func + (a: Fq6, b: Fq6) -> Fq6 { Fq6(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }
    @inlinable @inline(__always)
    public static func - (a: Fq6, b: Fq6) -> Fq6 { Fq6(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }
    @inlinable @inline(__always)
    public static prefix func - (a: Fq6) -> Fq6 { Fq6(-a.c0, -a.c1, -a.c2) }
    @inlinable @inline(__always)
    public func doubled() -> Fq6 { Fq6(c0.doubled(), c1.doubled(), c2.doubled()) }
    @inlinable @inline(__always)
    public static func += (a: inout Fq6, b: Fq6) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Fq6, b: Fq6) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Fq6, b: Fq6) { a = a * b }

    // MARK: Multiplication

    /// Karatsuba: six Fq2 products, accumulated unreduced, then three Fq2 reductions (Fq2Wide.swift).
    @inlinable
    public static func * (a: Fq6, b: Fq6) -> Fq6 { Fq6Wide.product(a, b).reduced() }

    /// Chung–Hasan SQR2: two Fq2 multiplications and three squarings.
    @inlinable
    public func squared() -> Fq6 {
        let s0 = c0.squared()
        let s1 = (c0 * c1).doubled()
        let s2 = (c0 - c1 + c2).squared()
        let s3 = (c1 * c2).doubled()
        let s4 = c2.squared()
        return Fq6(s3.mulByNonResidue() + s0, s4.mulByNonResidue() + s1, s1 + s2 + s3 - s0 - s4)
    }

    /// Multiplies by v: (c0, c1, c2) ↦ (ξ·c2, c0, c1). This is the non-residue that defines Fq12.
    @inlinable @inline(__always)
    public func mulByNonResidue() -> Fq6 { Fq6(c2.mulByNonResidue(), c0, c1) }

    /// Multiplies by an element of Fq2 (three Fq2 multiplications).
    @inlinable @inline(__always)
    public func scaled(by k: Fq2) -> Fq6 { Fq6(c0 * k, c1 * k, c2 * k) }

    /// Multiplies by an element of Fq (six Fq multiplications).
    @inlinable @inline(__always)
    public func scaled(by k: Fq) -> Fq6 { Fq6(c0.scaled(by: k), c1.scaled(by: k), c2.scaled(by: k)) }

    /// Multiplies by the sparse element b0 + b1·v (five Fq2 products, three Fq2 reductions).
    @inlinable @inline(__always)
    public func multiplied(by01 b0: Fq2, _ b1: Fq2) -> Fq6 { Fq6Wide.product(self, by01: b0, b1).reduced() }

    /// Multiplies by the sparse element b1·v (three Fq2 multiplications).
    @inlinable @inline(__always)
    public func multiplied(by1 b1: Fq2) -> Fq6 {
        Fq6((c2 * b1).mulByNonResidue(), c0 * b1, c1 * b1)
    }

    /// The inverse; zero maps to zero.
    public func inverse() -> Fq6 { inverse { $0.inverse() } }

    /// The inverse with the variable-time base-field inversion: for public values only (see
    /// `PrimeField.inverseVariableTime`).
    public func inverseVariableTime() -> Fq6 { inverse { $0.inverseVariableTime() } }

    @inline(__always)
    func inverse(_ invert: (Fq2) -> Fq2) -> Fq6 {
        // With t0 = c0² − ξc1c2, t1 = ξc2² − c0c1, t2 = c1² − c0c2, the product
        // (c0 + c1v + c2v²)(t0 + t1v + t2v²) is the Fq2 element c0t0 + ξ(c2t1 + c1t2).
        let t0 = c0.squared() - (c1 * c2).mulByNonResidue()
        let t1 = c2.squared().mulByNonResidue() - c0 * c1
        let t2 = c1.squared() - c0 * c2
        let d = c0 * t0 + (c2 * t1 + c1 * t2).mulByNonResidue()
        let dInverse = invert(d)
        return Fq6(t0 * dInverse, t1 * dInverse, t2 * dInverse)
    }

    // MARK: Frobenius

    /// self^q: conjugate each coefficient, then v^q = γ₁,₂·v and v^(2q) = γ₁,₄·v².
    @inlinable
    public func frobenius() -> Fq6 {
        let g = TowerConstants.shared
        return Fq6(c0.conjugate(), c1.conjugate() * g.gamma1.w2, c2.conjugate() * g.gamma1.w4)
    }

    /// self^(q²): the coefficients are fixed, and the constants lie in Fq.
    @inlinable
    public func frobeniusSquared() -> Fq6 {
        let g = TowerConstants.shared
        return Fq6(c0, c1.scaled(by: g.gamma2.w2.c0), c2.scaled(by: g.gamma2.w4.c0))
    }

    /// self^(q³).
    @inlinable
    public func frobeniusCubed() -> Fq6 {
        let g = TowerConstants.shared
        return Fq6(c0.conjugate(), c1.conjugate() * g.gamma3.w2, c2.conjugate() * g.gamma3.w4)
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Fq6 {
        Fq6(.random(using: &generator), .random(using: &generator), .random(using: &generator))
    }
}

extension Fq6: CustomStringConvertible {
    public var description: String { "(\(c0), \(c1), \(c2))" }
}
