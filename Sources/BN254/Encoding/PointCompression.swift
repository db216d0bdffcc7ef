/// Compressed points in gnark-crypto's layout: G1 is x (32 bytes big-endian), G2 is x.c1‖x.c0 (64 bytes);
/// the two top bits of the first byte say which root y is: 0b10 the smaller, 0b11 the larger (as an
/// integer, compared on c1 then c0 for Fq2), 0b01 the point at infinity.
private let flagMask: UInt8 = 0b1100_0000
private let flagSmallest: UInt8 = 0b1000_0000
private let flagLargest: UInt8 = 0b1100_0000
private let flagInfinity: UInt8 = 0b0100_0000

extension PrimeField {
    /// Whether the canonical value is greater than (p − 1)/2, i.e. the element is the "larger" of ±self.
    var isLexicographicallyLargest: Bool {
        let m = P.modulus
        let half: Limbs4 = ((m.0 >> 1) | (m.1 << 63), (m.1 >> 1) | (m.2 << 63), (m.2 >> 1) | (m.3 << 63), m.3 >> 1)
        return less4(half, canonical)
    }
}

extension Fq2 {
    var isLexicographicallyLargest: Bool {
        c1.isZero ? c0.isLexicographicallyLargest : c1.isLexicographicallyLargest
    }
}

extension AffinePoint where C == G1Parameters {
    /// The 32-byte compressed form.
    public var compressed: [UInt8] {
        if isInfinity { return [flagInfinity] + [UInt8](repeating: 0, count: 31) }
        var out = x.bigEndianBytes
        out[0] |= y.isLexicographicallyLargest ? flagLargest : flagSmallest
        return out
    }

    /// Decompresses 32 bytes; fails on a bad flag, a coordinate ≥ q or an x with no point.
    public init(compressed bytes: [UInt8]) throws(BN254Error) {
        guard bytes.count == 32 else {
            throw .invalidLength(what: "compressed G1 point", expected: 32, actual: bytes.count)
        }
        let flag = bytes[0] & flagMask
        var body = bytes
        body[0] &= ~flagMask
        if flag == flagInfinity {
            guard body.allSatisfy({ $0 == 0 }) else { throw .malformed("compressed G1 infinity with non-zero x") }
            self = .infinity
            return
        }
        guard flag == flagSmallest || flag == flagLargest else {
            throw .malformed("compressed G1 point has no compression flag")
        }
        let x = try Fq(bigEndian: body)
        guard var y = (x.squared() * x + G1Parameters.b).squareRoot() else {
            throw .notOnCurve(group: "G1", x: "\(x)", y: "(none)")
        }
        if y.isLexicographicallyLargest != (flag == flagLargest) { y = -y }
        self.init(unchecked: x, y)
    }
}

extension AffinePoint where C == G2Parameters {
    /// The 64-byte compressed form.
    public var compressed: [UInt8] {
        if isInfinity { return [flagInfinity] + [UInt8](repeating: 0, count: 63) }
        var out = x.c1.bigEndianBytes + x.c0.bigEndianBytes
        out[0] |= y.isLexicographicallyLargest ? flagLargest : flagSmallest
        return out
    }

    /// Decompresses 64 bytes; fails on a bad flag, a coordinate ≥ q, an x with no point, or a point outside G2.
    public init(compressed bytes: [UInt8]) throws(BN254Error) {
        guard bytes.count == 64 else {
            throw .invalidLength(what: "compressed G2 point", expected: 64, actual: bytes.count)
        }
        let flag = bytes[0] & flagMask
        var body = bytes
        body[0] &= ~flagMask
        if flag == flagInfinity {
            guard body.allSatisfy({ $0 == 0 }) else { throw .malformed("compressed G2 infinity with non-zero x") }
            self = .infinity
            return
        }
        guard flag == flagSmallest || flag == flagLargest else {
            throw .malformed("compressed G2 point has no compression flag")
        }
        let x = Fq2(try Fq(bigEndian: body[32..<64]), try Fq(bigEndian: body[0..<32]))
        guard var y = (x.squared() * x + G2Parameters.b).squareRoot() else {
            throw .notOnCurve(group: "G2", x: "\(x)", y: "(none)")
        }
        if y.isLexicographicallyLargest != (flag == flagLargest) { y = -y }
        try self.init(validatingSubgroup: x, y)
    }
}
