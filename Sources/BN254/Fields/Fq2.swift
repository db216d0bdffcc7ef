/// The quadratic extension Fq2 = Fq[u]/(u² + 1), the coordinate field of G2.
@frozen
public struct Fq2: Sendable, Hashable {
    /// The real part.
    public var c0: Fq
    /// The imaginary part (the coefficient of u).
    public var c1: Fq

    @inlinable @inline(__always)
    public init(_ c0: Fq, _ c1: Fq) {
        self.c0 = c0
        self.c1 = c1
    }

    public static let zero = Fq2(.zero, .zero)
    public static let one = Fq2(.one, .zero)

    @inlinable public var isZero: Bool { c0.isZero && c1.isZero }

    // The operations below use the carry-chain forms of PrimeField+CarryChains.swift, which compute what the
    // Fq operators compute in fewer instructions: the pairing spends nearly all its time here.
    //
    // Products, squares and the multiplication by ξ are `@inline(never)`: inlined into every Fq6/Fq12 formula,
    // the tower's straight-line code (7,600 instructions for one Fq12 product) outgrew the instruction caches;
    // as calls, a pairing went from 684 to 532 µs with more instructions executed. Sums stay inlined (out of
    // line they measured no faster). G2 point arithmetic pays the calls: its scalar multiplication is ~5% slower.

    @inlinable @inline(__always)
    public static func + (a: Fq2, b: Fq2) -> Fq2 { Fq2(Fq.sum(a.c0, b.c0), Fq.sum(a.c1, b.c1)) }
    @inlinable @inline(__always)
    public static func - (a: Fq2, b: Fq2) -> Fq2 { Fq2(Fq.difference(a.c0, b.c0), Fq.difference(a.c1, b.c1)) }
    @inlinable @inline(__always)
    public static prefix func - (a: Fq2) -> Fq2 { Fq2(Fq.negation(a.c0), Fq.negation(a.c1)) }
    @inlinable @inline(__always)
    public static func += (a: inout Fq2, b: Fq2) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Fq2, b: Fq2) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Fq2, b: Fq2) { a = a * b }

    /// Karatsuba with lazy reduction: three 512-bit products, two Montgomery reductions
    /// (Fq2+LazyReduction.swift).
    @inlinable @inline(never)
    public static func * (a: Fq2, b: Fq2) -> Fq2 { a.lazyMultiplied(by: b) }

    /// Multiplies by an element of the base field.
    @inlinable @inline(__always)
    public func scaled(by k: Fq) -> Fq2 { Fq2(Fq.product(c0, k), Fq.product(c1, k)) }

    /// (a + bu)² = (a + b)(a − b) + 2ab·u: two 512-bit products and two Montgomery reductions, 8% faster than
    /// two Montgomery multiplications (Fq2Wide.swift).
    @inlinable @inline(never)
    public func squared() -> Fq2 {
        let w = Fq2Wide.squareInline(self)
        return Fq2(montgomeryReduce(w.c0), montgomeryReduce(w.c1))
    }

    @inlinable @inline(__always)
    public func doubled() -> Fq2 { Fq2(Fq.sum(c0, c0), Fq.sum(c1, c1)) }

    /// The conjugate a − bu, which is also the q-power Frobenius map.
    @inlinable @inline(__always)
    public func conjugate() -> Fq2 { Fq2(c0, Fq.negation(c1)) }

    /// The norm a² + b² in Fq.
    @inlinable
    public var norm: Fq { c0.squared() + c1.squared() }

    public func inverse() -> Fq2 { inverse(normInverse: norm.inverse()) }

    /// The inverse with the variable-time base-field inversion: for public values only (see
    /// `PrimeField.inverseVariableTime`).
    public func inverseVariableTime() -> Fq2 { inverse(normInverse: norm.inverseVariableTime()) }

    @inlinable @inline(__always)
    func inverse(normInverse t: Fq) -> Fq2 { Fq2(c0 * t, -(c1 * t)) }

    /// Multiplies by ξ = 9 + u, the non-residue that defines Fq6 and the twist.
    @inlinable @inline(never)
    public func mulByNonResidue() -> Fq2 {
        // (a + bu)(9 + u) = (9a − b) + (a + 9b)u: 9a + (q − b) and 9b + a are below 10q, and one small-multiple
        // reduction each replaces the five modular additions of 8a + a − b.
        let a = c0.limbs
        let b = c1.limbs
        let q = FqParameters.modulus
        let qb = sub4(q, b).0
        var (k, r0) = madd2(a.0, 9, qb.0, 0)
        var r1: UInt64
        var r2: UInt64
        var r3: UInt64
        (k, r1) = madd2(a.1, 9, qb.1, k)
        (k, r2) = madd2(a.2, 9, qb.2, k)
        (k, r3) = madd2(a.3, 9, qb.3, k)
        let real = reduceSmallMultiple((r0, r1, r2, r3), k)
        (k, r0) = madd2(b.0, 9, a.0, 0)
        (k, r1) = madd2(b.1, 9, a.1, k)
        (k, r2) = madd2(b.2, 9, a.2, k)
        (k, r3) = madd2(b.3, 9, a.3, k)
        return Fq2(Fq(montgomeryLimbs: real), Fq(montgomeryLimbs: reduceSmallMultiple((r0, r1, r2, r3), k)))
    }

    public static func batchInverse(_ values: UnsafeMutableBufferPointer<Fq2>) {
        // Invert the norms in one batch: (a + bu)^-1 = (a − bu)/(a² + b²).
        var norms = values.map { $0.norm }
        Fq.batchInverse(&norms)
        for i in values.indices {
            values[i] = Fq2(values[i].c0 * norms[i], -(values[i].c1 * norms[i]))
        }
    }

    /// self^e for an exponent given as little-endian 64-bit words.
    public func power(_ exponent: [UInt64]) -> Fq2 {
        var result = Fq2.one
        for word in exponent.reversed() {
            for i in stride(from: 63, through: 0, by: -1) {
                result = result.squared()
                if (word >> UInt64(i)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    /// A square root, or nil if there is none (used to decompress G2 points).
    public func squareRoot() -> Fq2? {
        // Complex method: for a + bu with norm n = a² + b², a root is x + yu with
        // x² = (a ± √n)/2 and y = b/(2x).
        if isZero { return self }
        guard let n = norm.squareRoot() else { return nil }
        var x2 = (c0 + n).halved()
        if x2.legendre == -1 { x2 = (c0 - n).halved() }
        guard let x = x2.squareRoot() else { return nil }
        if x.isZero {
            // a = −√n ... only when b = 0 and a is a non-square: then the root is purely imaginary.
            guard let y = (-c0).squareRoot() else { return nil }
            let candidate = Fq2(.zero, y)
            return candidate.squared() == self ? candidate : nil
        }
        let y = c1 * x.doubled().inverse()
        let candidate = Fq2(x, y)
        return candidate.squared() == self ? candidate : nil
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Fq2 {
        Fq2(.random(using: &generator), .random(using: &generator))
    }
}

extension Fq2: FieldElement {}

extension Fq2: CustomStringConvertible {
    public var description: String { "(\(c0), \(c1))" }
}
