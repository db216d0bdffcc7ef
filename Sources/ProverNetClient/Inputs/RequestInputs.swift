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
        let bytes = Array(json)
        let value = try scan(bytes, source: source).value
        guard value.kind == .object else {
            throw .inputNotAnObject(path: source, index: nil, found: value.kind.rawValue)
        }
        return String(decoding: bytes[value.range], as: UTF8.self)
    }

    /// The input objects of a JSON array; `source` names it in errors.
    public static func array(json: Data, source: String) throws(ProverNetClientError) -> [String] {
        let bytes = Array(json)
        let (value, elements) = try scan(bytes, source: source)
        guard value.kind == .array else {
            throw .inputNotAnObject(
                path: source, index: nil, found: "\(value.kind.rawValue), not an array of input objects")
        }
        for (index, element) in elements.enumerated() where element.kind != .object {
            throw .inputNotAnObject(path: source, index: index, found: element.kind.rawValue)
        }
        guard !elements.isEmpty else { throw .noInputs }
        return elements.map { String(decoding: bytes[$0.range], as: UTF8.self) }
    }

    /// One input for an object, the elements for an array.
    public static func inputs(json: Data, source: String) throws(ProverNetClientError) -> [String] {
        if try scan(Array(json), source: source).value.kind == .array { return try array(json: json, source: source) }
        return [try object(json: json, source: source)]
    }

    /// Reads to the end, so that a pipe (`--inputs <(…)`, /dev/stdin) works as well as a file.
    private static func read(_ url: URL) throws(ProverNetClientError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .file(path: url.path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .file(path: url.path, reason: "a directory, not an input file") }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw .file(path: url.path, reason: "cannot open it for reading")
        }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw .file(path: url.path, reason: "cannot read the input: \(error.localizedDescription)")
        }
    }

    private static func scan(_ bytes: [UInt8], source: String) throws(ProverNetClientError)
        -> (value: JSONScanner.Span, elements: [JSONScanner.Span])
    {
        do {
            return try JSONScanner.scan(bytes)
        } catch {
            throw .malformedInputJSON(path: source, reason: error.description)
        }
    }
}
