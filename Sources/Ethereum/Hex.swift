/// Hex as Ethereum writes it: `0x` and lower-case digits; reading accepts either case, with or without `0x`.
public enum Hex {
    /// `bytes` as lower-case hex, with a `0x` prefix when `prefixed`.
    public static func encode(_ bytes: some Sequence<UInt8>, prefixed: Bool = true) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        if prefixed { out += [UInt8(ascii: "0"), UInt8(ascii: "x")] }
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text` (`0x` optional); `count`, when given, is the number of bytes it must hold.
    public static func decode(_ text: String, count: Int? = nil) throws(EthereumError) -> [UInt8] {
        var body = Substring(text.trimmingWhitespace())
        if body.hasPrefix("0x") || body.hasPrefix("0X") { body = body.dropFirst(2) }
        let utf8 = Array(body.utf8)
        guard utf8.count % 2 == 0 else { throw .invalidHex(text, expectedBytes: count) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else {
                throw .invalidHex(text, expectedBytes: count)
            }
            bytes.append(high << 4 | low)
            i += 2
        }
        if let count, bytes.count != count { throw .invalidHex(text, expectedBytes: count) }
        return bytes
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
