/// What went wrong in the Ethereum module, with what a user needs to act on it.
public enum EthereumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hex string that is not hex, or has the wrong length.
    case invalidHex(String, expectedBytes: Int?)
    /// A private key that is zero or not below the curve's order.
    case invalidPrivateKey
    /// A signature that is not 65 bytes r‖s‖v with v in 27, 28 (or 0, 1), or whose s is high (EIP-2).
    case invalidSignature(String)
    /// The public key could not be recovered from the signature and hash.
    case recoveryFailed
    /// An address whose mixed case does not match its EIP-55 checksum.
    case badChecksum(String)
    /// Typed data that cannot be encoded (unknown type, a value of the wrong shape).
    case typedData(String)
    /// An ABI value that cannot be decoded (too short, an offset out of range, a value out of its type's range).
    case abiDecoding(String)
    /// A decimal or hex number that is not a number, or does not fit 256 bits.
    case invalidNumber(String)
    /// The JSON-RPC endpoint could not be reached or answered something that is not JSON-RPC.
    case rpcTransport(String)
    /// The JSON-RPC endpoint answered with an error (a revert is one).
    case rpcError(code: Int, message: String)
    /// libsecp256k1 refused an operation that cannot fail for valid inputs.
    case library(String)

    public var description: String {
        switch self {
        case .invalidHex(let text, let expected):
            let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
            if let expected { return "'\(shown)' is not \(expected) bytes of hex" }
            return "'\(shown)' is not hex"
        case .invalidPrivateKey: return "the private key is zero or not below secp256k1's group order"
        case .invalidSignature(let why): return "invalid signature: \(why)"
        case .recoveryFailed: return "no public key recovers from this signature and hash"
        case .badChecksum(let address): return "\(address) has mixed case that does not match its EIP-55 checksum"
        case .typedData(let why): return "typed data: \(why)"
        case .abiDecoding(let why): return "ABI decoding: \(why)"
        case .invalidNumber(let text): return "'\(text)' is not an unsigned 256-bit number"
        case .rpcTransport(let why): return "JSON-RPC transport: \(why)"
        case .rpcError(let code, let message): return "JSON-RPC error \(code): \(message)"
        case .library(let why): return "libsecp256k1: \(why)"
        }
    }
}
