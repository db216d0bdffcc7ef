import CSecp256k1

/// libsecp256k1's context, created once. A context is safe to share between threads for the operations
/// used here (none of them randomizes or otherwise mutates it after creation).
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()
    let pointer: OpaquePointer

    private init() {
        // SECP256K1_CONTEXT_NONE (1): since 0.2.0 signing and verifying need no flags.
        guard let context = secp256k1_context_create(UInt32(1)) else {
            // An invariant: creation fails only when the library cannot allocate a few hundred bytes.
            fatalError("libsecp256k1 could not create a context")
        }
        pointer = context
    }
}

/// A secp256k1 private key as Ethereum uses it: 32 bytes, signing recoverably (RFC 6979 deterministic
/// nonces, low s), so its signatures can be compared byte for byte with any other implementation's.
public struct PrivateKey: Sendable {
    /// The 32 secret bytes. Never log them.
    public let rawBytes: [UInt8]

    /// A key of 32 bytes; throws for zero or a value not below the group order.
    public init(rawBytes: [UInt8]) throws(EthereumError) {
        guard rawBytes.count == 32,
            secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, rawBytes) == 1
        else { throw .invalidPrivateKey }
        self.rawBytes = rawBytes
    }

    /// A key from 64 hex digits (`0x` optional).
    public init(hex: String) throws(EthereumError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, count: 32) } catch { throw .invalidPrivateKey }
        try self.init(rawBytes: bytes)
    }

    /// A fresh random key.
    public static func generate() -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        while true {
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            if let key = try? PrivateKey(rawBytes: bytes) { return key }
        }
    }

    /// The 64-byte uncompressed public key (x‖y, no 0x04 prefix).
    public var publicKey: [UInt8] {
        let context = Secp256k1Context.shared.pointer
        var pubkey = secp256k1_pubkey()
        // Cannot fail: the key was checked in init.
        _ = secp256k1_ec_pubkey_create(context, &pubkey, rawBytes)
        return Secp256k1.serialize(pubkey)
    }

    /// The key's address.
    public var address: Address { Address(publicKey: publicKey) }

    /// Signs a 32-byte hash: r‖s‖v with v = 27 + recovery id.
    public func sign(hash: [UInt8]) throws(EthereumError) -> Signature {
        guard hash.count == 32 else { throw .invalidSignature("the signed hash must be 32 bytes") }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard secp256k1_ecdsa_sign_recoverable(context, &signature, hash, rawBytes, nil, nil) == 1 else {
            throw .library("signing failed")
        }
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(context, &compact, &recoveryID, &signature)
        return try Signature(bytes: compact + [UInt8(27 + recoveryID)])
    }
}

/// An Ethereum signature: 65 bytes r‖s‖v, v = 27 + recovery id (0 and 1 are read as 27 and 28). Only low s
/// is accepted (EIP-2), so a signature has one form.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    /// r‖s‖v with v in 27, 28.
    public let bytes: [UInt8]

    /// (n − 1) / 2 for secp256k1's group order n, big-endian.
    static let halfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57,
        0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    ]

    public init(bytes: [UInt8]) throws(EthereumError) {
        guard bytes.count == 65 else { throw .invalidSignature("\(bytes.count) bytes, not 65") }
        var normalized = bytes
        switch bytes[64] {
        case 0, 1: normalized[64] = bytes[64] + 27
        case 27, 28: break
        default: throw .invalidSignature("v is \(bytes[64]), not 27 or 28")
        }
        let s = Array(bytes[32..<64])
        guard s.lexicographicallyPrecedes(Signature.halfOrder) || s == Signature.halfOrder else {
            throw .invalidSignature("s is in the upper half of the group order (EIP-2 allows only low s)")
        }
        self.bytes = normalized
    }

    /// From `0x` and 130 hex digits.
    public init(hex: String) throws(EthereumError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, count: 65) } catch { throw .invalidSignature("not 65 bytes of hex") }
        try self.init(bytes: bytes)
    }

    public var r: [UInt8] { Array(bytes[0..<32]) }
    public var s: [UInt8] { Array(bytes[32..<64]) }
    public var v: UInt8 { bytes[64] }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// The 64-byte public key that made this signature over `hash`.
    public func recoverPublicKey(hash: [UInt8]) throws(EthereumError) -> [UInt8] {
        guard hash.count == 32 else { throw .invalidSignature("the signed hash must be 32 bytes") }
        let context = Secp256k1Context.shared.pointer
        var signature = secp256k1_ecdsa_recoverable_signature()
        guard
            secp256k1_ecdsa_recoverable_signature_parse_compact(
                context, &signature, Array(bytes[0..<64]), Int32(v) - 27) == 1
        else { throw .invalidSignature("r or s is not below the group order") }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context, &pubkey, &signature, hash) == 1 else { throw .recoveryFailed }
        return Secp256k1.serialize(pubkey)
    }

    /// The address that made this signature over `hash`.
    public func recoverAddress(hash: [UInt8]) throws(EthereumError) -> Address {
        Address(publicKey: try recoverPublicKey(hash: hash))
    }
}

enum Secp256k1 {
    static func serialize(_ pubkey: secp256k1_pubkey) -> [UInt8] {
        var pubkey = pubkey
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        // SECP256K1_EC_UNCOMPRESSED (2): 0x04‖x‖y.
        _ = secp256k1_ec_pubkey_serialize(Secp256k1Context.shared.pointer, &output, &length, &pubkey, UInt32(2))
        return Array(output[1..<65])
    }
}
