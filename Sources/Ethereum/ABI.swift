/// A value to ABI-encode: what the registry's calls take.
public indirect enum ABIValue: Sendable, Equatable {
    case address(Address)
    case uint(UInt256)
    case bool(Bool)
    /// A tuple of static members, encoded inline (an operator set `(address avs, uint32 id)`).
    case tuple([ABIValue])
    /// A dynamic array of addresses (`address[]`).
    case addresses([Address])
    /// A dynamic array of `uint256` (`uint256[]`).
    case uints([UInt256])
    /// A `string` (UTF-8 bytes, padded to whole words).
    case string(String)

    var isDynamic: Bool {
        switch self {
        case .addresses, .uints, .string: true
        case .tuple(let members): members.contains { $0.isDynamic }
        default: false
        }
    }
}

/// The Solidity ABI, as far as the registry's and the slasher's calls need it: static words, tuples (static
/// ones inline, dynamic ones by offset), `address[]`, `uint256[]` and `string` arguments; `bool`, `uint`, `address`, `uint256[]` and `uint256[][]` results.
public enum ABI {
    /// The 4-byte selector of a canonical signature such as `isOperator(address)`.
    public static func selector(_ signature: String) -> [UInt8] { Array(Keccak256.hash(signature).prefix(4)) }

    /// An address as a word: left-padded with zeros.
    public static func word(_ address: Address) -> [UInt8] { [UInt8](repeating: 0, count: 12) + address.bytes }

    /// The call data of `signature` with `arguments`.
    public static func call(_ signature: String, _ arguments: [ABIValue]) -> [UInt8] {
        selector(signature) + encode(arguments)
    }

    /// The head/tail encoding of a list of values (as a function's arguments or a tuple's members).
    public static func encode(_ values: [ABIValue]) -> [UInt8] {
        let headSize = values.reduce(0) { $0 + ($1.isDynamic ? 32 : staticSize($1)) }
        var head = [UInt8]()
        var tail = [UInt8]()
        for value in values {
            if value.isDynamic {
                head += UInt256(UInt64(headSize + tail.count)).bigEndianBytes
                tail += encodeOne(value)
            } else {
                head += encodeOne(value)
            }
        }
        return head + tail
    }

    static func staticSize(_ value: ABIValue) -> Int {
        if case .tuple(let members) = value { return members.reduce(0) { $0 + staticSize($1) } }
        return 32
    }

    static func encodeOne(_ value: ABIValue) -> [UInt8] {
        switch value {
        case .address(let a): word(a)
        case .uint(let u): u.bigEndianBytes
        case .bool(let b): UInt256(b ? 1 : 0).bigEndianBytes
        case .tuple(let members): encode(members)
        case .addresses(let list): UInt256(UInt64(list.count)).bigEndianBytes + list.flatMap(word)
        case .uints(let list): UInt256(UInt64(list.count)).bigEndianBytes + list.flatMap(\.bigEndianBytes)
        case .string(let text):
            UInt256(UInt64(text.utf8.count)).bigEndianBytes + Array(text.utf8)
                + [UInt8](repeating: 0, count: (32 - text.utf8.count % 32) % 32)
        }
    }

    // MARK: Decoding

    /// The word at byte `offset`.
    static func word(_ data: [UInt8], at offset: Int) throws(EthereumError) -> [UInt8] {
        guard offset >= 0, offset + 32 <= data.count else {
            throw .abiDecoding("a word at byte \(offset) is past the end (\(data.count) bytes)")
        }
        return Array(data[offset..<(offset + 32)])
    }

    /// A word read as an offset or a length: must be small.
    static func index(_ data: [UInt8], at offset: Int) throws(EthereumError) -> Int {
        guard let value = try UInt256(bigEndian: word(data, at: offset)).uint64, value < UInt64(data.count) + 1
        else { throw .abiDecoding("an offset or length at byte \(offset) is out of range") }
        return Int(value)
    }

    /// The first result as a `uint256`.
    public static func decodeUInt(_ data: [UInt8]) throws(EthereumError) -> UInt256 {
        try UInt256(bigEndian: word(data, at: 0))
    }

    /// The first result as a `bool` (only 0 and 1 are valid).
    public static func decodeBool(_ data: [UInt8]) throws(EthereumError) -> Bool {
        let value = try decodeUInt(data)
        guard value <= UInt256(1) else { throw .abiDecoding("a bool is \(value)") }
        return value == UInt256(1)
    }

    /// The first result as an `address` (the 12 high bytes must be zero).
    public static func decodeAddress(_ data: [UInt8]) throws(EthereumError) -> Address {
        let w = try word(data, at: 0)
        guard w.prefix(12).allSatisfy({ $0 == 0 }), let address = Address(bytes: Array(w.suffix(20))) else {
            throw .abiDecoding("an address has non-zero high bytes")
        }
        return address
    }

    /// The first result as a `uint256[]`.
    public static func decodeUIntArray(_ data: [UInt8]) throws(EthereumError) -> [UInt256] {
        try uintArray(data, at: index(data, at: 0))
    }

    static func uintArray(_ data: [UInt8], at start: Int) throws(EthereumError) -> [UInt256] {
        let count = try index(data, at: start)
        var out = [UInt256]()
        for i in 0..<count { out.append(try UInt256(bigEndian: word(data, at: start + 32 + 32 * i))) }
        return out
    }

    /// The first result as a `uint256[][]`: offsets of the inner arrays are relative to the start of the
    /// outer array's elements.
    public static func decodeUIntMatrix(_ data: [UInt8]) throws(EthereumError) -> [[UInt256]] {
        let start = try index(data, at: 0)
        let count = try index(data, at: start)
        let elements = start + 32
        var out = [[UInt256]]()
        for i in 0..<count {
            let offset = try index(data, at: elements + 32 * i)
            out.append(try uintArray(data, at: elements + offset))
        }
        return out
    }
}
