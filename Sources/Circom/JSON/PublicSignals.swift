import BN254

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// snarkjs's public.json: a JSON array of decimal strings, the public outputs then the public inputs.
public enum PublicSignals {
    /// Parses public.json. A signal that is not a number is `.invalidJSONValue`; one that is not below r is
    /// `.publicSignalOutOfRange` (snarkjs's verifier rejects it too, since it would alias a smaller value).
    public static func decode(_ data: Data, file: String = "public.json") throws(CircomError) -> [Fr] {
        let strings = try SnarkjsJSONLayout.decode([String].self, from: data, file: file, what: "public signals")
        return try values(strings, file: file)
    }

    /// Reads a public.json file.
    public static func read(_ url: URL) throws(CircomError) -> [Fr] {
        try decode(try SnarkjsJSONLayout.read(url), file: url.path)
    }

    /// The field elements of decimal (or 0x-hexadecimal) strings.
    public static func values(_ strings: [String], file: String = "public.json") throws(CircomError) -> [Fr] {
        var result: [Fr] = []
        result.reserveCapacity(strings.count)
        for (index, string) in strings.enumerated() {
            do {
                result.append(try Fr(string: string))
            } catch .notInField {
                throw .publicSignalOutOfRange(file: file, index: index, value: string)
            } catch {
                throw .invalidJSONValue(file: file, field: "[\(index)]", reason: error.description)
            }
        }
        return result
    }

    /// public.json as snarkjs lays it out.
    public static func encode(_ signals: [Fr]) -> Data {
        SnarkjsJSONLayout.encode(signals.map(\.decimal))
    }

    /// Writes public.json.
    public static func write(_ signals: [Fr], to url: URL) throws(CircomError) {
        try SnarkjsJSONLayout.write(encode(signals), to: url)
    }
}
