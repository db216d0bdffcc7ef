/// A strict JSON (RFC 8259) reader that builds no values: it checks a document and reports the kind and
/// byte span of its top-level value and, for an array, of each element. That is all the client needs to
/// send each input object exactly as the user wrote it (Foundation's parser would round large numbers
/// and accepts trailing commas, which the gateway's witness generator refuses).
struct JSONScanner {
    enum Kind: String {
        case object, array, string, number, boolean, null
    }

    /// Where and why the text is not JSON.
    struct Failure: Error, Equatable {
        var line: Int
        var column: Int
        var reason: String

        var description: String { "line \(line), column \(column): \(reason)" }
    }

    /// A value's kind and its bytes.
    struct Span: Equatable {
        var kind: Kind
        var range: Range<Int>
    }

    /// Deeper nesting than any input needs, shallow enough never to exhaust the stack.
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Checks a whole document: the top-level value, and for an array the spans of its elements.
    static func scan(_ bytes: [UInt8]) throws(Failure) -> (value: Span, elements: [Span]) {
        var scanner = JSONScanner(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 } // a UTF-8 byte order mark
        scanner.skipWhitespace()
        var elements: [Span] = []
        let value = try scanner.value(depth: 0, recording: true, recorded: &elements)
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else { throw scanner.failure("unexpected text after the JSON value") }
        return (value, elements)
    }

    /// One value; with `recording`, the spans of an array's elements go to `recorded` (only the top level
    /// records: the elements of nested arrays are not inputs).
    private mutating func value(depth: Int, recording: Bool, recorded: inout [Span]) throws(Failure) -> Span {
        guard depth <= Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) deep") }
        guard let byte = peek() else { throw failure("expected a value, found the end of the text") }
        let start = position
        let kind: Kind
        switch byte {
        case UInt8(ascii: "{"):
            try object(depth: depth)
            kind = .object
        case UInt8(ascii: "["):
            try array(depth: depth, recording: recording, recorded: &recorded)
            kind = .array
        case UInt8(ascii: "\""):
            try string()
            kind = .string
        case UInt8(ascii: "t"):
            try literal("true")
            kind = .boolean
        case UInt8(ascii: "f"):
            try literal("false")
            kind = .boolean
        case UInt8(ascii: "n"):
            try literal("null")
            kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
            kind = .number
        default:
            throw failure("expected a value, found '\(Character(Unicode.Scalar(byte)))'")
        }
        return Span(kind: kind, range: start..<position)
    }

    private mutating func object(depth: Int) throws(Failure) {
        position += 1 // {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        var ignored: [Span] = []
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes") }
            try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            position += 1
            skipWhitespace()
            _ = try value(depth: depth + 1, recording: false, recorded: &ignored)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                return
            default:
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int, recording: Bool, recorded: inout [Span]) throws(Failure) {
        position += 1 // [
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        var ignored: [Span] = []
        while true {
            let element = try value(depth: depth + 1, recording: false, recorded: &ignored)
            if recording { recorded.append(element) }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                return
            default:
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func string() throws(Failure) {
        position += 1 // "
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { break }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = peek(), Self.isHexDigit(hex) else {
                            throw failure("expected 4 hex digits after \\u")
                        }
                        position += 1
                    }
                default:
                    position -= 1
                    throw failure("'\\\(Character(Unicode.Scalar(escaped)))' is not a JSON escape")
                }
            case 0..<0x20:
                position -= 1
                throw failure("a control character must be escaped inside a string")
            default:
                continue
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func number() throws(Failure) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw failure("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count,
            bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw failure("expected '\(word)'") }
        position += expected.count
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { position += 1 }
    }

    mutating func skipWhitespace() {
        while let byte = peek(), Self.isWhitespace(byte) { position += 1 }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// A failure at the current position, with its line and column (1-based, in bytes).
    private func failure(_ reason: String) -> Failure {
        var line = 1
        var lineStart = 0
        for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return Failure(line: line, column: position - lineStart + 1, reason: reason)
    }
}
