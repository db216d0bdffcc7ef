import Crypto
import Foundation

/// Seals the secrets the gateway must keep but not show (administrators' TOTP secrets) with AES-256-GCM
/// under a key in `DATA_DIR/secrets.key` (mode 0600), so that the database holds only ciphertext: a copy of
/// the database alone reveals no second factor. Gateways that share one database must share this file.
public struct SecretSealer: Sendable {
    public static let fileName = "secrets.key"

    /// The key's 32 bytes (SymmetricKey is not Sendable).
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: SymmetricKey) { keyBytes = key.withUnsafeBytes { Array($0) } }

    /// A sealer with a fresh key of its own, kept nowhere (tests).
    public static func ephemeral() -> SecretSealer { SecretSealer(key: SymmetricKey(size: .bits256)) }

    /// The sealer of a data directory, making its key (0600) the first time.
    public static func loadOrCreate(dataDirectory: String) throws(SealingError) -> SecretSealer {
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw .badKeyFile(path: path, reason: "\(data.count) bytes, not 32") }
            return SecretSealer(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Array($0) }
        do {
            try SecretFile.create(bytes, at: path)
        } catch {
            throw .badKeyFile(path: path, reason: error.reason)
        }
        return SecretSealer(key: key)
    }

    /// `plaintext` sealed, bound to `context` (the key id it belongs to), as nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: [UInt8], context: String) throws(SealingError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw SealingError.unsealable("no combined form") }
            return Array(combined)
        } catch let error as SealingError {
            throw error
        } catch {
            throw .unsealable("\(error)")
        }
    }

    /// The plaintext of `sealed`, or an error if it was sealed under another key or context, or changed.
    public func open(_ sealed: [UInt8], context: String) throws(SealingError) -> [UInt8] {
        do {
            return Array(
                try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8)))
        } catch {
            throw .unsealable("sealed under another secrets.key, for another key, or changed")
        }
    }
}

public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    case badKeyFile(path: String, reason: String)
    case unsealable(String)

    public var description: String {
        switch self {
        case .badKeyFile(let path, let reason): "the secrets key \(path): \(reason)"
        case .unsealable(let reason): "a sealed secret cannot be opened: \(reason)"
        }
    }
}
