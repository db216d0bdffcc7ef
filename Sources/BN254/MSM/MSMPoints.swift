/// Where an MSM reads its points from: decoded `AffinePoint`s, or points still in the iden3 encoding of a
/// .zkey section (see `Iden3Points`), so that a prover can run the MSM on the pages of a mapped file without
/// a decoded copy of the section.
@usableFromInline
protocol MSMPoints<C> {
    associatedtype C: CurveParameters
    /// The coordinates of point `i`, or nil for the point at infinity.
    func coordinates(_ i: Int) -> (x: C.Field, y: C.Field)?
}

/// Decoded points in memory.
@usableFromInline
struct AffinePoints<C: CurveParameters>: MSMPoints {
    @usableFromInline let base: UnsafePointer<AffinePoint<C>>

    @inlinable init(_ base: UnsafePointer<AffinePoint<C>>) { self.base = base }

    @inlinable @inline(__always)
    func coordinates(_ i: Int) -> (x: C.Field, y: C.Field)? {
        let p = base + i
        return p.pointee.isInfinity ? nil : (p.pointee.x, p.pointee.y)
    }
}

/// A curve whose affine points have an iden3 encoding: each coordinate's Montgomery representative as
/// 32-byte little-endian words (Fq2 as c0‖c1), x‖y, the point at infinity as all zeros.
public protocol Iden3EncodedCurve: CurveParameters {
    /// The size of one encoded point: 64 bytes in G1, 128 in G2.
    static var iden3PointSize: Int { get }
    /// The coordinate at `offset`, taken as it is (a loader has checked it is below q).
    static func iden3Coordinate(_ base: UnsafeRawPointer, _ offset: Int) -> Field
}

extension G1Parameters: Iden3EncodedCurve {
    public static var iden3PointSize: Int { 64 }

    @inlinable @inline(__always)
    public static func iden3Coordinate(_ base: UnsafeRawPointer, _ offset: Int) -> Fq {
        Fq(montgomeryLimbs: Iden3Words.limbs(base, offset))
    }
}

extension G2Parameters: Iden3EncodedCurve {
    public static var iden3PointSize: Int { 128 }

    @inlinable @inline(__always)
    public static func iden3Coordinate(_ base: UnsafeRawPointer, _ offset: Int) -> Fq2 {
        Fq2(
            Fq(montgomeryLimbs: Iden3Words.limbs(base, offset)),
            Fq(montgomeryLimbs: Iden3Words.limbs(base, offset + 32)))
    }
}

@usableFromInline
enum Iden3Words {
    /// Four little-endian 64-bit words at `offset` (any alignment).
    @inlinable @inline(__always)
    static func limbs(_ base: UnsafeRawPointer, _ offset: Int) -> Limbs4 {
        (
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
        )
    }
}

/// Points in their iden3 encoding (a .zkey's sections 5 to 9), read in place. The MSM does not check them: the
/// loader that handed the bytes over has checked every coordinate's range and every point's curve equation.
@usableFromInline
struct Iden3Points<C: Iden3EncodedCurve>: MSMPoints {
    @usableFromInline let base: UnsafeRawPointer

    @inlinable init(_ base: UnsafeRawPointer) { self.base = base }

    @inlinable @inline(__always)
    func coordinates(_ i: Int) -> (x: C.Field, y: C.Field)? {
        let size = C.iden3PointSize
        let offset = i * size
        // All zeros is infinity; a point on either curve never has y = 0 (both groups have odd order), so y
        // alone decides.
        let y = C.iden3Coordinate(base, offset + size / 2)
        if y.isZero { return nil }
        return (C.iden3Coordinate(base, offset), y)
    }
}

/// The GLV images φ(P) = (β·x, y) of the points from `offset` on: only the β·x are stored (half an affine
/// point, no flag), y and infinity are read from the points themselves.
@usableFromInline
struct EndomorphismImages<Points: MSMPoints>: MSMPoints {
    @usableFromInline typealias C = Points.C
    @usableFromInline let points: Points
    @usableFromInline let offset: Int
    @usableFromInline let x: UnsafePointer<Points.C.Field>

    @inlinable init(_ points: Points, offset: Int, x: UnsafePointer<Points.C.Field>) {
        self.points = points
        self.offset = offset
        self.x = x
    }

    @inlinable @inline(__always)
    func coordinates(_ i: Int) -> (x: C.Field, y: C.Field)? {
        guard let p = points.coordinates(offset + i) else { return nil }
        return (x[i], p.y)
    }
}
