import BN254

/// The large sections of a proving key in their .zkey encoding (FORMATS.md), in memory that `owner` keeps
/// alive, such as the pages of a mapped .zkey: section 4's coefficient entries and the A, B1, B2, C, H points.
///
/// The prover reads them in place (the MSMs take iden3-encoded points, the H evaluation takes the entries as
/// they are) and calls `release` on each section when a proof is done with it, so that a mapped file's pages
/// leave the process between phases instead of staying resident: a proof holds one section at a time, not the
/// whole key.
///
/// Whoever makes one vouches for the bytes: every coordinate below q, every point on its curve (and in G1 for
/// the G1 sections), every coefficient below r with its matrix 0 or 1, its row below the domain size and its
/// wire below the wire count. `ZKeyFile`'s loader checks all of it before it hands the sections over.
public struct EncodedProvingKeySections: @unchecked Sendable {
    /// The size of one coefficient entry: u32 matrix, u32 row, u32 wire, 32-byte coef·R² mod r (little-endian).
    public static let coefficientSize = 44

    /// `coefficientCount` entries of `coefficientSize` bytes.
    public let coefficients: UnsafeRawBufferPointer
    public let coefficientCount: Int
    /// 64-byte G1 points, one per wire.
    public let a: UnsafeRawBufferPointer
    public let b1: UnsafeRawBufferPointer
    /// 128-byte G2 points, one per wire.
    public let b2: UnsafeRawBufferPointer
    /// 64-byte G1 points, one per private wire.
    public let c: UnsafeRawBufferPointer
    /// 64-byte G1 points, one per row of the domain.
    public let h: UnsafeRawBufferPointer
    /// What keeps the bytes valid (the mapping); held only for its lifetime.
    let owner: any AnyObject & Sendable
    /// Lets the pages of one of the sections above go; reading them later must still work.
    let release: @Sendable (UnsafeRawBufferPointer) -> Void

    public init(
        coefficients: UnsafeRawBufferPointer, coefficientCount: Int, a: UnsafeRawBufferPointer,
        b1: UnsafeRawBufferPointer, b2: UnsafeRawBufferPointer, c: UnsafeRawBufferPointer, h: UnsafeRawBufferPointer,
        owner: any AnyObject & Sendable, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        self.coefficients = coefficients
        self.coefficientCount = coefficientCount
        self.a = a
        self.b1 = b1
        self.b2 = b2
        self.c = c
        self.h = h
        self.owner = owner
        self.release = release
    }

    /// The element whose Montgomery representative is 1: R⁻¹ (R = 2^256). A stored coefficient read as a
    /// Montgomery representative is the element coef·R; times R⁻¹ it is coef.
    static let inverseRadix = Fr(montgomeryLimbs: (1, 0, 0, 0))

    /// Entry `i`'s matrix (0 = A, 1 = B), row and wire, and its value times R (see `inverseRadix`).
    @inline(__always)
    static func entry(_ base: UnsafeRawPointer, _ i: Int) -> (matrix: UInt32, row: Int, wire: Int, valueTimesR: Fr) {
        let at = i * coefficientSize
        let matrix = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        let row = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
        let wire = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self))
        let limbs = (
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 12, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 20, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 28, as: UInt64.self)),
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 36, as: UInt64.self))
        )
        return (matrix, Int(row), Int(wire), Fr(montgomeryLimbs: limbs))
    }

    func decodedCoefficients() -> [MatrixCoefficient] {
        guard let base = coefficients.baseAddress else { return [] }
        return (0..<coefficientCount).map { i in
            let e = Self.entry(base, i)
            return MatrixCoefficient(
                matrix: e.matrix == 0 ? .a : .b, constraint: UInt32(e.row), signal: UInt32(e.wire),
                value: e.valueTimesR * Self.inverseRadix)
        }
    }

    static func decodedG1(_ bytes: UnsafeRawBufferPointer) -> [G1Affine] { decoded(bytes) }

    static func decodedG2(_ bytes: UnsafeRawBufferPointer) -> [G2Affine] { decoded(bytes) }

    /// A section's points in their iden3 encoding, decoded (all zeros is infinity: y alone decides, as in the MSM).
    static func decoded<C: Iden3EncodedCurve>(_ bytes: UnsafeRawBufferPointer) -> [AffinePoint<C>] {
        guard let base = bytes.baseAddress else { return [] }
        let size = C.iden3PointSize
        return (0..<bytes.count / size).map { i in
            let x = C.iden3Coordinate(base, size * i)
            let y = C.iden3Coordinate(base, size * i + size / 2)
            return y.isZero ? .infinity : AffinePoint<C>(unchecked: x, y)
        }
    }
}
