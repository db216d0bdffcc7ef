import Foundation
import ProverNetCore
import ProverNetCrypto
import Store

/// A new gateway's first keys, made offline (the gateway stopped, its data directory held):
/// `provernet admin init` makes the first admin key; devnet and the test networks make an admin, a client
/// and a viewer key and keep them in files of their own.
public enum KeyBootstrap {
    /// Makes the first admin key (and its TOTP secret) in the store of `dataDirectory`; refuses when the
    /// gateway already has an admin key that works (use `admin keys create` on the running gateway then).
    public static func initialize(
        store: any GatewayStore, dataDirectory: String, name: String, createdBy: String = "init"
    ) async throws -> KeyMaking.Made {
        let now = Clock.nowMillis()
        if let existing = try await store.keys().first(where: { $0.role == .admin && $0.isActive(atMillis: now) }) {
            throw GatewayError.failedPrecondition(
                "this gateway already has an admin key (\(existing.id), \"\(existing.name)\"): make more with "
                    + "`provernet admin keys create` on the running gateway")
        }
        return try await make(
            store: store, dataDirectory: dataDirectory, name: name, role: .admin, createdBy: createdBy)
    }

    /// Makes a key of any role in the store of `dataDirectory` (offline).
    public static func make(
        store: any GatewayStore, dataDirectory: String, name: String, role: AccessRole, operatorAddress: String? = nil,
        createdBy: String
    ) async throws -> KeyMaking.Made {
        let sealer = try SecretSealer.loadOrCreate(dataDirectory: dataDirectory)
        let made = try KeyMaking.make(
            name: name, role: role, operatorAddress: operatorAddress, expiresMillis: nil, createdBy: createdBy,
            sealer: sealer, atMillis: Clock.nowMillis())
        try await store.insertKey(made.record, actor: createdBy)
        return made
    }

    /// Writes a secret, as a line of text, to a new file readable by this user only (0600), replacing none.
    public static func writeSecret(_ text: String, to path: String) throws {
        do {
            try SecretFile.create(Array((text + "\n").utf8), at: path)
        } catch {
            throw GatewayError.configuration(error.description)
        }
    }
}

/// The keys of a development network, as files in one directory (`keys/`): `admin.key`, `admin.totp` (its
/// TOTP secret, base 32, for `provernet admin otp`), `client.key` and `viewer.key`, each mode 0600.
public struct DevelopmentKeys: Sendable {
    public let directory: String
    public let admin: String
    public let adminTOTP: [UInt8]
    public let client: String
    public let viewer: String

    public var adminKeyPath: String { (directory as NSString).appendingPathComponent("admin.key") }
    public var adminTOTPPath: String { (directory as NSString).appendingPathComponent("admin.totp") }
    public var clientKeyPath: String { (directory as NSString).appendingPathComponent("client.key") }
    public var viewerKeyPath: String { (directory as NSString).appendingPathComponent("viewer.key") }

    /// What a development network credits its client and admin keys with, so that its demo and its tests
    /// submit requests at once: one million credits each (`docs/economics.md`).
    public static let developmentCredit: Amount = 1_000_000

    /// Makes the three keys in the store of a gateway's data directory (offline) and writes them under
    /// `directory`; the client and admin keys are credited with `credit` (a ledger deposit, as
    /// `provernet admin credit` makes one).
    public static func make(
        store: any GatewayStore, dataDirectory: String, directory: String, credit: Amount = developmentCredit
    ) async throws -> DevelopmentKeys {
        let admin = try await KeyBootstrap.initialize(
            store: store, dataDirectory: dataDirectory, name: "devnet admin", createdBy: "devnet")
        let client = try await KeyBootstrap.make(
            store: store, dataDirectory: dataDirectory, name: "devnet client", role: .client, createdBy: "devnet")
        let viewer = try await KeyBootstrap.make(
            store: store, dataDirectory: dataDirectory, name: "devnet viewer", role: .viewer, createdBy: "devnet")
        guard let totp = admin.totp else { throw GatewayError.configuration("an admin key without a second factor") }
        if credit > .zero {
            for key in [client, admin] {
                _ = try await store.credit(
                    keyID: key.record.id, amount: credit, actor: "devnet", atMillis: Clock.nowMillis())
            }
        }
        let keys = DevelopmentKeys(
            directory: directory, admin: admin.secret.text, adminTOTP: totp.secret, client: client.secret.text,
            viewer: viewer.secret.text)
        try KeyBootstrap.writeSecret(keys.admin, to: keys.adminKeyPath)
        try KeyBootstrap.writeSecret(Base32.encode(totp.secret), to: keys.adminTOTPPath)
        try KeyBootstrap.writeSecret(keys.client, to: keys.clientKeyPath)
        try KeyBootstrap.writeSecret(keys.viewer, to: keys.viewerKeyPath)
        return keys
    }
}
