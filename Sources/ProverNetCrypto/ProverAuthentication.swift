import Crypto
import Foundation
import ProverNetCore

/// How a prover proves who it is: the gateway sends a random nonce; the prover signs
/// `"provernet-v1-challenge" ‖ nonce ‖ public key` with its Ed25519 key; the gateway checks the
/// signature and that the key is on its allowlist. The prover's id is the hex SHA-256 of the key.
public enum ProverAuthentication {
    public static let context = Array("provernet-v1-challenge".utf8)
    public static let nonceBytes = 32

    /// The bytes a prover signs.
    public static func challengeMessage(nonce: [UInt8], publicKey: [UInt8]) -> [UInt8] {
        context + nonce + publicKey
    }

    /// A fresh nonce.
    public static func newNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The prover id of a raw 32-byte Ed25519 public key.
    public static func proverID(publicKey: [UInt8]) -> ProverID { ProverID(ContentHash.sha256Hex(publicKey)) }

    /// Whether `signature` signs the challenge for `nonce` with `publicKey`.
    public static func verify(signature: [UInt8], nonce: [UInt8], publicKey: [UInt8]) -> Bool {
        guard publicKey.count == 32, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: challengeMessage(nonce: nonce, publicKey: publicKey))
    }
}

/// A prover's Ed25519 identity key, kept in a file as 64 hex digits (the raw private key), created with
/// mode 0600 if absent.
public struct ProverIdentity: Sendable {
    /// The raw 32-byte private key (swift-crypto's key type is not `Sendable`).
    let rawPrivateKey: [UInt8]
    public let publicKey: [UInt8]

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        rawPrivateKey = Array(privateKey.rawRepresentation)
        publicKey = Array(privateKey.publicKey.rawRepresentation)
    }

    /// The raw private key as 64 hex digits: what the key file holds.
    var privateKeyHex: String { rawPrivateKey.hex }
    public var proverID: ProverID { ProverAuthentication.proverID(publicKey: publicKey) }

    /// Signs the gateway's challenge.
    public func sign(nonce: [UInt8]) throws -> [UInt8] {
        Array(
            try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey).signature(
                for: ProverAuthentication.challengeMessage(nonce: nonce, publicKey: publicKey)))
    }

    /// Loads the key at `path`, or creates it there if the file does not exist.
    public static func loadOrCreate(at path: String) throws -> ProverIdentity {
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = [UInt8](hex: text), raw.count == 32 else {
                throw ProverNetError.invalidInput(
                    index: nil, reason: "\(path) does not hold a 64-hex-digit Ed25519 private key")
            }
            return ProverIdentity(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
        }
        let identity = ProverIdentity(privateKey: Curve25519.Signing.PrivateKey())
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((identity.privateKeyHex + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw ProverNetError.invalidInput(index: nil, reason: "cannot write the prover key \(path)")
        }
        return identity
    }
}
