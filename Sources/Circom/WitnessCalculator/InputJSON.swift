/// A JSON value as circom's input files use it. Unlike Foundation's `JSONSerialization`, this keeps the
/// text of every number (a field element has up to 77 decimal digits, far beyond a `Double`) and the order
/// of an object's keys (the order in which snarkjs sets the inputs).
indirect enum InputJSON: Equatable, Sendable {
    case number(String)
    case string(String)
    case bool(Bool)
    case null
    case array([InputJSON])
    case object([(key: String, value: InputJSON)])

    static func == (a: InputJSON, b: InputJSON) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)), (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses a complete JSON document (RFC 8259); whitespace may surround it, nothing else may follow.
    static func parse(_ bytes: [UInt8]) throws(WitnessCalculatorError) -> InputJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// A recursive-descent parser over UTF-8 bytes.
    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        /// Deeper nesting than any circuit's input arrays, shallow enough never to exhaust the native stack.
        static let maximumDepth = 512

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ reason: String) -> WitnessCalculatorError {
            .invalidJSON(reason: reason, offset: position)
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: String) throws(WitnessCalculatorError) {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected \(literal)") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(WitnessCalculatorError) -> InputJSON {
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            guard let c = current else { throw error("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character \(String(decoding: [c], as: UTF8.self).debugDescription)")
            }
        }

        mutating func object(depth: Int) throws(WitnessCalculatorError) -> InputJSON {
            position += 1
            var members: [(key: String, value: InputJSON)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                let value = try value(depth: depth + 1)
                // As in JavaScript's JSON.parse, a repeated key keeps its first position and its last value.
                if let index = members.firstIndex(where: { $0.key == key }) {
                    members[index].value = value
                } else {
                    members.append((key, value))
                }
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("}")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(WitnessCalculatorError) -> InputJSON {
            position += 1
            var elements: [InputJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("]")
                return .array(elements)
            }
        }

        /// The literal text of a number, checked against JSON's grammar.
        mutating func number() throws(WitnessCalculatorError) -> String {
            let start = position
            func digits(_ parser: inout Parser) -> Int {
                let from = parser.position
                while let c = parser.current, c >= 0x30 && c <= 0x39 { parser.position += 1 }
                return parser.position - from
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
            } else {
                guard digits(&self) > 0 else { throw error("expected a digit") }
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw error("expected a digit after the decimal point") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func string() throws(WitnessCalculatorError) -> String {
            position += 1
            var utf8: [UInt8] = []
            while true {
                guard let c = current else { throw error("unterminated string") }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { throw error("unterminated string") }
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\") {
                            // A surrogate pair spells one scalar beyond the Basic Multilingual Plane.
                            position += 1
                            try expect("u")
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                        utf8.append(contentsOf: String(character).utf8)
                    default:
                        throw error("invalid escape \\\(String(decoding: [escaped], as: UTF8.self))")
                    }
                case 0..<0x20:
                    throw error("control character in a string")
                default:
                    utf8.append(c)
                }
            }
        }

        mutating func hex4() throws(WitnessCalculatorError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let c = current, let digit = hexDigit(c) else { throw error("expected 4 hexadecimal digits") }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }
    }
}

/// The value of an ASCII hexadecimal digit.
func hexDigit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
