import BN254

/// A circuit's inputs as the witness generator takes them: for each input signal, by its qualified name,
/// its values with arrays flattened in row-major order, in the order the input gives the signals.
///
/// The rules are those of circom's `witness_calculator.js` (`qualify_input`, `flatArray`, `normalize`):
/// nested arrays are flattened; an object's members become signals named `parent.member` (circom 2.2
/// buses), and an array of objects names its elements `parent[i].member`; a value is a JSON integer or a
/// string holding a decimal, `0x` hexadecimal, `0o` octal or `0b` binary integer, optionally negative
/// (decimal only), reduced modulo r, so −1 is r − 1; `true` and `false` are 1 and 0.
struct CircuitInput: Sendable {
    var signals: [(name: String, values: [Fr])]

    init(signals: [(name: String, values: [Fr])]) {
        self.signals = signals
    }

    /// Reads circom input JSON.
    init(json bytes: [UInt8]) throws(WitnessCalculatorError) {
        let document = try InputJSON.parse(bytes)
        guard case .object = document else {
            throw .invalidJSON(reason: "the input must be a JSON object of signal names", offset: 0)
        }
        var signals: [(name: String, values: [Fr])] = []
        try Self.qualify(prefix: "", document, into: &signals)
        self.signals = signals
    }

    /// circom's `qualify_input`: objects extend the name with `.member`, arrays whose leaves are objects
    /// extend it with `[i]`, and anything else is one signal's values.
    private static func qualify(
        prefix: String, _ value: InputJSON, into signals: inout [(name: String, values: [Fr])]
    ) throws(WitnessCalculatorError) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                try qualify(prefix: prefix.isEmpty ? key : prefix + "." + key, member, into: &signals)
            }
        case .array(let elements):
            var leaves: [InputJSON] = []
            flatten(value, into: &leaves)
            let objectLeaves = leaves.filter { if case .object = $0 { return true } else { return false } }.count
            if objectLeaves == 0 {
                try append(prefix, leaves, into: &signals)
            } else if objectLeaves == leaves.count {
                for (index, element) in elements.enumerated() {
                    try qualify(prefix: prefix + "[\(index)]", element, into: &signals)
                }
            } else {
                throw .invalidValue(signal: prefix, value: "an array mixing objects and numbers")
            }
        default:
            try append(prefix, [value], into: &signals)
        }
    }

    private static func flatten(_ value: InputJSON, into leaves: inout [InputJSON]) {
        if case .array(let elements) = value {
            for element in elements { flatten(element, into: &leaves) }
        } else {
            leaves.append(value)
        }
    }

    private static func append(
        _ name: String, _ leaves: [InputJSON], into signals: inout [(name: String, values: [Fr])]
    ) throws(WitnessCalculatorError) {
        var values: [Fr] = []
        values.reserveCapacity(leaves.count)
        for leaf in leaves {
            values.append(try fieldElement(leaf, signal: name))
        }
        if let index = signals.firstIndex(where: { $0.name == name }) {
            signals[index].values = values
        } else {
            signals.append((name, values))
        }
    }

    /// One input value as an element of Fr, as circom's `normalize(BigInt(value))` computes it.
    static func fieldElement(_ value: InputJSON, signal: String) throws(WitnessCalculatorError) -> Fr {
        switch value {
        case .bool(let b):
            return b ? .one : .zero
        case .number(let text):
            if let element = parseInteger(Substring(text), allowPrefixes: false) { return element }
            // JavaScript reads 1e3 as the integer 1000; BigInt accepts any number without a fraction.
            if let double = Double(text), double.rounded() == double, abs(double) < 0x1p63 {
                let magnitude = Fr(UInt64(abs(double)))
                return double < 0 ? -magnitude : magnitude
            }
            throw .invalidValue(signal: signal, value: text)
        case .string(let text):
            // BigInt(string) ignores surrounding whitespace and reads "" as 0.
            let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
            let body = Substring(String(trimmed))
            if body.isEmpty { return .zero }
            guard let element = parseInteger(body, allowPrefixes: true) else {
                throw .invalidValue(signal: signal, value: text)
            }
            return element
        case .null:
            throw .invalidValue(signal: signal, value: "null")
        case .array, .object:
            throw .invalidValue(signal: signal, value: "a nested object")
        }
    }

    /// Parses an integer of any length and reduces it modulo r: decimal with an optional sign, or (when
    /// `allowPrefixes`) `0x`, `0o` or `0b` followed by digits of that base. Nil if the text is not one.
    static func parseInteger(_ text: Substring, allowPrefixes: Bool) -> Fr? {
        var digits = text
        var negative = false
        var radix: UInt64 = 10
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        } else if allowPrefixes, digits.count > 2, digits.first == "0" {
            switch digits.dropFirst().first {
            case "x", "X": radix = 16
            case "o", "O": radix = 8
            case "b", "B": radix = 2
            default: break
            }
            if radix != 10 { digits = digits.dropFirst(2) }
        }
        guard !digits.isEmpty else { return nil }
        // Horner's rule in Fr, a 64-bit chunk of digits at a time, so any length reduces correctly.
        var chunkDigits = 0
        var chunkScale: UInt64 = 1
        while chunkScale <= UInt64.max / radix {
            chunkScale *= radix
            chunkDigits += 1
        }
        var accumulator = Fr.zero
        var chunk: UInt64 = 0
        var scale: UInt64 = 1
        var count = 0
        for byte in digits.utf8 {
            guard let digit = hexDigit(byte), UInt64(digit) < radix else { return nil }
            chunk = chunk * radix + UInt64(digit)
            scale *= radix
            count += 1
            if count == chunkDigits {
                accumulator = accumulator * Fr(scale) + Fr(chunk)
                (chunk, scale, count) = (0, 1, 0)
            }
        }
        if count > 0 { accumulator = accumulator * Fr(scale) + Fr(chunk) }
        return negative ? -accumulator : accumulator
    }
}

extension WitnessCalculator {
    /// Parses a circom input JSON document as a calculation does (RFC 8259, then signal names and values
    /// as field elements), without a circuit: the number of signals it sets.
    public static func parseInputJSON(_ bytes: [UInt8]) throws(WitnessCalculatorError) -> Int {
        try CircuitInput(json: bytes).signals.count
    }
}
