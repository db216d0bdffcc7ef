/// A point in Jacobian coordinates (X, Y, Z) ↦ (X/Z², Y/Z³); Z = 0 is the point at infinity.
///
/// Formulas for a = 0 from the Explicit-Formulas Database (hyperelliptic.org/EFD, "g1p/auto-shortw-jacobian-0"):
/// dbl-2009-l, madd-2007-bl and add-2007-bl.
@frozen
public struct JacobianPoint<C: CurveParameters>: Sendable {
    public var x: C.Field
    public var y: C.Field
    public var z: C.Field

    @inlinable @inline(__always)
    public init(x: C.Field, y: C.Field, z: C.Field) {
        self.x = x
        self.y = y
        self.z = z
    }

    @inlinable
    public init(_ p: AffinePoint<C>) {
        if p.isInfinity {
            self = .infinity
        } else {
            self.init(x: p.x, y: p.y, z: .one)
        }
    }

    @inlinable public static var infinity: Self { Self(x: .one, y: .one, z: .zero) }
    public static var generator: Self { Self(AffinePoint<C>.generator) }

    @inlinable public var isInfinity: Bool { z.isZero }

    /// Whether Y² = X³ + b·Z⁶.
    public var isOnCurve: Bool {
        if isInfinity { return true }
        let z2 = z.squared()
        let z6 = z2.squared() * z2
        return y.squared() == x.squared() * x + C.b * z6
    }

    @inlinable
    public static prefix func - (p: Self) -> Self { Self(x: p.x, y: -p.y, z: p.z) }

    /// 2P: dbl-2009-l, 2M + 5S.
    @inlinable
    public func doubled() -> Self {
        if isInfinity { return self }
        let a = x.squared()
        let b = y.squared()
        let c = b.squared()
        let d = ((x + b).squared() - a - c).doubled()
        let e = a.doubled() + a
        let f = e.squared()
        let x3 = f - d.doubled()
        let y3 = e * (d - x3) - c.doubled().doubled().doubled()
        let z3 = (y * z).doubled()
        return Self(x: x3, y: y3, z: z3)
    }

    /// P + Q for an affine Q: madd-2007-bl, 7M + 4S.
    @inlinable
    public func adding(_ q: AffinePoint<C>) -> Self {
        if q.isInfinity { return self }
        if isInfinity { return Self(q) }
        let z1z1 = z.squared()
        let u2 = q.x * z1z1
        let s2 = q.y * z * z1z1
        let h = u2 - x
        let r = (s2 - y).doubled()
        if h.isZero {
            return r.isZero ? Self(q).doubled() : .infinity
        }
        let hh = h.squared()
        let i = hh.doubled().doubled()
        let j = h * i
        let v = x * i
        let x3 = r.squared() - j - v.doubled()
        let y3 = r * (v - x3) - (y * j).doubled()
        let z3 = (z + h).squared() - z1z1 - hh
        return Self(x: x3, y: y3, z: z3)
    }

    /// P + Q: add-2007-bl, 11M + 5S.
    @inlinable
    public static func + (p: Self, q: Self) -> Self {
        if p.isInfinity { return q }
        if q.isInfinity { return p }
        let z1z1 = p.z.squared()
        let z2z2 = q.z.squared()
        let u1 = p.x * z2z2
        let u2 = q.x * z1z1
        let s1 = p.y * q.z * z2z2
        let s2 = q.y * p.z * z1z1
        let h = u2 - u1
        let r = (s2 - s1).doubled()
        if h.isZero {
            return r.isZero ? p.doubled() : .infinity
        }
        let i = h.doubled().squared()
        let j = h * i
        let v = u1 * i
        let x3 = r.squared() - j - v.doubled()
        let y3 = r * (v - x3) - (s1 * j).doubled()
        let z3 = ((p.z + q.z).squared() - z1z1 - z2z2) * h
        return Self(x: x3, y: y3, z: z3)
    }

    @inlinable
    public static func - (p: Self, q: Self) -> Self { p + (-q) }

    @inlinable
    public static func += (p: inout Self, q: Self) { p = p + q }

    /// The affine form (one field inversion).
    public func toAffine() -> AffinePoint<C> {
        if isInfinity { return .infinity }
        let zInv = z.inverse()
        let zInv2 = zInv.squared()
        return AffinePoint(unchecked: x * zInv2, y * zInv2 * zInv)
    }

    /// Converts many points to affine form with one shared inversion.
    public static func batchToAffine(_ points: [Self]) -> [AffinePoint<C>] {
        var zs = points.map { $0.z }
        zs.withUnsafeMutableBufferPointer { C.Field.batchInverse($0) }
        return points.indices.map { i in
            if points[i].isInfinity { return .infinity }
            let zInv2 = zs[i].squared()
            return AffinePoint(unchecked: points[i].x * zInv2, points[i].y * zInv2 * zs[i])
        }
    }

    /// k·P for a scalar given as little-endian limbs (any 256-bit value, not reduced), with a width-5
    /// signed sliding window (wNAF). Not constant-time: the provers' and verifiers' scalars are not secret
    /// to the party that computes them here except r and s, which are blinded by the proof itself.
    public func multiplied(by scalar: Limbs4) -> Self {
        if isInfinity { return self }
        let digits = wNAF(scalar, width: 5)
        if digits.isEmpty { return .infinity }
        // Odd multiples P, 3P, …, 15P.
        var table = [Self](repeating: self, count: 8)
        let twice = doubled()
        for i in 1..<8 { table[i] = table[i - 1] + twice }
        var acc = Self.infinity
        for d in digits.reversed() {
            acc = acc.doubled()
            if d > 0 {
                acc = acc + table[Int(d) >> 1]
            } else if d < 0 {
                acc = acc - table[Int(-d) >> 1]
            }
        }
        return acc
    }

    /// k·P for a scalar-field element.
    public func multiplied(by scalar: Fr) -> Self { multiplied(by: scalar.canonical) }

    public static func * (scalar: Fr, p: Self) -> Self { p.multiplied(by: scalar) }
}

extension JacobianPoint: Equatable {
    /// Projective equality: X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³.
    public static func == (p: Self, q: Self) -> Bool {
        if p.isInfinity || q.isInfinity { return p.isInfinity == q.isInfinity }
        let z1z1 = p.z.squared()
        let z2z2 = q.z.squared()
        return p.x * z2z2 == q.x * z1z1 && p.y * z2z2 * q.z == q.y * z1z1 * p.z
    }
}

extension JacobianPoint: CustomStringConvertible {
    public var description: String { toAffine().description }
}

extension AffinePoint {
    /// k·P for a scalar-field element.
    public func multiplied(by scalar: Fr) -> JacobianPoint<C> { JacobianPoint(self).multiplied(by: scalar) }
}

/// The width-w non-adjacent form of a 256-bit integer, least significant digit first; digits are odd and
/// in (−2^(w−1), 2^(w−1)) or zero.
func wNAF(_ scalar: Limbs4, width: Int) -> [Int8] {
    // Work on 5 limbs so that adding back a negative digit cannot overflow.
    var k: [UInt64] = [scalar.0, scalar.1, scalar.2, scalar.3, 0]
    var digits: [Int8] = []
    digits.reserveCapacity(260)
    let window = UInt64(1) << UInt64(width)
    let mask = window - 1
    func isZero() -> Bool { k.allSatisfy { $0 == 0 } }
    while !isZero() {
        var digit: Int64 = 0
        if k[0] & 1 == 1 {
            let mod = k[0] & mask
            digit = mod >= window / 2 ? Int64(mod) - Int64(window) : Int64(mod)
            // k -= digit
            if digit > 0 {
                var borrow = UInt64(digit)
                for i in 0..<5 where borrow != 0 {
                    let (d, o) = k[i].subtractingReportingOverflow(borrow)
                    k[i] = d
                    borrow = o ? 1 : 0
                }
            } else {
                var carry = UInt64(-digit)
                for i in 0..<5 where carry != 0 {
                    let (s, o) = k[i].addingReportingOverflow(carry)
                    k[i] = s
                    carry = o ? 1 : 0
                }
            }
        }
        digits.append(Int8(digit))
        // k >>= 1
        for i in 0..<4 { k[i] = (k[i] >> 1) | (k[i + 1] << 63) }
        k[4] >>= 1
    }
    return digits
}

public typealias G1Jacobian = JacobianPoint<G1Parameters>
public typealias G2Jacobian = JacobianPoint<G2Parameters>
