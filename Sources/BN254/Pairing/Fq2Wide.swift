// Unreduced ("double-width") arithmetic for the tower: products are kept as 512-bit integers, added and
// subtracted as such, and Montgomery-reduced once at the end of a formula instead of after every product.
// Aranha, Karabina, Longa, Gebotys and López, "Faster explicit formulas for computing pairings over ordinary
// curves" (Eurocrypt 2011), §3; mcl's Fp2Dbl/Fp6Dbl do the same.
//
// Invariant: a wide value T stands for T·R⁻¹ mod q and lies in [0, q·R). Since q·R = q·2^256, that is exactly
// "the high half is below q": sums and differences modulo q·R are the ordinary modular ones on the high half,
// with a carry or borrow coming in from the low half. Products of two elements below 2q are below 4q² < q·R
// (q < 2^254 = R/4), and `montgomeryReduce` takes any T < q·R to a fully reduced element.

/// T + U mod q·R.
@inlinable @inline(__always)
func wideAdd(_ a: Wide, _ b: Wide) -> Wide {
    let (l0, k0) = addCarry(a.lo.0, b.lo.0, 0)
    let (l1, k1) = addCarry(a.lo.1, b.lo.1, k0)
    let (l2, k2) = addCarry(a.lo.2, b.lo.2, k1)
    let (l3, k3) = addCarry(a.lo.3, b.lo.3, k2)
    // High halves below q each, plus a carry: below 2q < 2^255.
    let (h0, c0) = addCarry(a.hi.0, b.hi.0, k3)
    let (h1, c1) = addCarry(a.hi.1, b.hi.1, c0)
    let (h2, c2) = addCarry(a.hi.2, b.hi.2, c1)
    let (h3, _) = addCarry(a.hi.3, b.hi.3, c2)
    return ((l0, l1, l2, l3), Fq.reducedOnce((h0, h1, h2, h3)))
}

/// T − U mod q·R.
@inlinable @inline(__always)
func wideSub(_ a: Wide, _ b: Wide) -> Wide {
    var (d, borrow) = wideSubtract(a, b)
    // A borrow means T − U + 2^512 was computed; adding q·R and dropping 2^512 gives T − U + q·R.
    let mask = 0 &- borrow
    let q = FqParameters.modulus
    d.hi = add4(d.hi, (q.0 & mask, q.1 & mask, q.2 & mask, q.3 & mask)).0
    return d
}

/// 2T mod q·R.
@inlinable @inline(__always)
func wideDouble(_ a: Wide) -> Wide { wideAdd(a, a) }

/// a·b as a wide value, for a, b < 2q (so that the product is below 4q² < q·R).
@inlinable @inline(__always)
func wideMul(_ a: Fq, _ b: Fq) -> Wide { wideProduct(a.limbs, b.limbs) }

/// h mod q for h < 16q, given as four limbs and a small fifth (h4 < 4), fully reduced: the cheap reduction
/// after multiplying by a small constant such as the 9 of ξ = 9 + u.
@inlinable @inline(__always)
func reduceSmallMultiple(_ h: Limbs4, _ h4: UInt64) -> Limbs4 {
    let q = FqParameters.modulus
    // k = ⌊u·21/2^64⌋ for u = ⌊h/2^194⌋ is at most ⌊h/q⌋ (21 = ⌊2^64/(⌊q/2^194⌋ + 1)⌋) and short of it by at
    // most one for h < 16q, so h − k·q lies in [0, 2q).
    let u = (h4 << 62) | (h.3 >> 2)
    let k = UInt64(truncatingIfNeeded: (UInt128(u) &* 21) >> 64)
    let (c0, p0) = madd1(k, q.0, 0)
    let (c1, p1) = madd1(k, q.1, c0)
    let (c2, p2) = madd1(k, q.2, c1)
    let p3 = k &* q.3 &+ c2
    // The difference is below 2^256, so the fifth limbs cancel and arithmetic mod 2^256 is exact.
    return Fq.reducedOnce(sub4(h, (p0, p1, p2, p3)).0)
}

/// An element of Fq2 as two unreduced wide values (see the invariant at the top of the file).
///
/// Its products, sums, differences, ξ-multiplication and reduction are out-of-line calls (see Fq2.swift for
/// why); the Fq6Wide products that combine them stay inlined into the Fq12 formulas (out of line, slower).
@frozen @usableFromInline
struct Fq2Wide {
    @usableFromInline var c0: Wide
    @usableFromInline var c1: Wide

    @inlinable @inline(__always)
    init(_ c0: Wide, _ c1: Wide) {
        self.c0 = c0
        self.c1 = c1
    }

    /// a·b by Karatsuba: three 256×256-bit products, no reduction.
    @inlinable @inline(never)
    static func product(_ a: Fq2, _ b: Fq2) -> Fq2Wide {
        let t0 = wideProduct(a.c0.limbs, b.c0.limbs)
        let t1 = wideProduct(a.c1.limbs, b.c1.limbs)
        // Unreduced sums below 2q: their product is below 4q² < qR.
        let t2 = wideProduct(add4(a.c0.limbs, a.c1.limbs).0, add4(b.c0.limbs, b.c1.limbs).0)
        // t2 − t0 − t1 = a0b1 + a1b0 ∈ [0, 2q²): exact, no correction.
        let imaginary = wideSubtract(wideSubtract(t2, t0).0, t1).0
        return Fq2Wide(wideSub(t0, t1), imaginary)
    }

    /// a²: (a0 + a1)(a0 − a1) + 2a0a1·u, two products.
    @inlinable @inline(never)
    static func square(_ a: Fq2) -> Fq2Wide { squareInline(a) }

    /// The body of `square`, also inlined into `Fq2.squared()`.
    @inlinable @inline(__always)
    static func squareInline(_ a: Fq2) -> Fq2Wide {
        let x = a.c0.limbs
        let y = a.c1.limbs
        let q = FqParameters.modulus
        // a0 + a1 < 2q and a0 + q − a1 ∈ (0, 2q): the product is below 4q² and ≡ (a0 + a1)(a0 − a1).
        let s = add4(x, y).0
        let d = sub4(add4(x, q).0, y).0
        let xx = add4(x, x).0 // 2a0 < 2q
        return Fq2Wide(wideProduct(s, d), wideProduct(xx, y))
    }

    @inlinable @inline(never)
    static func + (a: Fq2Wide, b: Fq2Wide) -> Fq2Wide { Fq2Wide(wideAdd(a.c0, b.c0), wideAdd(a.c1, b.c1)) }

    @inlinable @inline(never)
    static func - (a: Fq2Wide, b: Fq2Wide) -> Fq2Wide { Fq2Wide(wideSub(a.c0, b.c0), wideSub(a.c1, b.c1)) }

    @inlinable @inline(__always)
    func doubled() -> Fq2Wide { Fq2Wide(wideDouble(c0), wideDouble(c1)) }

    /// Multiplies by ξ = 9 + u: (9a − b) + (a + 9b)u, each as nine times a wide value plus another, whose
    /// high half (below 16q) is then reduced by `reduceSmallMultiple`.
    @inlinable @inline(never)
    func mulByNonResidue() -> Fq2Wide {
        let q = FqParameters.modulus
        let (xl, xh) = c0
        let (yl, yh) = c1
        // Real part: 9x − y + qR = (9·xh + (q − 1 − yh))·R + (9·xl + (R − 1 − yl) + 1), the low half's
        // carry (below 10) moving up. q − 1 − yh = q + ~yh mod 2^256, as yh < q.
        var (k, r0) = madd2(xl.0, 9, ~yl.0, 1)
        var r1: UInt64
        var r2: UInt64
        var r3: UInt64
        (k, r1) = madd2(xl.1, 9, ~yl.1, k)
        (k, r2) = madd2(xl.2, 9, ~yl.2, k)
        (k, r3) = madd2(xl.3, 9, ~yl.3, k)
        let qy = add4(q, (~yh.0, ~yh.1, ~yh.2, ~yh.3)).0
        var h0: UInt64
        var h1: UInt64
        var h2: UInt64
        var h3: UInt64
        (k, h0) = madd2(xh.0, 9, qy.0, k)
        (k, h1) = madd2(xh.1, 9, qy.1, k)
        (k, h2) = madd2(xh.2, 9, qy.2, k)
        (k, h3) = madd2(xh.3, 9, qy.3, k)
        let real: Wide = ((r0, r1, r2, r3), reduceSmallMultiple((h0, h1, h2, h3), k))
        // Imaginary part: x + 9y, below 10qR.
        var s0: UInt64
        var s1: UInt64
        var s2: UInt64
        var s3: UInt64
        (k, s0) = madd1(yl.0, 9, xl.0)
        (k, s1) = madd2(yl.1, 9, xl.1, k)
        (k, s2) = madd2(yl.2, 9, xl.2, k)
        (k, s3) = madd2(yl.3, 9, xl.3, k)
        (k, h0) = madd2(yh.0, 9, xh.0, k)
        (k, h1) = madd2(yh.1, 9, xh.1, k)
        (k, h2) = madd2(yh.2, 9, xh.2, k)
        (k, h3) = madd2(yh.3, 9, xh.3, k)
        return Fq2Wide(real, ((s0, s1, s2, s3), reduceSmallMultiple((h0, h1, h2, h3), k)))
    }

    /// The reduced element: two Montgomery reductions.
    @inlinable @inline(never)
    func reduced() -> Fq2 { Fq2(montgomeryReduce(c0), montgomeryReduce(c1)) }
}

/// An element of Fq6 as three unreduced Fq2 coefficients.
@frozen @usableFromInline
struct Fq6Wide {
    @usableFromInline var c0: Fq2Wide
    @usableFromInline var c1: Fq2Wide
    @usableFromInline var c2: Fq2Wide

    @inlinable @inline(__always)
    init(_ c0: Fq2Wide, _ c1: Fq2Wide, _ c2: Fq2Wide) {
        self.c0 = c0
        self.c1 = c1
        self.c2 = c2
    }

    /// a·b by Karatsuba (Devegili et al. 2006, §4): six Fq2 products, no reduction.
    @inlinable @inline(__always)
    static func product(_ a: Fq6, _ b: Fq6) -> Fq6Wide {
        let v0 = Fq2Wide.product(a.c0, b.c0)
        let v1 = Fq2Wide.product(a.c1, b.c1)
        let v2 = Fq2Wide.product(a.c2, b.c2)
        let t0 = (Fq2Wide.product(a.c1 + a.c2, b.c1 + b.c2) - v1 - v2).mulByNonResidue() + v0
        let t1 = Fq2Wide.product(a.c0 + a.c1, b.c0 + b.c1) - v0 - v1 + v2.mulByNonResidue()
        let t2 = Fq2Wide.product(a.c0 + a.c2, b.c0 + b.c2) - v0 - v2 + v1
        return Fq6Wide(t0, t1, t2)
    }

    /// a·(b0 + b1·v): five Fq2 products, no reduction.
    @inlinable @inline(__always)
    static func product(_ a: Fq6, by01 b0: Fq2, _ b1: Fq2) -> Fq6Wide {
        let v0 = Fq2Wide.product(a.c0, b0)
        let v1 = Fq2Wide.product(a.c1, b1)
        let t0 = Fq2Wide.product(a.c2, b1).mulByNonResidue() + v0
        let t1 = Fq2Wide.product(a.c0 + a.c1, b0 + b1) - v0 - v1
        let t2 = Fq2Wide.product(a.c2, b0) + v1
        return Fq6Wide(t0, t1, t2)
    }

    /// a·k for k in Fq2: three Fq2 products, no reduction.
    @inlinable @inline(__always)
    static func product(_ a: Fq6, by0 k: Fq2) -> Fq6Wide {
        Fq6Wide(Fq2Wide.product(a.c0, k), Fq2Wide.product(a.c1, k), Fq2Wide.product(a.c2, k))
    }

    @inlinable @inline(__always)
    static func + (a: Fq6Wide, b: Fq6Wide) -> Fq6Wide { Fq6Wide(a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2) }

    @inlinable @inline(__always)
    static func - (a: Fq6Wide, b: Fq6Wide) -> Fq6Wide { Fq6Wide(a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2) }

    /// Multiplies by v: (c0, c1, c2) ↦ (ξ·c2, c0, c1).
    @inlinable @inline(__always)
    func mulByNonResidue() -> Fq6Wide { Fq6Wide(c2.mulByNonResidue(), c0, c1) }

    @inlinable @inline(__always)
    func reduced() -> Fq6 { Fq6(c0.reduced(), c1.reduced(), c2.reduced()) }
}
