/// An unsigned 256-bit integer, as the EVM's words are: stake and shares read from the chain. Only what the
/// registry needs (parsing, printing, adding, comparing); never a `Double`.
public struct UInt256: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Four 64-bit limbs, least significant first.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = UInt256(0)
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }
    public init(_ value: UInt64) { limbs = (value, 0, 0, 0) }

    /// From 32 big-endian bytes (an ABI word).
    public init(bigEndian bytes: some Collection<UInt8>) throws(EthereumError) {
        guard bytes.count <= 32 else { throw .invalidNumber(Hex.encode(bytes)) }
        let padded = [UInt8](repeating: 0, count: 32 - bytes.count) + bytes
        func limb(_ i: Int) -> UInt64 {
            padded[(24 - 8 * i)..<(32 - 8 * i)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        limbs = (limb(0), limb(1), limb(2), limb(3))
    }

    /// From decimal digits, or hex with `0x`.
    public init(_ text: String) throws(EthereumError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("0x") {
            var hex = String(trimmed.dropFirst(2))
            guard !hex.isEmpty, hex.count <= 64 else { throw .invalidNumber(text) }
            if hex.count % 2 == 1 { hex = "0" + hex }
            do { try self.init(bigEndian: try Hex.decode(hex)) } catch { throw .invalidNumber(text) }
            return
        }
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidNumber(text)
        }
        var value = UInt256.zero
        for digit in trimmed.utf8 {
            guard let times10 = value.multipliedReportingOverflow(by: 10),
                case (let sum, false) = times10.addingReportingOverflow(UInt256(UInt64(digit - 48)))
            else { throw .invalidNumber(text) }
            value = sum
        }
        self = value
    }

    /// The 32 big-endian bytes.
    public var bigEndianBytes: [UInt8] {
        [limbs.3, limbs.2, limbs.1, limbs.0].flatMap { limb in
            (0..<8).reversed().map { UInt8(truncatingIfNeeded: limb >> UInt64(8 * $0)) }
        }
    }

    var array: [UInt64] { [limbs.0, limbs.1, limbs.2, limbs.3] }
    init(array a: [UInt64]) { limbs = (a[0], a[1], a[2], a[3]) }

    /// The sum and whether it overflowed 256 bits.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var out = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        let a = array
        let b = other.array
        for i in 0..<4 {
            let (s1, o1) = a[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (UInt256(array: out), carry != 0)
    }

    /// The difference and whether it went below zero (then it wrapped around).
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var out = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        let a = array
        let b = other.array
        for i in 0..<4 {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (UInt256(array: out), borrow != 0)
    }

    /// The product by a small number, or nil on overflow.
    public func multipliedReportingOverflow(by factor: UInt64) -> UInt256? {
        var out = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        for (i, limb) in array.enumerated() {
            let (high, low) = limb.multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            out[i] = sum
            carry = high + (overflow ? 1 : 0)
        }
        return carry == 0 ? UInt256(array: out) : nil
    }

    /// Divides by a small number: quotient and remainder.
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (UInt256, UInt64) {
        var out = [UInt64](repeating: 0, count: 4)
        var remainder: UInt64 = 0
        for i in (0..<4).reversed() {
            let (q, r) = divisor.dividingFullWidth((remainder, array[i]))
            out[i] = q
            remainder = r
        }
        return (UInt256(array: out), remainder)
    }

    /// Divides by any non-zero number (shift and subtract, a bit at a time: slow, but it runs once per slash).
    /// Returns nil for a zero divisor.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256)? {
        guard divisor != .zero else { return nil }
        var quotient = [UInt64](repeating: 0, count: 4)
        var remainder = UInt256.zero
        let a = array
        for bit in (0..<256).reversed() {
            // remainder = remainder << 1 | bit `bit` of self; it stays below 2 × divisor, so the shift cannot lose
            // a bit unless divisor ≥ 2^255, when the top bit is kept by the comparison below.
            let top = remainder.limbs.3 >> 63
            let r = remainder.array
            var shifted = [UInt64](repeating: 0, count: 4)
            for i in 0..<4 {
                shifted[i] = (r[i] << 1) | (i > 0 ? r[i - 1] >> 63 : (a[bit / 64] >> UInt64(bit % 64)) & 1)
            }
            remainder = UInt256(array: shifted)
            if top == 1 || remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient[bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return (UInt256(array: quotient), remainder)
    }

    /// The value if it fits 64 bits.
    public var uint64: UInt64? { limbs.1 == 0 && limbs.2 == 0 && limbs.3 == 0 ? limbs.0 : nil }

    public var description: String {
        if self == .zero { return "0" }
        var digits = [Character]()
        var value = self
        while value != .zero {
            let (q, r) = value.quotientAndRemainder(dividingBy: 10)
            digits.append(Character(String(r)))
            value = q
        }
        return String(digits.reversed())
    }

    public static func == (a: UInt256, b: UInt256) -> Bool { a.array == b.array }
    public func hash(into hasher: inout Hasher) { hasher.combine(array) }
    public static func < (a: UInt256, b: UInt256) -> Bool {
        a.array.reversed().lexicographicallyPrecedes(b.array.reversed())
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try UInt256(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
