#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// snarkjs writes its JSON with `JSON.stringify(value, null, 1)`: one space of indentation per level,
/// `"key": value`, empty arrays as `[]`, no newline at the end. JSONEncoder's `.prettyPrinted` differs
/// (two spaces, `" : "`), so the encoders here write compact JSON and this re-lays it out; the result for
/// a snarkjs proof is byte-for-byte what snarkjs writes.
enum SnarkjsJSONLayout {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Encoding these plain structs of strings, integers and arrays cannot fail.
        guard let compact = try? encoder.encode(value) else { return Data() }
        return Data(relayout(Array(compact)))
    }

    /// An object whose members come in the given order. JSONEncoder does not promise the order of a keyed
    /// container's members (on Linux it is a hash order), so each member is encoded on its own and the object
    /// is assembled here.
    static func encodeObject(_ members: [(key: String, value: any Encodable)]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var compact: [UInt8] = [UInt8(ascii: "{")]
        for (i, member) in members.enumerated() {
            // Strings, integers and arrays of them always encode.
            guard let key = try? encoder.encode(member.key), let value = try? encoder.encode(member.value) else {
                continue
            }
            if i > 0 { compact.append(UInt8(ascii: ",")) }
            compact += Array(key) + [UInt8(ascii: ":")] + Array(value)
        }
        compact.append(UInt8(ascii: "}"))
        return Data(relayout(compact))
    }

    /// Re-indents compact JSON (no whitespace outside strings) in snarkjs's layout.
    static func relayout(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        func newline() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth))
        }
        var i = 0
        while i < input.count {
            let byte = input[i]
            defer { i += 1 }
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if i + 1 < input.count && input[i + 1] == close {
                    output.append(byte)
                    output.append(close)
                    i += 1
                } else {
                    output.append(byte)
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                newline()
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newline()
            case UInt8(ascii: ":"):
                output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            default:
                output.append(byte)
            }
        }
        return output
    }

    /// Decodes with JSONDecoder and turns its errors into a `CircomError` that names the file and the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String, what: String) throws(CircomError)
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalidJSON(
                file: file, reason: "\(what): the field \"\(path(context.codingPath + [key]))\" is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalidJSON(
                file: file,
                reason: "\(what): \"\(path(context.codingPath))\" has the wrong type: \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .invalidJSON(file: file, reason: "\(what): \"\(path(context.codingPath))\" is null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalidJSON(file: file, reason: "\(what): not valid JSON (\(context.debugDescription))")
        } catch {
            throw .invalidJSON(file: file, reason: "\(what): \(error)")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    static func read(_ url: URL) throws(CircomError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .io(file: url.path, reason: "cannot read: \(fileErrorReason(error))")
        }
    }

    /// What a file error says to a user: "no such file", not Foundation's NSError dump.
    static func fileErrorReason(_ error: any Error) -> String {
        guard let cocoa = error as? CocoaError else { return "\(error)" }
        switch cocoa.code {
        case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding: return "not readable as text"
        default: return "file error \(cocoa.code.rawValue)"
        }
    }

    static func write(_ data: Data, to url: URL) throws(CircomError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .io(file: url.path, reason: "cannot write: \(fileErrorReason(error))")
        }
    }
}
