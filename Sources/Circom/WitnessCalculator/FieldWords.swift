import BN254

/// Conversions between field elements and the little-endian 32-bit words circom's runtimes use.
extension PrimeField {
    /// The eight words of the canonical value, least significant first.
    var words32: [UInt32] {
        let limbs = canonical
        return [limbs.0, limbs.1, limbs.2, limbs.3].flatMap {
            [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)]
        }
    }
}

/// Eight words, least significant first, as four 64-bit limbs.
func limbs(fromWords32 w: [UInt32]) -> Limbs4 {
    precondition(w.count == 8, "a 256-bit value is eight 32-bit words") // callers check the field size first
    func pair(_ i: Int) -> UInt64 { UInt64(w[i]) | UInt64(w[i + 1]) << 32 }
    return (pair(0), pair(2), pair(4), pair(6))
}

/// A multi-word integer (least significant word first) in hexadecimal, for messages about foreign primes.
func hexString(words32 w: [UInt32]) -> String {
    let digits = w.reversed().map { word -> String in
        let s = String(word, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }.joined()
    let trimmed = digits.drop { $0 == "0" }
    return "0x" + (trimmed.isEmpty ? "0" : trimmed)
}
