/// A 128-bit hash of bytes, for the fingerprints and checksums of `ProofCheckpoint` files.
///
/// Not cryptographic: it detects a mismatch (another key, another witness) or corruption (a torn write, a
/// flipped bit, a truncated file), not an adversary. That is all it has to do, because the checkpoint
/// directory is the prover's own: whoever can write there can also change the prover.
///
/// Two independent lanes read the input as little-endian 64-bit words, each step `h = rotl((h ^ w)·K, r)`
/// with an odd K. For a fixed word the step is a bijection of h (xor, multiplication by an odd number
/// mod 2^64 and rotation all are), and for a fixed h it is injective in w. So two inputs of equal length
/// that differ inside a single word always hash differently; any other difference collides in both lanes
/// only by chance. The length is mixed in last, so a truncated input differs too.
struct CheckpointHash: Equatable, Sendable {
    var low: UInt64
    var high: UInt64

    /// The number of bytes of an encoded hash.
    static let byteCount = 16

    /// The hash of `bytes`.
    static func of(_ bytes: UnsafeRawBufferPointer) -> CheckpointHash {
        // Odd multipliers with well-mixed bits (the 64-bit golden ratio and a splitmix constant), and
        // starting states that are not zero, so that leading zero words still move the state.
        let k0: UInt64 = 0x9E37_79B9_7F4A_7C15
        let k1: UInt64 = 0xBF58_476D_1CE4_E5B9
        var h0: UInt64 = 0xCBF2_9CE4_8422_2325
        var h1: UInt64 = 0x94D0_49BB_1331_11EB
        let words = bytes.count / 8
        var i = 0
        while i < words {
            let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
            h0 = rotate((h0 ^ w) &* k0, 29)
            h1 = rotate((h1 ^ w) &* k1, 37)
            i += 1
        }
        // The last bytes, if the length is not a multiple of 8, as one zero-padded word.
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        for offset in (8 * words)..<bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
        }
        h0 = rotate((h0 ^ tail) &* k0, 29)
        h1 = rotate((h1 ^ tail) &* k1, 37)
        let length = UInt64(bytes.count)
        return CheckpointHash(low: finalize(h0 ^ length), high: finalize(h1 ^ (length &* k0)))
    }

    /// The hash of an array's bytes.
    static func of(_ bytes: [UInt8]) -> CheckpointHash {
        bytes.withUnsafeBytes { of($0) }
    }

    /// The hash of `bytes[range]`.
    static func of(_ bytes: [UInt8], _ range: Range<Int>) -> CheckpointHash {
        bytes.withUnsafeBytes { of(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// The 16 encoded bytes, low word first, little-endian.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        out.appendLittleEndian(low)
        out.appendLittleEndian(high)
        return out
    }

    /// Reads the 16 bytes at `offset` (the caller has checked the bounds).
    init(_ bytes: [UInt8], at offset: Int) {
        low = bytes.littleEndianUInt64(at: offset)
        high = bytes.littleEndianUInt64(at: offset + 8)
    }

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    @inline(__always)
    private static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    /// A bijective avalanche (xor-shift, multiply), so that every input bit reaches every output bit.
    @inline(__always)
    private static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as little-endian bytes.
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// The little-endian 64-bit integer at `offset` (the caller has checked the bounds).
    @inline(__always)
    func littleEndianUInt64(at offset: Int) -> UInt64 {
        withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }

    /// The little-endian 32-bit integer at `offset` (the caller has checked the bounds).
    @inline(__always)
    func littleEndianUInt32(at offset: Int) -> UInt32 {
        withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }
}
