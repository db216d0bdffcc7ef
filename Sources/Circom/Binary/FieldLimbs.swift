import BN254

/// Raw 256-bit little-endian integers as the iden3 formats store them, before they become field elements.
enum FieldLimbs {
    /// Loads 32 little-endian bytes at `offset` as four 64-bit limbs (the caller has checked the bounds).
    @inline(__always)
    static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Limbs4 {
        (
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
        )
    }

    @inline(__always)
    static func less(_ a: Limbs4, _ b: Limbs4) -> Bool {
        if a.3 != b.3 { return a.3 < b.3 }
        if a.2 != b.2 { return a.2 < b.2 }
        if a.1 != b.1 { return a.1 < b.1 }
        return a.0 < b.0
    }

    @inline(__always)
    static func equal(_ a: Limbs4, _ b: Limbs4) -> Bool {
        a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3
    }

    @inline(__always)
    static func isZero(_ a: Limbs4) -> Bool { (a.0 | a.1 | a.2 | a.3) == 0 }

    /// The decimal digits of a 256-bit integer (for messages about values that are not field elements).
    static func decimal(_ a: Limbs4) -> String {
        var words = [a.3, a.2, a.1, a.0] // most significant first
        if words.allSatisfy({ $0 == 0 }) { return "0" }
        var chunks: [UInt64] = []
        let base: UInt64 = 10_000_000_000_000_000_000
        while words.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in 0..<4 { (words[i], remainder) = base.dividingFullWidth((remainder, words[i])) }
            chunks.append(remainder)
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// The 2^256 mod r that the zkey's coefficients carry twice (see `ZKeyFile`).
    static let montgomeryRadix = Fr(montgomeryLimbs: FrParameters.r2)
    /// 2^-256 mod r: the element whose Montgomery representative is 1.
    static let inverseMontgomeryRadix = Fr(montgomeryLimbs: (1, 0, 0, 0))
}

/// Appends little-endian integers and field elements to a byte array.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendLimbs(_ limbs: Limbs4) {
        appendLittleEndian(limbs.0)
        appendLittleEndian(limbs.1)
        appendLittleEndian(limbs.2)
        appendLittleEndian(limbs.3)
    }
}
