/// An element of a 254-bit prime field, kept in Montgomery form (a·2^256 mod p) on four 64-bit limbs.
///
/// The stored limbs are always fully reduced (below p), so equality is limb equality. `Fq` and `Fr` are the
/// two instances that BN254 needs.
@frozen
public struct PrimeField<P: PrimeFieldParameters>: Sendable {
    /// The Montgomery representative, little-endian limbs, always < p.
    public var limbs: Limbs4

    /// Wraps limbs that already hold a reduced Montgomery representative.
    @inlinable @inline(__always)
    public init(montgomeryLimbs limbs: Limbs4) {
        self.limbs = limbs
    }

    public static var zero: Self { Self(montgomeryLimbs: (0, 0, 0, 0)) }
    @inlinable public static var one: Self { Self(montgomeryLimbs: P.r1) }

    /// The element equal to a small integer.
    @inlinable
    public init(_ value: UInt64) {
        self.init(montgomeryLimbs: Self.montgomeryMultiply((value, 0, 0, 0), P.r2))
    }

    /// The element whose canonical value is `limbs`; fails if it is not below p.
    @inlinable
    public init(canonical limbs: Limbs4) throws(BN254Error) {
        guard less4(limbs, P.modulus) else {
            throw .notInField(field: P.name, value: decimalString(limbs))
        }
        self.init(montgomeryLimbs: Self.montgomeryMultiply(limbs, P.r2))
    }

    /// Reduces any 256-bit integer mod p (used for hashing to the field and for unreduced scalars).
    @inlinable
    public init(reducing limbs: Limbs4) {
        // 2^256 > 4p for both BN254 fields' 254-bit moduli: subtract p at most a few times.
        var v = limbs
        while !less4(v, P.modulus) { v = sub4(v, P.modulus).0 }
        self.init(montgomeryLimbs: Self.montgomeryMultiply(v, P.r2))
    }

    /// The canonical (non-Montgomery) value as little-endian limbs.
    @inlinable
    public var canonical: Limbs4 {
        Self.montgomeryMultiply(limbs, (1, 0, 0, 0))
    }

    @inlinable public var isZero: Bool { (limbs.0 | limbs.1 | limbs.2 | limbs.3) == 0 }
    @inlinable public var isOne: Bool { equal4(limbs, P.r1) }

    // MARK: Montgomery multiplication

    /// One row of the "no-carry" CIOS Montgomery multiplication (gnark-crypto, "Faster Montgomery
    /// multiplication", valid when the top bit of p's top limb is free and the rest is not all ones).
    @inlinable @inline(__always)
    static func montgomeryRow(_ x: Limbs4, _ yi: UInt64, _ t: inout Limbs4) {
        let q = P.modulus
        var (a, u) = madd1(x.0, yi, t.0)
        let m = u &* P.inv
        var c = madd0(m, q.0, u)
        (a, u) = madd2(x.1, yi, t.1, a)
        (c, t.0) = madd2(m, q.1, u, c)
        (a, u) = madd2(x.2, yi, t.2, a)
        (c, t.1) = madd2(m, q.2, u, c)
        (a, u) = madd2(x.3, yi, t.3, a)
        (c, t.2) = madd2(m, q.3, u, c)
        t.3 = c &+ a
    }

    /// x·y·2^-256 mod p, for x, y < p.
    @inlinable @inline(__always)
    static func montgomeryMultiply(_ x: Limbs4, _ y: Limbs4) -> Limbs4 {
        var t: Limbs4 = (0, 0, 0, 0)
        montgomeryRow(x, y.0, &t)
        montgomeryRow(x, y.1, &t)
        montgomeryRow(x, y.2, &t)
        montgomeryRow(x, y.3, &t)
        return reduceOnce(t)
    }

    /// Subtracts p once if t ≥ p (t < 2p). Branch-free: on random data the branch would be mispredicted
    /// half the time, which cost about 10% of an NTT butterfly.
    @inlinable @inline(__always)
    static func reduceOnce(_ t: Limbs4) -> Limbs4 {
        let (d, borrow) = sub4(t, P.modulus)
        let keep = 0 &- borrow // all ones when t < p
        return (
            (d.0 & ~keep) | (t.0 & keep), (d.1 & ~keep) | (t.1 & keep),
            (d.2 & ~keep) | (t.2 & keep), (d.3 & ~keep) | (t.3 & keep)
        )
    }

    // MARK: Ring operations

    @inlinable @inline(__always)
    public static func + (a: Self, b: Self) -> Self {
        // p < 2^254, so a + b < 2^255 never overflows.
        Self(montgomeryLimbs: reduceOnce(add4(a.limbs, b.limbs).0))
    }

    @inlinable @inline(__always)
    public static func - (a: Self, b: Self) -> Self {
        let (d, borrow) = sub4(a.limbs, b.limbs)
        let mask = 0 &- borrow // all ones when a < b: add p back
        let m = P.modulus
        return Self(montgomeryLimbs: add4(d, (m.0 & mask, m.1 & mask, m.2 & mask, m.3 & mask)).0)
    }

    @inlinable @inline(__always)
    public static prefix func - (a: Self) -> Self {
        a.isZero ? a : Self(montgomeryLimbs: sub4(P.modulus, a.limbs).0)
    }

    @inlinable @inline(__always)
    public static func * (a: Self, b: Self) -> Self {
        Self(montgomeryLimbs: montgomeryMultiply(a.limbs, b.limbs))
    }

    @inlinable @inline(__always)
    public static func += (a: inout Self, b: Self) { a = a + b }
    @inlinable @inline(__always)
    public static func -= (a: inout Self, b: Self) { a = a - b }
    @inlinable @inline(__always)
    public static func *= (a: inout Self, b: Self) { a = a * b }

    @inlinable @inline(__always)
    public func squared() -> Self { self * self }

    @inlinable @inline(__always)
    public func doubled() -> Self { self + self }

    /// Halves the element: (a + p·(a odd)) / 2.
    @inlinable
    public func halved() -> Self {
        var v = limbs
        if v.0 & 1 == 1 { v = add4(v, P.modulus).0 }
        v.0 = (v.0 >> 1) | (v.1 << 63)
        v.1 = (v.1 >> 1) | (v.2 << 63)
        v.2 = (v.2 >> 1) | (v.3 << 63)
        v.3 = v.3 >> 1
        return Self(montgomeryLimbs: v)
    }

    /// self^e for an exponent given as little-endian limbs (not reduced, any 256-bit value).
    @inlinable
    public func power(_ e: Limbs4) -> Self {
        var result = Self.one
        let n = bitLength4(e)
        var i = n - 1
        while i >= 0 {
            result = result.squared()
            if bit4(e, i) { result = result * self }
            i -= 1
        }
        return result
    }

    /// self^e for a 64-bit exponent.
    @inlinable
    public func power(_ e: UInt64) -> Self { power((e, 0, 0, 0)) }

    /// The multiplicative inverse; the inverse of zero is zero.
    @inlinable
    public func inverse() -> Self {
        // Fermat: a^(p-2). A binary extended GCD would be faster, but inversions are rare on hot paths
        // (batch inversion and projective coordinates keep them out).
        power(sub4(P.modulus, (2, 0, 0, 0)).0)
    }

    /// The multiplicative inverse by the binary extended Euclidean algorithm (Hankerson, Menezes and
    /// Vanstone, "Guide to Elliptic Curve Cryptography", Algorithm 2.22); the inverse of zero is zero.
    ///
    /// Variable time: its branches and running time depend on the value. Only for public values, such as
    /// the Miller loop's output in the final exponentiation (pairing inputs are public in verification);
    /// `inverse()` is the one for secrets.
    @inlinable
    public func inverseVariableTime() -> Self {
        if isZero { return .zero }
        let p = P.modulus
        // Invariants: x1·a ≡ u and x2·a ≡ v (mod p) for a = the Montgomery limbs, and gcd(u, v) = 1.
        var u = limbs
        var v = p
        var x1: Limbs4 = (1, 0, 0, 0)
        var x2: Limbs4 = (0, 0, 0, 0)
        @inline(__always)
        func halved(_ a: Limbs4) -> Limbs4 {
            ((a.0 >> 1) | (a.1 << 63), (a.1 >> 1) | (a.2 << 63), (a.2 >> 1) | (a.3 << 63), a.3 >> 1)
        }
        @inline(__always)
        func halvedModP(_ x: Limbs4) -> Limbs4 {
            // x + p < 2p < 2^255: no carry out.
            x.0 & 1 == 0 ? halved(x) : halved(add4(x, p).0)
        }
        @inline(__always)
        func subtractedModP(_ a: Limbs4, _ b: Limbs4) -> Limbs4 {
            let (d, borrow) = sub4(a, b)
            return borrow == 0 ? d : add4(d, p).0
        }
        @inline(__always)
        func isOne(_ a: Limbs4) -> Bool { a.0 == 1 && (a.1 | a.2 | a.3) == 0 }
        while !isOne(u) && !isOne(v) {
            while u.0 & 1 == 0 {
                u = halved(u)
                x1 = halvedModP(x1)
            }
            while v.0 & 1 == 0 {
                v = halved(v)
                x2 = halvedModP(x2)
            }
            let (d, borrow) = sub4(u, v)
            if borrow == 0 {
                u = d
                x1 = subtractedModP(x1, x2)
            } else {
                v = sub4(v, u).0
                x2 = subtractedModP(x2, x1)
            }
        }
        // (aR)⁻¹ for the stored aR; two Montgomery multiplications by R² make it R/a, the Montgomery form
        // of a⁻¹.
        let inverse = isOne(u) ? x1 : x2
        return Self(montgomeryLimbs: Self.montgomeryMultiply(Self.montgomeryMultiply(inverse, P.r2), P.r2))
    }

    /// Inverts every element in place with one inversion (Montgomery's trick); zeros stay zero.
    public static func batchInverse(_ values: inout [Self]) {
        values.withUnsafeMutableBufferPointer { batchInverse($0) }
    }

    /// Inverts every element of the buffer in place with one inversion; zeros stay zero.
    public static func batchInverse(_ values: UnsafeMutableBufferPointer<Self>) {
        let n = values.count
        guard n > 0 else { return }
        var prefix = [Self](repeating: .one, count: n)
        var acc = Self.one
        for i in 0..<n {
            prefix[i] = acc
            if !values[i].isZero { acc = acc * values[i] }
        }
        var inv = acc.inverse()
        for i in stride(from: n - 1, through: 0, by: -1) where !values[i].isZero {
            let v = values[i]
            values[i] = inv * prefix[i]
            inv = inv * v
        }
    }

    /// The Legendre symbol: 0 for zero, 1 for a non-zero square, -1 otherwise.
    public var legendre: Int {
        if isZero { return 0 }
        let m = P.modulus
        let halfOrder: Limbs4 = ((m.0 >> 1) | (m.1 << 63), (m.1 >> 1) | (m.2 << 63), (m.2 >> 1) | (m.3 << 63), m.3 >> 1)
        return power(halfOrder).isOne ? 1 : -1
    }

    /// A square root (Tonelli–Shanks), or nil if the element is not a square.
    public func squareRoot() -> Self? {
        if isZero { return self }
        let w = power(P.tMinusOneOverTwo)
        var x = self * w // self^((t+1)/2)
        var b = x * w // self^t
        var z = Self(montgomeryLimbs: P.rootOfUnity)
        var v = P.twoAdicity
        while !b.isOne {
            var k = 0
            var b2k = b
            while !b2k.isOne {
                b2k = b2k.squared()
                k += 1
                if k == v { return nil }
            }
            var w2 = z
            for _ in 0..<(v - k - 1) { w2 = w2.squared() }
            z = w2.squared()
            b = b * z
            x = x * w2
            v = k
        }
        return x
    }

    /// A uniformly random element.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Self {
        let m = P.modulus
        let topMask = UInt64.max >> UInt64(m.3.leadingZeroBitCount)
        while true {
            let v: Limbs4 = (generator.next(), generator.next(), generator.next(), generator.next() & topMask)
            if less4(v, m) { return Self(montgomeryLimbs: v) }
        }
    }

    /// A uniformly random element from the system's secure generator.
    public static func random() -> Self {
        var g = SystemRandomNumberGenerator()
        return random(using: &g)
    }
}

extension PrimeField: Equatable {
    @inlinable @inline(__always)
    public static func == (a: Self, b: Self) -> Bool { equal4(a.limbs, b.limbs) }
}

extension PrimeField: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0)
        hasher.combine(limbs.1)
        hasher.combine(limbs.2)
        hasher.combine(limbs.3)
    }
}

extension PrimeField: CustomStringConvertible {
    /// The canonical value in decimal.
    public var description: String { decimalString(canonical) }
}

/// The base field of BN254.
public typealias Fq = PrimeField<FqParameters>
/// The scalar field of BN254.
public typealias Fr = PrimeField<FrParameters>
