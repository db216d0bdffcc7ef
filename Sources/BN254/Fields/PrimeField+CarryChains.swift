// Modular addition, subtraction and Montgomery multiplication written only with carry chains (a − b computed
// as a + ~b + 1), for the extension-field tower, whose every operation is a few dozen of these.
//
// They compute exactly what the operators of `PrimeField` compute. The difference is in the code LLVM emits:
// a borrow taken as `(t >> 64) & 1` of a UInt128 difference compiles to a sign-extension chain (sar, add, adc
// per limb), whereas a carry of a UInt128 sum compiles to one adc. A modular addition drops from about 120 to
// 45 instructions and a multiplication's final conditional subtraction from about 300 to 20.

extension PrimeField {
    /// t − p if t ≥ p, else t, for t < 2p. Branch-free.
    @inlinable @inline(__always)
    static func reducedOnce(_ t: Limbs4) -> Limbs4 {
        let p = P.modulus
        let (d0, k0) = addCarry(t.0, ~p.0, 1)
        let (d1, k1) = addCarry(t.1, ~p.1, k0)
        let (d2, k2) = addCarry(t.2, ~p.2, k1)
        let (d3, k3) = addCarry(t.3, ~p.3, k2)
        // A carry out means t ≥ p. The choice is a mask blend, not a select: where an operand is spilled, LLVM's
        // cmov conversion turns selects into data-dependent branches. An earlier measurement favoured selects
        // (674 against 755 µs for a pairing), but on one pairing repeated, whose branches the predictor learns;
        // with the tower's Fq2 kernels out of line, the blend costs nothing on that benchmark and is 2–5% faster
        // on the product of 4 pairings (4 different inputs), and it leaves the tower free of data-dependent
        // branches.
        let m = 0 &- k3
        return (t.0 ^ ((t.0 ^ d0) & m), t.1 ^ ((t.1 ^ d1) & m), t.2 ^ ((t.2 ^ d2) & m), t.3 ^ ((t.3 ^ d3) & m))
    }

    /// a + b.
    @inlinable @inline(__always)
    static func sum(_ a: Self, _ b: Self) -> Self {
        // p < 2^254, so a + b < 2^255 never overflows.
        Self(montgomeryLimbs: reducedOnce(add4(a.limbs, b.limbs).0))
    }

    /// a − b.
    @inlinable @inline(__always)
    static func difference(_ a: Self, _ b: Self) -> Self {
        let x = a.limbs
        let y = b.limbs
        let (d0, k0) = addCarry(x.0, ~y.0, 1)
        let (d1, k1) = addCarry(x.1, ~y.1, k0)
        let (d2, k2) = addCarry(x.2, ~y.2, k1)
        let (d3, k3) = addCarry(x.3, ~y.3, k2)
        let mask = k3 &- 1 // all ones when a < b: add p back
        let p = P.modulus
        return Self(montgomeryLimbs: add4((d0, d1, d2, d3), (p.0 & mask, p.1 & mask, p.2 & mask, p.3 & mask)).0)
    }

    /// −a.
    @inlinable @inline(__always)
    static func negation(_ a: Self) -> Self {
        let x = a.limbs
        let p = P.modulus
        let (d0, k0) = addCarry(p.0, ~x.0, 1)
        let (d1, k1) = addCarry(p.1, ~x.1, k0)
        let (d2, k2) = addCarry(p.2, ~x.2, k1)
        let (d3, _) = addCarry(p.3, ~x.3, k2)
        // p − 0 = p is not reduced: zero stays zero.
        let isZero = (x.0 | x.1 | x.2 | x.3) == 0
        return Self(montgomeryLimbs: (isZero ? 0 : d0, isZero ? 0 : d1, isZero ? 0 : d2, isZero ? 0 : d3))
    }

    /// a / 2: (a + p·(a odd)) / 2, without the branch of `halved()` (which mispredicts half the time).
    @inlinable @inline(__always)
    static func half(_ a: Self) -> Self {
        let x = a.limbs
        let p = P.modulus
        let mask = 0 &- (x.0 & 1)
        // a + p < 2^255: no carry out of the top limb.
        let v = add4(x, (p.0 & mask, p.1 & mask, p.2 & mask, p.3 & mask)).0
        return Self(
            montgomeryLimbs: (
                (v.0 >> 1) | (v.1 << 63), (v.1 >> 1) | (v.2 << 63), (v.2 >> 1) | (v.3 << 63), v.3 >> 1
            ))
    }

    /// a·b, the same CIOS rows as `*`, with the carry-chain final subtraction.
    @inlinable @inline(__always)
    static func product(_ a: Self, _ b: Self) -> Self {
        var t: Limbs4 = (0, 0, 0, 0)
        let x = a.limbs
        let y = b.limbs
        montgomeryRow(x, y.0, &t)
        montgomeryRow(x, y.1, &t)
        montgomeryRow(x, y.2, &t)
        montgomeryRow(x, y.3, &t)
        return Self(montgomeryLimbs: reducedOnce(t))
    }
}
