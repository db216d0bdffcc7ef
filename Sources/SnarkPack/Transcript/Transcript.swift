import BN254

/// The Fiat–Shamir transcript of an aggregation: prover and verifier feed it the same bytes in the same
/// order, and draw the same challenges from it.
///
/// Construction: the state is a 32-byte SHA-256 chaining value, starting as SHA-256 of the domain separator.
/// `append(label, bytes)` sets state = SHA-256(state ‖ u32 len(label) ‖ label ‖ u64 len(bytes) ‖ bytes),
/// so every message is bound, with its label and length, to everything before it. A challenge hashes the
/// state with its label and a counter twice (64 bytes), reduces the 512-bit value mod r (bias about 2⁻²⁵⁸),
/// retries with the next counter on zero, and then is appended to the transcript itself, so that the next
/// challenge depends on it. Lengths are little-endian. Elements are fed in their canonical encoding
/// (`AggregateEncoding`): compressed G1, G2 and target-group elements, and field elements as 32 bytes
/// big-endian.
///
/// Unlike the reference implementations (nikkolasg/snarkpack, bellperson), which leave the public inputs to
/// the caller's "transcript include", this transcript always binds the verification key, the number of
/// proofs and every public signal before the first challenge.
public struct Transcript: Sendable {
    private var state: [UInt8]

    /// A transcript for one protocol, named by `domain`.
    public init(domain: String) {
        state = SHA256.hash(Array(domain.utf8))
    }

    /// Binds `bytes` under `label`.
    public mutating func append(_ label: String, _ bytes: [UInt8]) {
        var h = SHA256()
        h.update(state)
        let labelBytes = Array(label.utf8)
        h.update(Self.littleEndian(UInt64(labelBytes.count), bytes: 4))
        h.update(labelBytes)
        h.update(Self.littleEndian(UInt64(bytes.count), bytes: 8))
        h.update(bytes)
        state = h.finalize()
    }

    public mutating func append(_ label: String, _ value: Fr) { append(label, value.bigEndianBytes) }
    public mutating func append(_ label: String, _ point: G1Affine) { append(label, point.compressed) }
    public mutating func append(_ label: String, _ point: G2Affine) { append(label, point.compressed) }
    public mutating func append(_ label: String, _ element: Fq12) { append(label, TargetGroup.compressed(element)) }

    /// A non-zero challenge in Fr, bound into the transcript.
    public mutating func challenge(_ label: String) -> Fr {
        var counter: UInt32 = 0
        while true {
            var wide: [UInt8] = []
            for half in 0..<2 as Range<UInt32> {
                var h = SHA256()
                h.update(state)
                h.update(Array("challenge".utf8))
                h.update(Array(label.utf8))
                h.update(Self.littleEndian(UInt64(counter), bytes: 4))
                h.update(Self.littleEndian(UInt64(half), bytes: 4))
                wide += h.finalize()
            }
            // value = high·2^256 + low, each half read big-endian and reduced mod r.
            let high = Fr(reducing: limbs(bigEndian: wide[0..<32]))
            let low = Fr(reducing: limbs(bigEndian: wide[32..<64]))
            let value = high * Self.twoTo256 + low
            if !value.isZero {
                append("challenge:" + label, value)
                return value
            }
            counter += 1
        }
    }

    /// 2^256 mod r: the element whose Montgomery representative is R² mod r.
    static let twoTo256 = Fr(montgomeryLimbs: FrParameters.r2)

    static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }
}

/// Four little-endian limbs from 32 big-endian bytes.
func limbs(bigEndian bytes: ArraySlice<UInt8>) -> Limbs4 {
    var words: [UInt64] = [0, 0, 0, 0]
    let s = bytes.startIndex
    for i in 0..<32 {
        let word = 3 - i / 8
        words[word] = (words[word] << 8) | UInt64(bytes[s + i])
    }
    return (words[0], words[1], words[2], words[3])
}
