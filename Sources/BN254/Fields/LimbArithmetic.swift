// Carry-propagating primitives on 64-bit limbs, shared by the fields, the scalar decompositions and the
// encodings. Each is `@inline(__always)`: they are the innermost operations of everything else.

// The primitives are written on UInt128 so that LLVM emits mul/add/adc chains without branches: the
// Bool-returning `addingReportingOverflow` forms compiled to data-dependent jumps that mispredicted about
// half the time, and made Fq12 multiplication twice as slow.

/// Returns the high word of a·b + c.
@inlinable @inline(__always)
func madd0(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c)
    return UInt64(truncatingIfNeeded: t >> 64)
}

/// Returns a·b + c as (high, low).
@inlinable @inline(__always)
func madd1(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c)
    return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
}

/// Returns a·b + c + d as (high, low); it cannot overflow 128 bits.
@inlinable @inline(__always)
func madd2(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(c) &+ UInt128(d)
    return (UInt64(truncatingIfNeeded: t >> 64), UInt64(truncatingIfNeeded: t))
}

/// a + b + carry, returning (sum, carry out in 0...1).
@inlinable @inline(__always)
func addCarry(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &+ UInt128(b) &+ UInt128(carry)
    return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t >> 64))
}

/// a - b - borrow, returning (difference, borrow out in 0...1).
@inlinable @inline(__always)
func subBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &- UInt128(b) &- UInt128(borrow)
    return (UInt64(truncatingIfNeeded: t), UInt64(truncatingIfNeeded: t >> 64) & 1)
}

/// Adds two 256-bit integers; the caller guarantees no overflow past 256 bits.
@inlinable @inline(__always)
func add4(_ a: Limbs4, _ b: Limbs4) -> (Limbs4, UInt64) {
    let (r0, c0) = addCarry(a.0, b.0, 0)
    let (r1, c1) = addCarry(a.1, b.1, c0)
    let (r2, c2) = addCarry(a.2, b.2, c1)
    let (r3, c3) = addCarry(a.3, b.3, c2)
    return ((r0, r1, r2, r3), c3)
}

/// Subtracts two 256-bit integers, returning the difference and the final borrow.
@inlinable @inline(__always)
func sub4(_ a: Limbs4, _ b: Limbs4) -> (Limbs4, UInt64) {
    let (r0, b0) = subBorrow(a.0, b.0, 0)
    let (r1, b1) = subBorrow(a.1, b.1, b0)
    let (r2, b2) = subBorrow(a.2, b.2, b1)
    let (r3, b3) = subBorrow(a.3, b.3, b2)
    return ((r0, r1, r2, r3), b3)
}

/// Whether a < b as 256-bit integers.
@inlinable @inline(__always)
func less4(_ a: Limbs4, _ b: Limbs4) -> Bool {
    sub4(a, b).1 != 0
}

@inlinable @inline(__always)
func equal4(_ a: Limbs4, _ b: Limbs4) -> Bool {
    (a.0 ^ b.0) | (a.1 ^ b.1) | (a.2 ^ b.2) | (a.3 ^ b.3) == 0
}

/// Bit `i` of a 256-bit integer.
@inlinable @inline(__always)
func bit4(_ a: Limbs4, _ i: Int) -> Bool {
    let word: UInt64
    switch i >> 6 {
    case 0: word = a.0
    case 1: word = a.1
    case 2: word = a.2
    default: word = a.3
    }
    return (word >> UInt64(i & 63)) & 1 == 1
}

/// Limb `i` of a 256-bit integer.
@inlinable @inline(__always)
func limb4(_ a: Limbs4, _ i: Int) -> UInt64 {
    switch i {
    case 0: return a.0
    case 1: return a.1
    case 2: return a.2
    default: return a.3
    }
}

/// The number of significant bits of a 256-bit integer.
@inlinable
func bitLength4(_ a: Limbs4) -> Int {
    if a.3 != 0 { return 256 - a.3.leadingZeroBitCount }
    if a.2 != 0 { return 192 - a.2.leadingZeroBitCount }
    if a.1 != 0 { return 128 - a.1.leadingZeroBitCount }
    return 64 - a.0.leadingZeroBitCount
}

/// Converts up to 32 little-endian bytes into limbs.
@inlinable
func limbsFromLittleEndian<C: Collection<UInt8>>(_ bytes: C) -> Limbs4 {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var i = 0
    for byte in bytes {
        let shifted = UInt64(byte) << UInt64((i & 7) * 8)
        switch i >> 3 {
        case 0: words.0 |= shifted
        case 1: words.1 |= shifted
        case 2: words.2 |= shifted
        default: words.3 |= shifted
        }
        i += 1
    }
    return words
}

/// The 32 little-endian bytes of a 256-bit integer.
@inlinable
func littleEndianBytes4(_ a: Limbs4) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    for i in 0..<32 {
        out[i] = UInt8(truncatingIfNeeded: limb4(a, i >> 3) >> UInt64((i & 7) * 8))
    }
    return out
}

/// Parses a decimal or `0x`-hexadecimal string into a 256-bit integer, or nil if it is not one or
/// does not fit.
func parseUInt256(_ text: String) -> Limbs4? {
    var s = Substring(text)
    var radix: UInt64 = 10
    if s.hasPrefix("0x") || s.hasPrefix("0X") {
        radix = 16
        s = s.dropFirst(2)
    }
    guard !s.isEmpty else { return nil }
    var acc: Limbs4 = (0, 0, 0, 0)
    for ch in s.utf8 {
        let digit: UInt64
        switch ch {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(ch - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(ch - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(ch - UInt8(ascii: "A") + 10)
        default: return nil
        }
        // acc = acc * radix + digit, failing on overflow.
        let (h0, l0) = madd1(acc.0, radix, digit)
        let (h1, l1) = madd1(acc.1, radix, h0)
        let (h2, l2) = madd1(acc.2, radix, h1)
        let (h3, l3) = madd1(acc.3, radix, h2)
        guard h3 == 0 else { return nil }
        acc = (l0, l1, l2, l3)
    }
    return acc
}

/// The decimal representation of a 256-bit integer.
@usableFromInline
func decimalString(_ a: Limbs4) -> String {
    var value = a
    if equal4(value, (0, 0, 0, 0)) { return "0" }
    var chunks: [UInt64] = []
    let base: UInt64 = 10_000_000_000_000_000_000 // 10^19
    while !equal4(value, (0, 0, 0, 0)) {
        // Divide the 256-bit value by 10^19, limb by limb from the top.
        var remainder: UInt64 = 0
        var q = value
        (q.3, remainder) = base.dividingFullWidth((remainder, value.3))
        (q.2, remainder) = base.dividingFullWidth((remainder, value.2))
        (q.1, remainder) = base.dividingFullWidth((remainder, value.1))
        (q.0, remainder) = base.dividingFullWidth((remainder, value.0))
        chunks.append(remainder)
        value = q
    }
    var out = String(chunks.removeLast())
    for chunk in chunks.reversed() {
        let digits = String(chunk)
        out += String(repeating: "0", count: 19 - digits.count) + digits
    }
    return out
}
