// The top of the BN254 tower, where pairings take their values.
//
// Fq12 = Fq6[w]/(w² − v), so w⁶ = v³ = ξ. Reading the six Fq2 coefficients as powers of w, an element
// (c0.c0 + c0.c1·v + c0.c2·v²) + (c1.c0 + c1.c1·v + c1.c2·v²)·w has its coefficients at w⁰, w², w⁴ in c0 and
// at w¹, w³, w⁵ in c1; the Frobenius constants and the sparse line multiplication follow from that.
//
// Cyclotomic squaring: Granger and Scott, "Faster squaring in the cyclotomic subgroup of sixth degree
// extensions" (PKC 2010), §3.1.

/// Fq12 = Fq6[w]/(w² − v): an element is c0 + c1·w.
@frozen
public struct Fq12: Sendable, Hashable {
    public var c0: Fq6
    public var c1: Fq6

    @inlinable @inline(__always)
    public init(_ c0: Fq6, _ c1: Fq6) {
        self.c0 = c0
        self.c1 = c1
    }

    @inlinable public static var zero: Fq12 { Fq12(.zero, .zero) }
    @inlinable public static var one: Fq12 { Fq12(.one, .zero) }

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero }
    @inlinable public var isOne: Bool { c0.isOne && c1.isZero }

    // MARK: Additive group

    @inlinable @inline(__always)
    public static func + (a: Fq12, b: Fq12) -> Fq12 { Fq12(a.c0 + b.c0, a.c1 + b.c1) }
    @inlinable @inline(__always)
    public static func - (a: Fq12, b: Fq12) -> Fq12 { Fq12(a.c0 - b.c0, a.c1 - b.c1) }
    @inlinable @inline(__always)
    public static prefix func - (a: Fq12) -> Fq12 { Fq12(-a.c0, -a.c1) }
    @inlinable @inline(__always)
    public func doubled() -> Fq12 { Fq12(c0.doubled(), c1.doubled()) }
    @inlinable @inline(__always)
    public static func += (a: inout Fq12, b: Fq12) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Fq12, b: Fq12) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Fq12, b: Fq12) { a = a * b }

    // MARK: Multiplication

    /// Karatsuba over Fq6, with every product left unreduced until the end: 54 base-field products and 12
    /// Montgomery reductions (36 with a reduction per Fq2 product).
    @inlinable
    public static func * (a: Fq12, b: Fq12) -> Fq12 {
        let t0 = Fq6Wide.product(a.c0, b.c0)
        let t1 = Fq6Wide.product(a.c1, b.c1)
        let s = Fq6Wide.product(a.c0 + a.c1, b.c0 + b.c1)
        return Fq12((t1.mulByNonResidue() + t0).reduced(), (s - t0 - t1).reduced())
    }

    /// The complex method: (a + bw)² = (a + b)(a + vb) − ab − v·ab + 2ab·w, two Fq6 products, unreduced until
    /// the end.
    @inlinable
    public func squared() -> Fq12 {
        let ab = Fq6Wide.product(c0, c1)
        let s = Fq6Wide.product(c0 + c1, c0 + c1.mulByNonResidue())
        return Fq12((s - ab - ab.mulByNonResidue()).reduced(), (ab + ab).reduced())
    }

    /// Multiplies by the sparse element l0 + l3·w + l4·w³, the shape of a line function on the D-type
    /// twist (coefficients at w⁰, w¹ and w³, the "034" positions): thirteen Fq2 products, reduced once per
    /// coefficient of the result.
    @inlinable
    public func multiplied(by034 l0: Fq2, _ l3: Fq2, _ l4: Fq2) -> Fq12 {
        let a = Fq6Wide.product(c0, by0: l0)
        let b = Fq6Wide.product(c1, by01: l3, l4)
        let d = Fq6Wide.product(c0 + c1, by01: l0 + l3, l4)
        return Fq12((b.mulByNonResidue() + a).reduced(), (d - a - b).reduced())
    }

    /// Multiplies by the sparse element 1 + l3·w + l4·w³: ten Fq2 multiplications.
    @inlinable
    public func multiplied(by34 l3: Fq2, _ l4: Fq2) -> Fq12 {
        let b = c1.multiplied(by01: l3, l4)
        let d = (c0 + c1).multiplied(by01: Fq2(.one, .zero) + l3, l4)
        return Fq12(b.mulByNonResidue() + c0, d - c0 - b)
    }

    /// The product of two sparse line values l0 + l3·w + l4·w³ and m0 + m3·w + m4·w³, as a full element.
    @inlinable
    public static func product(
        ofLine l0: Fq2, _ l3: Fq2, _ l4: Fq2, withLine m0: Fq2, _ m3: Fq2, _ m4: Fq2
    ) -> Fq12 {
        // (l0 + (l3 + l4v)w)(m0 + (m3 + m4v)w) = l0m0 + v(l3 + l4v)(m3 + m4v) + (l0(m3 + m4v) + m0(l3 + l4v))w
        let x00 = l0 * m0
        let x33 = l3 * m3
        let x44 = l4 * m4
        let x34 = (l3 + l4) * (m3 + m4) - x33 - x44 // coefficient of v in (l3 + l4v)(m3 + m4v)
        let x03 = (l0 + l3) * (m0 + m3) - x00 - x33 // l0m3 + l3m0
        let x04 = (l0 + l4) * (m0 + m4) - x00 - x44 // l0m4 + l4m0
        // v·(x33 + x34·v + x44·v²) = ξ·x44 + x33·v + x34·v²
        return Fq12(Fq6(x44.mulByNonResidue() + x00, x33, x34), Fq6(x03, x04, Fq2(.zero, .zero)))
    }

    /// The conjugate c0 − c1·w, which is self^(q⁶); on the cyclotomic subgroup it is the inverse.
    @inlinable @inline(__always)
    public func conjugate() -> Fq12 { Fq12(c0, -c1) }

    /// The inverse; zero maps to zero.
    public func inverse() -> Fq12 {
        // (c0 + c1w)(c0 − c1w) = c0² − v·c1², an element of Fq6.
        let t = (c0.squared() - c1.squared().mulByNonResidue()).inverse()
        return Fq12(c0 * t, -(c1 * t))
    }

    /// The inverse with the variable-time base-field inversion: for public values only (see
    /// `PrimeField.inverseVariableTime`).
    public func inverseVariableTime() -> Fq12 {
        let t = (c0.squared() - c1.squared().mulByNonResidue()).inverseVariableTime()
        return Fq12(c0 * t, -(c1 * t))
    }

    // MARK: Frobenius

    /// self^q.
    @inlinable
    public func frobenius() -> Fq12 {
        let g = TowerConstants.shared.gamma1
        return Fq12(
            c0.frobenius(),
            Fq6(c1.c0.conjugate() * g.w1, c1.c1.conjugate() * g.w3, c1.c2.conjugate() * g.w5))
    }

    /// self^(q²).
    @inlinable
    public func frobeniusSquared() -> Fq12 {
        let g = TowerConstants.shared.gamma2
        return Fq12(
            c0.frobeniusSquared(),
            Fq6(c1.c0.scaled(by: g.w1.c0), c1.c1.scaled(by: g.w3.c0), c1.c2.scaled(by: g.w5.c0)))
    }

    /// self^(q³).
    @inlinable
    public func frobeniusCubed() -> Fq12 {
        let g = TowerConstants.shared.gamma3
        return Fq12(
            c0.frobeniusCubed(),
            Fq6(c1.c0.conjugate() * g.w1, c1.c1.conjugate() * g.w3, c1.c2.conjugate() * g.w5))
    }

    // MARK: The cyclotomic subgroup

    /// The square of an element of the cyclotomic subgroup (f^(q⁶+1)(q²−1)... = 1, which every value
    /// after the easy part of the final exponentiation is): nine Fq2 squarings instead of twelve
    /// multiplications. The result is wrong for other elements.
    @inlinable
    public func cyclotomicSquared() -> Fq12 {
        // Granger–Scott see Fq12 as Fq4[s]/(s³ − t) with Fq4 = Fq2[t]/(t² − ξ), s = w and t = w³:
        // f = A + B·s + C·s² with A = (w⁰, w³), B = (w¹, w⁴), C = (w², w⁵), and
        // f² = (3A² − 2Ā) + (3t·C² + 2B̄)·s + (3B² − 2C̄)·s², where x + yt with bar is x − yt.
        let (a0, a1) = Self.fq4Squared(c0.c0, c1.c1)
        let (b0, b1) = Self.fq4Squared(c1.c0, c0.c2)
        let (d0, d1) = Self.fq4Squared(c0.c1, c1.c2)
        // 3z − 2x = 2(z − x) + z and 3z + 2y = 2(z + y) + z.
        let nA0 = (a0 - c0.c0).doubled() + a0
        let nA1 = (a1 + c1.c1).doubled() + a1
        let td1 = d1.mulByNonResidue()
        let nB0 = (td1 + c1.c0).doubled() + td1
        let nB1 = (d0 - c0.c2).doubled() + d0
        let nC0 = (b0 - c0.c1).doubled() + b0
        let nC1 = (b1 + c1.c2).doubled() + b1
        return Fq12(Fq6(nA0, nC0, nB1), Fq6(nB0, nA1, nC1))
    }

    /// (x + y·t)² in Fq4 = Fq2[t]/(t² − ξ): (x² + ξy², 2xy) from three Fq2 squares, kept unreduced until
    /// the two results (four Montgomery reductions instead of six).
    @inlinable @inline(__always)
    static func fq4Squared(_ x: Fq2, _ y: Fq2) -> (Fq2, Fq2) {
        let x2 = Fq2Wide.square(x)
        let y2 = Fq2Wide.square(y)
        return ((y2.mulByNonResidue() + x2).reduced(), (Fq2Wide.square(x + y) - x2 - y2).reduced())
    }

    // MARK: Exponentiation

    /// self^e for an exponent given as little-endian limbs.
    public func power(_ exponent: Limbs4) -> Fq12 {
        power([exponent.0, exponent.1, exponent.2, exponent.3])
    }

    /// self^e for an exponent given as little-endian 64-bit words, of any length.
    public func power(_ exponent: [UInt64]) -> Fq12 {
        var result = Fq12.one
        for word in exponent.reversed() {
            for i in stride(from: 63, through: 0, by: -1) {
                result = result.squared()
                if (word >> UInt64(i)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Fq12 {
        Fq12(.random(using: &generator), .random(using: &generator))
    }
}

extension Fq12: CustomStringConvertible {
    public var description: String { "(\(c0), \(c1))" }
}

/// The Frobenius constants of the tower, computed once from ξ = 9 + u rather than written as literals.
@usableFromInline
struct TowerConstants: Sendable {
    /// The factors γ_k,i = ξ^(i·(q^k − 1)/6) = w^(i·(q^k − 1)) by which the coefficient of w^i is multiplied
    /// under the q^k-power Frobenius map (after conjugating it when k is odd).
    @usableFromInline
    struct FrobeniusCoefficients: Sendable {
        @usableFromInline let w1: Fq2
        @usableFromInline let w2: Fq2
        @usableFromInline let w3: Fq2
        @usableFromInline let w4: Fq2
        @usableFromInline let w5: Fq2

        init(_ w1: Fq2, _ w2: Fq2, _ w3: Fq2, _ w4: Fq2, _ w5: Fq2) {
            (self.w1, self.w2, self.w3, self.w4, self.w5) = (w1, w2, w3, w4, w5)
        }
    }

    @usableFromInline let gamma1: FrobeniusCoefficients
    /// These lie in Fq (their c1 is zero).
    @usableFromInline let gamma2: FrobeniusCoefficients
    @usableFromInline let gamma3: FrobeniusCoefficients

    @usableFromInline static let shared = TowerConstants()

    init() {
        let xi = Fq2(Fq(9), Fq(1))
        let g = xi.power(Self.qMinusOneOverSix)
        let g2 = g.squared()
        let g3 = g2 * g
        let g4 = g2.squared()
        let g5 = g4 * g
        gamma1 = FrobeniusCoefficients(g, g2, g3, g4, g5)
        // γ_2,i = γ_1,i^(q+1) = γ·conj(γ) and γ_3,i = γ_1,i^(q²+q+1) = γ_2,i·γ_1,i, since γ^(q²) = γ in Fq2.
        let n = [g, g2, g3, g4, g5].map { $0 * $0.conjugate() }
        gamma2 = FrobeniusCoefficients(n[0], n[1], n[2], n[3], n[4])
        gamma3 = FrobeniusCoefficients(n[0] * g, n[1] * g2, n[2] * g3, n[3] * g4, n[4] * g5)
    }

    /// (q − 1)/6 as little-endian words (q ≡ 1 mod 6).
    static var qMinusOneOverSix: [UInt64] {
        let q = FqParameters.modulus
        var words = [q.3, q.2, q.1, q.0 - 1] // big-endian for the long division
        var remainder: UInt64 = 0
        for i in words.indices {
            (words[i], remainder) = UInt64(6).dividingFullWidth((remainder, words[i]))
        }
        return words.reversed()
    }
}
