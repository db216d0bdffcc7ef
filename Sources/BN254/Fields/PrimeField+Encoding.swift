/// Conversions between field elements and the byte and text encodings of Ethereum, snarkjs and iden3.
extension PrimeField {
    /// The number of bytes of an encoded element.
    public static var byteCount: Int { 32 }

    /// Reads a canonical big-endian 32-byte value (EIP-196/197); fails if the length is wrong or the value ≥ p.
    public init<C: Collection<UInt8>>(bigEndian bytes: C) throws(BN254Error) {
        guard bytes.count == 32 else {
            throw .invalidLength(what: "\(P.name) element (big-endian)", expected: 32, actual: bytes.count)
        }
        try self.init(canonical: limbsFromLittleEndian(bytes.reversed()))
    }

    /// Reads a canonical little-endian 32-byte value (.r1cs, .wtns); fails if the length is wrong or the value ≥ p.
    public init<C: Collection<UInt8>>(littleEndian bytes: C) throws(BN254Error) {
        guard bytes.count == 32 else {
            throw .invalidLength(what: "\(P.name) element (little-endian)", expected: 32, actual: bytes.count)
        }
        try self.init(canonical: limbsFromLittleEndian(bytes))
    }

    /// Reads iden3's Montgomery little-endian encoding (.zkey points and coefficients): the 32 bytes are
    /// a·2^256 mod p. Fails if the length is wrong or the representative ≥ p.
    public init<C: Collection<UInt8>>(montgomeryLittleEndian bytes: C) throws(BN254Error) {
        guard bytes.count == 32 else {
            throw .invalidLength(what: "\(P.name) element (Montgomery)", expected: 32, actual: bytes.count)
        }
        let limbs = limbsFromLittleEndian(bytes)
        guard less4(limbs, P.modulus) else {
            throw .notInField(field: P.name, value: decimalString(limbs) + " (Montgomery representative)")
        }
        self.init(montgomeryLimbs: limbs)
    }

    /// Parses a decimal (or `0x` hexadecimal) string; fails if it is not a number or not below p.
    public init(string: String) throws(BN254Error) {
        guard let limbs = parseUInt256(string) else {
            // A number too large for 256 bits is still a number: say it is out of range.
            if !string.isEmpty, string.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                throw .notInField(field: P.name, value: string)
            }
            throw .invalidNumber(string)
        }
        try self.init(canonical: limbs)
    }

    /// The canonical value, 32 bytes big-endian.
    public var bigEndianBytes: [UInt8] { littleEndianBytes4(canonical).reversed() }
    /// The canonical value, 32 bytes little-endian.
    public var littleEndianBytes: [UInt8] { littleEndianBytes4(canonical) }
    /// The Montgomery representative, 32 bytes little-endian (iden3 .zkey encoding).
    public var montgomeryLittleEndianBytes: [UInt8] { littleEndianBytes4(limbs) }
    /// The canonical value in decimal (snarkjs JSON).
    public var decimal: String { decimalString(canonical) }
}
