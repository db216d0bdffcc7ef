import Foundation

/// A JSON value of typed data's domain or message: a string, an integer, a boolean or a nested struct.
public enum TypedValue: Sendable, Equatable, Codable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case object([String: TypedValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .integer(i)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else {
            self = .object(try container.decode([String: TypedValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .integer(let i): try container.encode(i)
        case .bool(let b): try container.encode(b)
        case .object(let o): try container.encode(o)
        }
    }
}

/// EIP-712 typed structured data in the JSON shape that `eth_signTypedData_v4` takes (types, primaryType,
/// domain, message), with the hashing of the EIP: keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message)).
/// Supported member types: the atomic ones (`address`, `bool`, `uintN`, `intN` for non-negative values,
/// `bytesN`), the dynamic `string` and `bytes`, and nested structs; arrays are not needed here and refused.
public struct TypedData: Sendable, Equatable, Codable {
    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public var types: [String: [Field]]
    public var primaryType: String
    public var domain: [String: TypedValue]
    public var message: [String: TypedValue]

    public init(
        types: [String: [Field]], primaryType: String, domain: [String: TypedValue], message: [String: TypedValue]
    ) {
        self.types = types
        self.primaryType = primaryType
        self.domain = domain
        self.message = message
    }

    /// The hash that is signed.
    public func signingHash() throws(EthereumError) -> [UInt8] {
        let separator = try hashStruct("EIP712Domain", domain)
        let message = try hashStruct(primaryType, self.message)
        return Keccak256.hash([0x19, 0x01] + separator + message)
    }

    /// `key`'s signature of this typed data.
    public func sign(with key: PrivateKey) throws(EthereumError) -> Signature {
        try key.sign(hash: signingHash())
    }

    /// The address that signed this typed data with `signature`.
    public func recover(_ signature: Signature) throws(EthereumError) -> Address {
        try signature.recoverAddress(hash: signingHash())
    }

    /// encodeType: "Name(type1 name1,…)" followed by the referenced struct types, sorted by name.
    public func encodeType(_ name: String) throws(EthereumError) -> String {
        var found = Set<String>()
        try collect(name, into: &found)
        found.remove(name)
        var out = ""
        for type in [name] + found.sorted() {
            guard let fields = types[type] else { throw .typedData("unknown type \(type)") }
            out += "\(type)(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }
        return out
    }

    func collect(_ name: String, into found: inout Set<String>) throws(EthereumError) {
        guard !found.contains(name) else { return }
        guard let fields = types[name] else { throw .typedData("unknown type \(name)") }
        found.insert(name)
        for field in fields where types[field.type] != nil { try collect(field.type, into: &found) }
    }

    /// hashStruct(s) = keccak256(typeHash ‖ encodeData(s)).
    public func hashStruct(_ type: String, _ value: [String: TypedValue]) throws(EthereumError) -> [UInt8] {
        guard let fields = types[type] else { throw .typedData("unknown type \(type)") }
        var encoded = Keccak256.hash(try encodeType(type))
        for field in fields {
            guard let member = value[field.name] else {
                throw .typedData("\(type).\(field.name) is missing")
            }
            encoded += try encodeValue(field.type, member, path: "\(type).\(field.name)")
        }
        return Keccak256.hash(encoded)
    }

    func encodeValue(_ type: String, _ value: TypedValue, path: String) throws(EthereumError) -> [UInt8] {
        if types[type] != nil {
            guard case .object(let object) = value else { throw .typedData("\(path) must be an object") }
            return try hashStruct(type, object)
        }
        switch (type, value) {
        case ("string", .string(let s)):
            return Keccak256.hash(s)
        case ("bytes", .string(let s)):
            do { return Keccak256.hash(try Hex.decode(s)) } catch { throw .typedData("\(path) is not hex") }
        case ("bool", .bool(let b)):
            return UInt256(b ? 1 : 0).bigEndianBytes
        case ("address", .string(let s)):
            do { return ABI.word(try Address(s)) } catch { throw .typedData("\(path): \(error)") }
        case _ where type.hasPrefix("uint") || type.hasPrefix("int"):
            let number: UInt256
            switch value {
            case .integer(let i) where i >= 0: number = UInt256(UInt64(i))
            case .string(let s):
                do { number = try UInt256(s) } catch { throw .typedData("\(path): \(error)") }
            default: throw .typedData("\(path) must be a non-negative integer")
            }
            let bits = Int(type.drop(while: { $0.isLetter })) ?? 256
            guard bits == 256 || number < UInt256(limbs: Self.power(bits)) else {
                throw .typedData("\(path) does not fit \(type)")
            }
            return number.bigEndianBytes
        case _ where type.hasPrefix("bytes"):
            guard let size = Int(type.dropFirst(5)), (1...32).contains(size), case .string(let s) = value else {
                throw .typedData("\(path) has an unsupported type \(type) or value")
            }
            do {
                let bytes = try Hex.decode(s, count: size)
                return bytes + [UInt8](repeating: 0, count: 32 - size)
            } catch { throw .typedData("\(path) is not \(size) bytes of hex") }
        default:
            throw .typedData("\(path) has an unsupported type \(type) or a value of the wrong kind")
        }
    }

    /// 2^bits as limbs, for bits < 256.
    static func power(_ bits: Int) -> (UInt64, UInt64, UInt64, UInt64) {
        var limbs: [UInt64] = [0, 0, 0, 0]
        limbs[bits / 64] = 1 << UInt64(bits % 64)
        return (limbs[0], limbs[1], limbs[2], limbs[3])
    }

    /// The JSON a wallet's `eth_signTypedData_v4` takes (keys sorted, so the output is stable).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of strings, integers and booleans cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
