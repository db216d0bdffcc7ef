import Crypto
import Foundation
import ProverNetCore

/// An API key as a caller holds it: `pnk_<id>_<secret>`, where the id (16 hex digits) names the key in
/// lists and the audit log, and the secret is 256 random bits (64 hex digits) that the gateway never stores:
/// it keeps SHA-256 of it. A plain hash suffices because the secret is random and long (nothing to guess
/// from a dictionary); a slow password hash protects low-entropy secrets, which these are not.
public struct APIKeySecret: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "pnk_"

    public let id: String
    let secret: String

    /// The key's text, to show once and then forget.
    public var text: String { "\(Self.prefix)\(id)_\(secret)" }

    /// Never the secret.
    public var description: String { "API key \(id)" }

    /// A fresh key from the system's cryptographically secure generator.
    public static func random() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        func hex(_ count: Int) -> String { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.hex }
        return APIKeySecret(id: hex(8), secret: hex(32))
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// A key from its text (white space around it ignored), or nil if it is not of the form.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else { return nil }
        let parts = trimmed.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count == 16, parts[1].utf8.count == 64,
            Self.isLowerHex(parts[0]), Self.isLowerHex(parts[1])
        else { return nil }
        self.init(id: String(parts[0]), secret: String(parts[1]))
    }

    /// What the gateway stores: SHA-256 of the secret, as hex.
    public var hash: String { Self.hash(secret: secret) }

    static func hash(secret: String) -> String {
        Array(SHA256.hash(data: Data("provernet-api-key-v1|\(secret)".utf8))).hex
    }

    /// Whether this key's secret hashes to `storedHash`, compared in constant time.
    public func matches(storedHash: String) -> Bool {
        ConstantTime.equal(Array(hash.utf8), Array(storedHash.utf8))
    }

    static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
