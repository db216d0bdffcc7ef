import Foundation

/// Reads the inputs of a request from JSON files: a file holding one input object, or a file holding an
/// array of them. Each input is kept as the exact text of its object, not parsed and printed again, so
/// that numbers too large for a double (field elements) reach the witness generator as written.
public enum RequestInputs {
    /// The input in a file that holds one JSON object.
    public static func object(fileAt url: URL) throws(ProverNetClientError) -> String {
        try object(json: try read(url), source: url.path)
    }

    /// The inputs in a file that holds a JSON array of objects.
    public static func array(fileAt url: URL) throws(ProverNetClientError) -> [String] {
        try array(json: try read(url), source: url.path)
    }

    /// The inputs in a file that holds either one object (one input) or an array of objects.
    public static func inputs(fileAt url: URL) throws(ProverNetClientError) -> [String] {
        try inputs(json: try read(url), source: url.path)
    }

    /// One input object from JSON text; `source` names it in errors.
    public static func object(json: Data, source: String) throws(ProverNetClientError) -> String {
        _ = try validate(json, source: source)
        let text = trimmed(json)
        guard text.first == UInt8(ascii: "{") else {
            throw .inputNotAnObject(path: source, index: nil, found: typeName(text))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The input objects of a JSON array; `source` names it in errors.
    public static func array(json: Data, source: String) throws(ProverNetClientError) -> [String] {
        let value = try validate(json, source: source)
        guard let elements = value as? [Any] else {
            throw .inputNotAnObject(path: source, index: nil, found: "\(typeName(trimmed(json))), not an array of input objects")
        }
        let texts = JSONArraySplitter.elements(of: Array(json))
        // The splitter and the parser must agree; they do for valid JSON, which `validate` has checked.
        guard texts.count == elements.count else {
            throw .malformedInputJSON(path: source, reason: "found \(texts.count) elements where the parser found \(elements.count)")
        }
        for (index, text) in texts.enumerated() where text.first != UInt8(ascii: "{") {
            throw .inputNotAnObject(path: source, index: index, found: typeName(text))
        }
        guard !texts.isEmpty else { throw .noInputs }
        return texts.map { String(decoding: $0, as: UTF8.self) }
    }

    /// One input for an object, the elements for an array.
    public static func inputs(json: Data, source: String) throws(ProverNetClientError) -> [String] {
        if trimmed(json).first == UInt8(ascii: "[") { return try array(json: json, source: source) }
        return [try object(json: json, source: source)]
    }

    private static func read(_ url: URL) throws(ProverNetClientError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .file(path: url.path, reason: "cannot read the input: \(error.localizedDescription)")
        }
    }

    private static func validate(_ json: Data, source: String) throws(ProverNetClientError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            let nsError = error as NSError
            let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw .malformedInputJSON(path: source, reason: detail)
        }
    }

    private static func trimmed(_ json: Data) -> ArraySlice<UInt8> {
        let bytes = Array(json)
        var start = 0
        var end = bytes.count
        while start < end, JSONArraySplitter.isWhitespace(bytes[start]) { start += 1 }
        while end > start, JSONArraySplitter.isWhitespace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// The kind of a valid JSON value's text, from its first byte.
    private static func typeName(_ text: ArraySlice<UInt8>) -> String {
        switch text.first {
        case UInt8(ascii: "{"): "object"
        case UInt8(ascii: "["): "array"
        case UInt8(ascii: "\""): "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
        case UInt8(ascii: "n"): "null"
        default: "number"
        }
    }
}

/// Finds the text of each element of a JSON array without parsing the elements: a scan that tracks
/// strings (with escapes) and nesting depth. Only for text that is already known to be valid JSON.
enum JSONArraySplitter {
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func elements(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var i = 0
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return [] }
        i += 1
        var elements: [ArraySlice<UInt8>] = []
        var depth = 0
        var inString = false
        var start: Int? = nil
        func close(at end: Int) {
            guard var s = start else { return }
            var e = end
            while s < e, isWhitespace(bytes[s]) { s += 1 }
            while e > s, isWhitespace(bytes[e - 1]) { e -= 1 }
            if s < e { elements.append(bytes[s..<e]) }
            start = nil
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    i += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if start == nil { start = i }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    if start == nil { start = i }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 {  // the array's own closing bracket
                        close(at: i)
                        return elements
                    }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 { close(at: i) }
                default:
                    if start == nil, !isWhitespace(byte) { start = i }
                }
            }
            i += 1
        }
        return elements
    }
}
