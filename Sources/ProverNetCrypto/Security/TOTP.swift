import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238, over RFC 4226's HOTP): what an authenticator app shows.
/// The network's administrators use SHA-1, 30-second steps and 6 digits, as authenticator apps expect; the
/// other hashes are here because RFC 6238's own test vectors use them. Written here on swift-crypto's HMAC:
/// no library on this machine does TOTP.
public struct TOTP: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"
    }

    public let secret: [UInt8]
    public let algorithm: Algorithm
    public let digits: Int
    public let period: Int64

    /// A generator for `secret` (at least 16 bytes: RFC 4226 asks for 128 bits, recommends 160).
    public init(secret: [UInt8], algorithm: Algorithm = .sha1, digits: Int = 6, period: Int64 = 30) {
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    /// A fresh 160-bit secret from the system's cryptographically secure generator.
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The time step of a Unix time in seconds.
    public func step(atUnixSeconds seconds: Int64) -> Int64 { seconds >= 0 ? seconds / period : -1 }

    /// The code of a time step, zero-padded to `digits`.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
            }
        // RFC 4226 §5.3: dynamic truncation.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus = modulus &* 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - value.count)) + value
    }

    /// The code at a Unix time in seconds.
    public func code(atUnixSeconds seconds: Int64) -> String { code(step: step(atUnixSeconds: seconds)) }

    /// The time step whose code `presented` is, among the current step and `drift` steps either side (RFC
    /// 6238 §5.2), or nil. Compared in a time that does not depend on where the codes differ.
    public func matchingStep(_ presented: String, atUnixSeconds seconds: Int64, drift: Int64 = 1) -> Int64? {
        guard presented.utf8.count == digits, presented.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let now = step(atUnixSeconds: seconds)
        var found: Int64?
        for candidate in (now - drift)...(now + drift) where candidate >= 0 {
            if ConstantTime.equal(Array(code(step: candidate).utf8), Array(presented.utf8)) { found = candidate }
        }
        return found
    }

    /// The `otpauth://` URI that authenticator apps read (Google Authenticator's key URI format).
    public func uri(account: String, issuer: String) -> String {
        func escape(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))"
            + "&issuer=\(escape(issuer))&algorithm=\(algorithm.rawValue)&digits=\(digits)&period=\(period)"
    }
}

/// Comparisons whose time does not depend on where the bytes differ.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
