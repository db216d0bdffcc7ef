import Crypto
import Foundation
import Logging
import ProverNetCore
import Store

/// Signs the head of the audit chain with the gateway's own Ed25519 key, every `every` entries and at
/// shutdown, so that cutting the log's tail (or rewriting it and its hashes) is detectable. The key is made
/// on first start in the data directory: `audit.key` (raw, mode 0600) and `audit.pub` (hex, for whoever
/// verifies the log without the private key).
public actor AuditSigner {
    public static let keyFile = "audit.key"
    public static let publicKeyFile = "audit.pub"

    let key: Curve25519.Signing.PrivateKey
    let store: any GatewayStore
    let every: Int64
    let logger: Logger
    /// The last entry a head covers (read from the store at the first signing).
    var signedThrough: Int64?

    /// The public key that verifies the heads (hex), as `audit.pub` holds it.
    public nonisolated let publicKeyHex: String

    public init(dataDirectory: String, store: any GatewayStore, every: Int64, logger: Logger) throws {
        key = try Self.loadOrCreateKey(dataDirectory: dataDirectory)
        publicKeyHex = key.publicKey.rawRepresentation.hex
        self.store = store
        self.every = max(1, every)
        self.logger = logger
    }

    /// Signs the head if `every` entries or more came since the last signed one.
    public func signIfDue() async {
        await sign(minimumNewEntries: every)
    }

    /// Signs the head if any entry came since the last signed one (at shutdown).
    public func signNow() async {
        await sign(minimumNewEntries: 1)
    }

    private func sign(minimumNewEntries: Int64) async {
        do {
            if signedThrough == nil { signedThrough = try await store.auditHeads().last?.seq ?? 0 }
            guard let last = try await store.lastAuditEntry(), last.seq - (signedThrough ?? 0) >= minimumNewEntries
            else { return }
            let head = try AuditChain.sign(seq: last.seq, hash: last.hash, atMillis: Clock.nowMillis(), key: key)
            try await store.insertAuditHead(head)
            signedThrough = last.seq
            logger.debug("audit head signed", metadata: ["seq": "\(last.seq)"])
        } catch {
            logger.error("cannot sign the audit log's head", metadata: ["error": "\(error)"])
        }
    }

    /// The key in `DATA_DIR/audit.key`, made (with `audit.pub` beside it) if there is none.
    static func loadOrCreateKey(dataDirectory: String) throws -> Curve25519.Signing.PrivateKey {
        let path = (dataDirectory as NSString).appendingPathComponent(keyFile)
        let publicPath = (dataDirectory as NSString).appendingPathComponent(publicKeyFile)
        if let raw = FileManager.default.contents(atPath: path) {
            do {
                return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            } catch {
                throw GatewayError.configuration("\(path) is not an Ed25519 private key: \(error)")
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        guard
            FileManager.default.createFile(
                atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600])
        else { throw GatewayError.configuration("cannot write the audit key \(path)") }
        try Data((key.publicKey.rawRepresentation.hex + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
        return key
    }
}
