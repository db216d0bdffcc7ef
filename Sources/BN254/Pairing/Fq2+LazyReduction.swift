// Fq2 multiplication with lazy reduction: the three Karatsuba products are formed as full 512-bit integers and
// combined before reducing, so two Montgomery reductions replace three (Aranha, Karabina, Longa, Gebotys and
// López, Eurocrypt 2011, §3). It is what the pairing's tower multiplies with; `Fq2.*` computes the same value.
//
// Bounds: q < 2^254 = R/4. a0b0 − a1b1 lies in (−q², q²); adding q·R when it is negative puts it in [0, qR).
// a0b1 + a1b0 < 2q² < qR. For T < qR the reduction (T + mq)/R is below 2q, so one conditional subtraction
// finishes it.

/// A 512-bit integer as (low, high) halves.
@usableFromInline
typealias Wide = (lo: Limbs4, hi: Limbs4)

/// a·b as a 512-bit integer (operand scanning, 16 multiplications).
@inlinable @inline(__always)
func wideProduct(_ a: Limbs4, _ b: Limbs4) -> Wide {
    var c: UInt64
    var r0: UInt64
    var r1: UInt64
    var r2: UInt64
    var r3: UInt64
    var r4: UInt64
    var r5: UInt64
    var r6: UInt64
    var r7: UInt64
    (c, r0) = madd1(a.0, b.0, 0)
    (c, r1) = madd1(a.0, b.1, c)
    (c, r2) = madd1(a.0, b.2, c)
    (r4, r3) = madd1(a.0, b.3, c)
    (c, r1) = madd1(a.1, b.0, r1)
    (c, r2) = madd2(a.1, b.1, r2, c)
    (c, r3) = madd2(a.1, b.2, r3, c)
    (r5, r4) = madd2(a.1, b.3, r4, c)
    (c, r2) = madd1(a.2, b.0, r2)
    (c, r3) = madd2(a.2, b.1, r3, c)
    (c, r4) = madd2(a.2, b.2, r4, c)
    (r6, r5) = madd2(a.2, b.3, r5, c)
    (c, r3) = madd1(a.3, b.0, r3)
    (c, r4) = madd2(a.3, b.1, r4, c)
    (c, r5) = madd2(a.3, b.2, r5, c)
    (r7, r6) = madd2(a.3, b.3, r6, c)
    return ((r0, r1, r2, r3), (r4, r5, r6, r7))
}

/// a − b as 512-bit integers, and whether it borrowed (1 when a < b). Written as a + ~b + 1 so that it
/// compiles to one adc per limb (see PrimeField+CarryChains.swift).
@inlinable @inline(__always)
func wideSubtract(_ a: Wide, _ b: Wide) -> (Wide, borrow: UInt64) {
    let (l0, k0) = addCarry(a.lo.0, ~b.lo.0, 1)
    let (l1, k1) = addCarry(a.lo.1, ~b.lo.1, k0)
    let (l2, k2) = addCarry(a.lo.2, ~b.lo.2, k1)
    let (l3, k3) = addCarry(a.lo.3, ~b.lo.3, k2)
    let (h0, k4) = addCarry(a.hi.0, ~b.hi.0, k3)
    let (h1, k5) = addCarry(a.hi.1, ~b.hi.1, k4)
    let (h2, k6) = addCarry(a.hi.2, ~b.hi.2, k5)
    let (h3, k7) = addCarry(a.hi.3, ~b.hi.3, k6)
    return (((l0, l1, l2, l3), (h0, h1, h2, h3)), 1 &- k7)
}

/// One step of word-by-word Montgomery reduction: adds m·q·2^(64i) to make word i zero; returns the carry out
/// of word i + 3, to be added into word i + 4.
@inlinable @inline(__always)
func reductionStep(_ t0: UInt64, _ t1: inout UInt64, _ t2: inout UInt64, _ t3: inout UInt64) -> UInt64 {
    let q = FqParameters.modulus
    let m = t0 &* FqParameters.inv
    var c = madd0(m, q.0, t0)
    (c, t1) = madd2(m, q.1, t1, c)
    (c, t2) = madd2(m, q.2, t2, c)
    (c, t3) = madd2(m, q.3, t3, c)
    return c
}

/// T·R^-1 mod q for T < q·R, fully reduced.
@inlinable @inline(__always)
func montgomeryReduce(_ t: Wide) -> Fq {
    var (t0, t1, t2, t3) = t.lo
    var (t4, t5, t6, t7) = t.hi
    var carry: UInt64
    var c = reductionStep(t0, &t1, &t2, &t3)
    (t4, carry) = addCarry(t4, c, 0)
    c = reductionStep(t1, &t2, &t3, &t4)
    (t5, carry) = addCarry(t5, c, carry)
    c = reductionStep(t2, &t3, &t4, &t5)
    (t6, carry) = addCarry(t6, c, carry)
    c = reductionStep(t3, &t4, &t5, &t6)
    (t7, _) = addCarry(t7, c, carry)
    // (t4…t7) < 2q.
    return Fq(montgomeryLimbs: Fq.reducedOnce((t4, t5, t6, t7)))
}

extension Fq2 {
    /// self·other with two Montgomery reductions instead of three.
    @inlinable @inline(__always)
    func lazyMultiplied(by b: Fq2) -> Fq2 {
        let t0 = wideProduct(c0.limbs, b.c0.limbs)
        let t1 = wideProduct(c1.limbs, b.c1.limbs)
        // Unreduced sums: each is below 2q < 2^255, so the product stays below 4q² < qR.
        let sa = add4(c0.limbs, c1.limbs).0
        let sb = add4(b.c0.limbs, b.c1.limbs).0
        let t2 = wideProduct(sa, sb)
        // Real part: t0 − t1, plus q·R if negative.
        var (real, borrow) = wideSubtract(t0, t1)
        let mask = 0 &- borrow
        let q = FqParameters.modulus
        real.hi = add4(real.hi, (q.0 & mask, q.1 & mask, q.2 & mask, q.3 & mask)).0
        // Imaginary part: t2 − t0 − t1 = a0b1 + a1b0 ≥ 0.
        let imaginary = wideSubtract(wideSubtract(t2, t0).0, t1).0
        return Fq2(montgomeryReduce(real), montgomeryReduce(imaginary))
    }
}
