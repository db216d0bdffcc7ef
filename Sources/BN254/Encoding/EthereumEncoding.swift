/// The Ethereum (EIP-196/197) encodings: big-endian 32-byte words, uncompressed, (0, 0) = infinity, and G2
/// written imaginary part first: (x_imag, x_real, y_imag, y_real).
extension AffinePoint where C == G1Parameters {
    /// Reads 64 bytes x‖y; checks the range of each coordinate and that the point is on the curve.
    public init<B: Collection<UInt8>>(ethereumBytes bytes: B) throws(BN254Error) where B.Index == Int {
        guard bytes.count == 64 else {
            throw .invalidLength(what: "G1 point (EIP-196)", expected: 64, actual: bytes.count)
        }
        let s = bytes.startIndex
        let x = try Fq(bigEndian: bytes[s..<s + 32])
        let y = try Fq(bigEndian: bytes[s + 32..<s + 64])
        if x.isZero && y.isZero {
            self = .infinity
        } else {
            try self.init(x: x, y: y)
        }
    }

    /// The 64-byte EIP-196 encoding.
    public var ethereumBytes: [UInt8] {
        isInfinity ? [UInt8](repeating: 0, count: 64) : x.bigEndianBytes + y.bigEndianBytes
    }
}

extension AffinePoint where C == G2Parameters {
    /// Reads 128 bytes (x_imag, x_real, y_imag, y_real); checks the range, the curve and the subgroup.
    public init<B: Collection<UInt8>>(ethereumBytes bytes: B) throws(BN254Error) where B.Index == Int {
        guard bytes.count == 128 else {
            throw .invalidLength(what: "G2 point (EIP-197)", expected: 128, actual: bytes.count)
        }
        let s = bytes.startIndex
        let x1 = try Fq(bigEndian: bytes[s..<s + 32])
        let x0 = try Fq(bigEndian: bytes[s + 32..<s + 64])
        let y1 = try Fq(bigEndian: bytes[s + 64..<s + 96])
        let y0 = try Fq(bigEndian: bytes[s + 96..<s + 128])
        let x = Fq2(x0, x1)
        let y = Fq2(y0, y1)
        if x.isZero && y.isZero {
            self = .infinity
        } else {
            try self.init(validatingSubgroup: x, y)
        }
    }

    /// The 128-byte EIP-197 encoding.
    public var ethereumBytes: [UInt8] {
        if isInfinity { return [UInt8](repeating: 0, count: 128) }
        return x.c1.bigEndianBytes + x.c0.bigEndianBytes + y.c1.bigEndianBytes + y.c0.bigEndianBytes
    }
}

/// The BN254 precompiles of Ethereum with their exact semantics, for contracts' verifiers and for tests
/// against Ethereum's own vectors.
public enum EthereumPrecompile {
    /// Right-pads (or truncates) the input to `length` bytes, as the EVM does for call data.
    static func padded(_ input: [UInt8], to length: Int) -> [UInt8] {
        input.count >= length ? Array(input.prefix(length)) : input + [UInt8](repeating: 0, count: length - input.count)
    }

    /// ecAdd (address 0x06): two G1 points → their sum, 64 bytes.
    public static func add(_ input: [UInt8]) throws(BN254Error) -> [UInt8] {
        let data = padded(input, to: 128)
        let p = try G1Affine(ethereumBytes: data[0..<64])
        let q = try G1Affine(ethereumBytes: data[64..<128])
        return JacobianPoint(p).adding(q).toAffine().ethereumBytes
    }

    /// ecMul (address 0x07): a G1 point and a 256-bit scalar (not reduced mod r) → the product, 64 bytes.
    public static func mul(_ input: [UInt8]) throws(BN254Error) -> [UInt8] {
        let data = padded(input, to: 96)
        let p = try G1Affine(ethereumBytes: data[0..<64])
        let k = limbsFromLittleEndian(data[64..<96].reversed())
        return JacobianPoint(p).multiplied(by: k).toAffine().ethereumBytes
    }

    /// Parses the pairing precompile's input: k × 192 bytes of (G1, G2) pairs.
    public static func pairingInput(_ input: [UInt8]) throws(BN254Error) -> [(G1Affine, G2Affine)] {
        guard input.count % 192 == 0 else {
            throw .invalidLength(
                what: "pairing input (a multiple of 192)", expected: (input.count / 192 + 1) * 192, actual: input.count)
        }
        var pairs: [(G1Affine, G2Affine)] = []
        for i in stride(from: 0, to: input.count, by: 192) {
            let p = try G1Affine(ethereumBytes: input[i..<i + 64])
            let q = try G2Affine(ethereumBytes: input[i + 64..<i + 192])
            pairs.append((p, q))
        }
        return pairs
    }
}
