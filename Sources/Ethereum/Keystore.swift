import Crypto
import Foundation
import _CryptoExtras

/// Reads a Web3 Secret Storage keystore (version 3: what geth, Clef, MetaMask's export and eth-account write) with
/// its password: the key derivation (scrypt or PBKDF2-HMAC-SHA256) and AES-128-CTR come from swift-crypto's
/// `_CryptoExtras` (BoringSSL); the MAC is Keccak-256 of the derived key's second half and the ciphertext.
public enum Keystore {
    /// The most memory a keystore's scrypt parameters may ask for (128·r·N bytes): 1 GiB, four times geth's
    /// standard (N = 2^18, r = 8). A file asking more is refused rather than let it exhaust the machine.
    public static let maximumScryptBytes = 1 << 30

    /// The private key in `json`, decrypted with `password`.
    public static func decrypt(_ json: Data, password: String) throws(KeystoreError) -> PrivateKey {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch {
            throw .malformed("not a version 3 keystore: \(error)")
        }
        guard file.version == 3 else { throw .malformed("version \(file.version), only 3 is read") }
        let crypto = file.crypto
        guard crypto.cipher == "aes-128-ctr" else { throw .unsupported("cipher \(crypto.cipher)") }
        let salt = try bytes(crypto.kdfparams.salt, "kdfparams.salt")
        let iv = try bytes(crypto.cipherparams.iv, "cipherparams.iv")
        let ciphertext = try bytes(crypto.ciphertext, "ciphertext")
        let mac = try bytes(crypto.mac, "mac")
        guard iv.count == 16 else { throw .malformed("cipherparams.iv has \(iv.count) bytes, not 16") }
        guard ciphertext.count == 32 else { throw .malformed("ciphertext has \(ciphertext.count) bytes, not 32") }
        guard crypto.kdfparams.dklen == 32 else { throw .unsupported("kdfparams.dklen \(crypto.kdfparams.dklen)") }
        let password = Array(password.utf8)
        let derived: SymmetricKey
        do {
            switch crypto.kdf {
            case "scrypt":
                guard let n = crypto.kdfparams.n, let r = crypto.kdfparams.r, let p = crypto.kdfparams.p,
                    n > 1, n & (n - 1) == 0, (1...64).contains(r), (1...16).contains(p)
                else { throw KeystoreError.malformed("scrypt needs n (a power of 2), r (1 to 64) and p (1 to 16)") }
                let (memory, overflow) = (128 * r).multipliedReportingOverflow(by: n)
                guard !overflow, memory <= maximumScryptBytes else {
                    throw KeystoreError.unsupported("scrypt parameters asking \(n)·\(r)·128 bytes (over 1 GiB)")
                }
                derived = try KDF.Scrypt.deriveKey(
                    from: password, salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p,
                    maxMemory: memory + (1 << 20))
            case "pbkdf2":
                guard crypto.kdfparams.prf == "hmac-sha256", let c = crypto.kdfparams.c, (1...10_000_000).contains(c)
                else { throw KeystoreError.unsupported("pbkdf2 needs prf hmac-sha256 and c from 1 to 10^7") }
                derived = try KDF.Insecure.PBKDF2.deriveKey(
                    from: password, salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: c)
            case let other:
                throw KeystoreError.unsupported("kdf \(other)")
            }
        } catch let error as KeystoreError {
            throw error
        } catch {
            throw .malformed("the key derivation failed: \(error)")
        }
        let key = derived.withUnsafeBytes { Array($0) }
        guard Keccak256.hash(key[16..<32] + ciphertext) == mac else {
            throw .wrongPassword
        }
        let plain: Data
        do {
            plain = try AES._CTR.decrypt(
                ciphertext, using: SymmetricKey(data: key[0..<16]), nonce: try AES._CTR.Nonce(nonceBytes: iv))
        } catch {
            throw .malformed("AES-128-CTR: \(error)")
        }
        let privateKey: PrivateKey
        do { privateKey = try PrivateKey(rawBytes: Array(plain)) } catch {
            throw .malformed("the decrypted key is not a secp256k1 private key")
        }
        if let address = file.address,
            let named = try? Address("0x" + address.replacingOccurrences(of: "0x", with: "")),
            named != privateKey.address
        {
            throw .malformed("the file names address \(named), its key is \(privateKey.address)")
        }
        return privateKey
    }

    static func bytes(_ hex: String, _ field: String) throws(KeystoreError) -> [UInt8] {
        do { return try Hex.decode(hex) } catch { throw .malformed("\(field) is not hex") }
    }

    struct File: Decodable {
        var version: Int
        var address: String?
        var crypto: Crypto

        struct Crypto: Decodable {
            var cipher: String
            var cipherparams: CipherParams
            var ciphertext: String
            var kdf: String
            var kdfparams: KDFParams
            var mac: String
        }

        struct CipherParams: Decodable { var iv: String }

        struct KDFParams: Decodable {
            var dklen: Int
            var salt: String
            var n: Int?
            var r: Int?
            var p: Int?
            var c: Int?
            var prf: String?
        }

        enum CodingKeys: String, CodingKey {
            case version, address, crypto
            /// Some writers (older geth) capitalize it.
            case cryptoCapitalized = "Crypto"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            version = try container.decode(Int.self, forKey: .version)
            address = try container.decodeIfPresent(String.self, forKey: .address)
            crypto =
                try container.decodeIfPresent(Crypto.self, forKey: .crypto)
                ?? container.decode(Crypto.self, forKey: .cryptoCapitalized)
        }
    }
}

/// Why a keystore cannot be read.
public enum KeystoreError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)
    /// The MAC does not match: the password is wrong (or the file was changed).
    case wrongPassword

    public var description: String {
        switch self {
        case .malformed(let why): "keystore malformed: \(why)"
        case .unsupported(let what): "keystore not supported: \(what)"
        case .wrongPassword: "keystore: wrong password (the MAC does not match)"
        }
    }
}
