/// Signed-digit recoding of scalars for the bucket method.
///
/// A scalar m < 2^(windows·c − 1) is written as Σ d_j·2^(j·c) with digits d_j in (−2^(c−1), 2^(c−1)], so each
/// window needs only 2^(c−1) buckets: a negative digit adds −P to bucket |d|. Each digit is stored in 16 bits:
/// `(|d| − 1) | 0x8000·(d < 0)`, and 0xFFFF for d = 0. Windows are at most 15 bits: with c = 16 the digit
/// +2^15 of a negated scalar (a GLV half below zero) would be −2^15, whose code is 0xFFFF, the zero code; that
/// silently dropped digits from MSMs of 2^17 points or more before the limit was 15.
@usableFromInline
enum SignedDigits {
    /// The code of a zero digit.
    @usableFromInline static let zero: UInt16 = 0xFFFF
    /// The bit that marks a negative digit.
    @usableFromInline static let negativeBit: UInt16 = 0x8000

    /// The widest window the 16-bit codes allow.
    @usableFromInline static let maximumWindowBits = 15

    /// The `c` bits of `m` that start at bit `offset` (bits past 255 read as zero).
    @inlinable @inline(__always)
    static func bits(_ m: Limbs4, at offset: Int, count c: Int) -> UInt64 {
        let limb = offset &>> 6
        let shift = UInt64(offset & 63)
        guard limb < 4 else { return 0 }
        var v = limb4(m, limb) &>> shift
        if shift != 0 && limb < 3 && Int(shift) + c > 64 {
            v |= limb4(m, limb + 1) &<< (64 - shift)
        }
        return v & ((1 &<< UInt64(c)) &- 1)
    }

    /// Writes the digit codes of ±`magnitude` for `windows` windows of `c` bits to `out[0]`, `out[stride]`, …
    /// The caller guarantees magnitude < 2^(windows·c − 1), so that no carry leaves the top window.
    @inlinable @inline(__always)
    static func recode(
        _ magnitude: Limbs4, negative: Bool, windowBits c: Int, windows: Int,
        into out: UnsafeMutablePointer<UInt16>, stride: Int
    ) {
        let half = UInt64(1) &<< UInt64(c - 1)
        let full = UInt64(1) &<< UInt64(c)
        let sign: UInt16 = negative ? negativeBit : 0
        var carry: UInt64 = 0
        for j in 0..<windows {
            let d = bits(magnitude, at: j &* c, count: c) &+ carry
            let code: UInt16
            if d == 0 {
                code = zero
                carry = 0
            } else if d <= half {
                code = UInt16(truncatingIfNeeded: d &- 1) | sign
                carry = 0
            } else {
                // d − 2^c is negative (or zero when d = 2^c): the digit is −(2^c − d), and 1 carries into the
                // next window.
                let negated = full &- d
                code = negated == 0 ? zero : UInt16(truncatingIfNeeded: negated &- 1) | (sign ^ negativeBit)
                carry = 1
            }
            out[j &* stride] = code
        }
    }
}
