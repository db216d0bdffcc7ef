/// The iden3 binary encodings used by .zkey and .ptau files: coordinates in Montgomery form, 32 bytes
/// little-endian each; G1 = x‖y, G2 = x.c0‖x.c1‖y.c0‖y.c1; the point at infinity is all zeros.
extension AffinePoint where C == G1Parameters {
    /// Reads 64 bytes in iden3's Montgomery little-endian layout; checks range and curve.
    public init<B: Collection<UInt8>>(iden3Bytes bytes: B) throws(BN254Error) where B.Index == Int {
        guard bytes.count == 64 else {
            throw .invalidLength(what: "G1 point (iden3)", expected: 64, actual: bytes.count)
        }
        let s = bytes.startIndex
        let x = try Fq(montgomeryLittleEndian: bytes[s..<s + 32])
        let y = try Fq(montgomeryLittleEndian: bytes[s + 32..<s + 64])
        if x.isZero && y.isZero {
            self = .infinity
        } else {
            try self.init(x: x, y: y)
        }
    }

    /// The 64-byte iden3 encoding.
    public var iden3Bytes: [UInt8] {
        isInfinity ? [UInt8](repeating: 0, count: 64) : x.montgomeryLittleEndianBytes + y.montgomeryLittleEndianBytes
    }
}

extension AffinePoint where C == G2Parameters {
    /// Reads 128 bytes in iden3's Montgomery little-endian layout; checks range and curve, and the subgroup
    /// unless `checkSubgroup` is false (a caller that batch-checks many points of a trusted file may skip it).
    public init<B: Collection<UInt8>>(iden3Bytes bytes: B, checkSubgroup: Bool = true) throws(BN254Error)
    where B.Index == Int {
        guard bytes.count == 128 else {
            throw .invalidLength(what: "G2 point (iden3)", expected: 128, actual: bytes.count)
        }
        let s = bytes.startIndex
        let x0 = try Fq(montgomeryLittleEndian: bytes[s..<s + 32])
        let x1 = try Fq(montgomeryLittleEndian: bytes[s + 32..<s + 64])
        let y0 = try Fq(montgomeryLittleEndian: bytes[s + 64..<s + 96])
        let y1 = try Fq(montgomeryLittleEndian: bytes[s + 96..<s + 128])
        let x = Fq2(x0, x1)
        let y = Fq2(y0, y1)
        if x.isZero && y.isZero {
            self = .infinity
        } else if checkSubgroup {
            try self.init(validatingSubgroup: x, y)
        } else {
            try self.init(x: x, y: y)
        }
    }

    /// The 128-byte iden3 encoding.
    public var iden3Bytes: [UInt8] {
        if isInfinity { return [UInt8](repeating: 0, count: 128) }
        return x.c0.montgomeryLittleEndianBytes + x.c1.montgomeryLittleEndianBytes
            + y.c0.montgomeryLittleEndianBytes + y.c1.montgomeryLittleEndianBytes
    }
}
