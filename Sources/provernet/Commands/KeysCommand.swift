import ArgumentParser
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import Store
import StorePostgres

/// `provernet admin init`: a new gateway's first admin key and its second factor, made offline.
struct AdminInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a new gateway's first admin key and its TOTP second factor (the gateway stopped).",
        discussion: """
            Run once, on the gateway's machine, as its user, before its first start (or while it is stopped). \
            Prints the admin API key and a TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s) with its otpauth:// \
            URI, once: the gateway keeps only the key's hash and the TOTP secret sealed under \
            DATA_DIR/secrets.key. Add the secret to an authenticator app; every administrative change then \
            needs its current code (--otp). Refuses when the gateway already has a working admin key.
            """)

    @Option(help: "The gateway's data directory.") var dataDir: String
    @Option(help: "The gateway's PostgreSQL database (postgres://…), when it is on one (default: DATA_DIR's SQLite).")
    var database: String?
    @Option(help: "A name for the key (listings and the audit log).") var name = "admin"
    @Option(help: "Also write the API key to this new file (mode 0600).") var keyFile: String?
    @Flag(help: "Do not draw the otpauth:// URI as a QR code.") var noQr = false

    func run() async throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        guard let lock = try badInputExits({ try DataDirectoryLock.acquire(dataDirectory: dataDir) }) else {
            throw failure("a gateway runs on \(dataDir): stop it first (or make keys with `admin keys create`)")
        }
        defer { withExtendedLifetime(lock) {} }
        let store: any GatewayStore
        if let database {
            guard PostgresStoreConfiguration.isPostgresURL(database) else {
                throw failure("--database must be a postgres:// URL (an SQLite database is in --data-dir)")
            }
            do {
                // As the database's writer: refused while a gateway runs on it.
                store = try await PostgresStore.open(url: database, writer: "provernet admin init")
            } catch {
                if PostgresStore.isHeldByAnotherWriter(error) {
                    throw failure("a gateway runs on \(PostgresStoreConfiguration.redacted(database)): stop it first")
                }
                throw failure("\(error)")
            }
        } else {
            store = try badInputExits {
                try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("gateway.sqlite"))
            }
        }
        let made = try await badInputExitsAsync {
            try await KeyBootstrap.initialize(store: store, dataDirectory: dataDir, name: name)
        }
        try? await store.close()
        if let keyFile {
            guard !FileManager.default.fileExists(atPath: keyFile) else {
                throw failure("\(keyFile) exists: the key is printed below instead")
            }
            try KeyBootstrap.writeSecret(made.secret.text, to: keyFile)
        }
        guard let totp = made.totp else { throw failure("the admin key has no second factor") }
        let account = "\(made.record.name) (\(made.record.id))"
        let uri = totp.uri(account: account, issuer: "ProverNet")
        if !noQr, let code = try? QRCode(bytes: Array(uri.utf8)) {
            print("Scan this with an authenticator app (it holds the TOTP secret below):")
            print(code.terminalText)
        }
        print(
            """
            Admin key \(made.record.id) ("\(made.record.name)") made. What follows is shown this once.
              API key:      \(made.secret.text)
              TOTP secret:  \(Base32.encode(totp.secret))   (SHA-1, 6 digits, 30 s)
              otpauth URI:  \(uri)
            Add the secret (or the URI) to an authenticator app. Keep the key in a file only you can read, then:
              PROVERNET_API_KEY_FILE=admin.key provernet admin keys create --gateway HOST:PORT --name NAME --role client --otp CODE
            """)
    }
}

/// `provernet admin keys`: API keys on the running gateway.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Make, list and revoke API keys (on the running gateway).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API key; its secret is printed once (admin key and one-time code needed).")
        @OptionGroup var gateway: ClientGatewayOptions
        @OptionGroup var oneTimeCode: OneTimeCodeOption
        @Option(help: "A name for listings and the audit log.") var name: String
        @Option(help: "client, operator, viewer or admin.") var role: String
        @Option(help: "For an operator key: the operator's Ethereum address (0x…).") var operatorAddress: String?
        @Option(help: "Days until the key stops working (default: never).") var expiresDays: Int?

        func run() async throws {
            guard AccessRole(rawValue: role) != nil else {
                throw failure("--role must be one of \(AccessRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let days = expiresDays, days < 1 { throw failure("--expires-days must be at least 1") }
            let code = try oneTimeCode.code()
            let expires = expiresDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let created = try await gateway.withClient { client in
                try await client.createKey(
                    name: name, role: role, operatorAddress: operatorAddress, expires: expires, otp: code)
            }
            try ClientOutput.printJSON(
                CreatedKeyLine(
                    key: created.key, secret: created.secret, totpSecret: created.totpSecret,
                    totpURI: created.totpURI))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the API keys (never a secret).")
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            let keys = try await gateway.withClient { client in try await client.listKeys() }
            for key in keys { try ClientOutput.printJSON(KeyLine(key)) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key: it stops working at once, its open streams too.")
        @OptionGroup var gateway: ClientGatewayOptions
        @OptionGroup var oneTimeCode: OneTimeCodeOption
        @Option(help: "The key's id (16 hex digits, as `admin keys list` shows it).") var keyID: String

        func run() async throws {
            let code = try oneTimeCode.code()
            let key = try await gateway.withClient { client in try await client.revokeKey(keyID, otp: code) }
            try ClientOutput.printJSON(KeyLine(key))
        }
    }
}

/// `provernet admin otp`: the current code of a TOTP secret kept in a file: an authenticator for scripts and
/// development networks (devnet writes `keys/admin.totp`). In production, use an authenticator app.
struct OneTimeCodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otp", abstract: "Print the current one-time code of a TOTP secret kept in a file (devnet).")
    @Option(help: "The file holding the TOTP secret (base 32), such as a devnet's keys/admin.totp.")
    var totpFile: String
    @Flag(help: "The next step's code instead (a gateway accepts it one step early).") var next = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: totpFile) else {
            throw failure("cannot read \(totpFile)")
        }
        guard
            let secret = Base32.decode(
                String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            secret.count >= 10
        else {
            throw failure("\(totpFile) does not hold a base-32 TOTP secret")
        }
        let totp = TOTP(secret: secret)
        let step = totp.step(atUnixSeconds: Int64(Date().timeIntervalSince1970)) + (next ? 1 : 0)
        print(totp.code(step: step))
    }
}

/// One key of `admin keys list`, as one JSON line.
struct KeyLine: Encodable {
    var keyID: String
    var name: String
    var role: String
    var operatorAddress: String?
    var createdAtMillis: Int64
    var createdBy: String
    var expiresAtMillis: Int64?
    var revokedAtMillis: Int64?
    var secondFactor: Bool

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id"
        case name, role
        case operatorAddress = "operator"
        case createdAtMillis = "created_ms"
        case createdBy = "created_by"
        case expiresAtMillis = "expires_ms"
        case revokedAtMillis = "revoked_ms"
        case secondFactor = "second_factor"
    }

    init(_ k: KeyListing) {
        keyID = k.id
        name = k.name
        role = k.role
        operatorAddress = k.operatorAddress
        createdAtMillis = k.createdUnixMillis
        createdBy = k.createdBy
        expiresAtMillis = k.expiresUnixMillis
        revokedAtMillis = k.revokedUnixMillis
        secondFactor = k.secondFactor
    }
}

/// A key just made, as one JSON line: the only time its secret is shown.
struct CreatedKeyLine: Encodable {
    var key: KeyLine
    var secret: String
    var totpSecret: String?
    var totpURI: String?

    init(key: KeyListing, secret: String, totpSecret: String?, totpURI: String?) {
        self.key = KeyLine(key)
        self.secret = secret
        self.totpSecret = totpSecret
        self.totpURI = totpURI
    }

    enum CodingKeys: String, CodingKey {
        case key, secret
        case totpSecret = "totp_secret"
        case totpURI = "totp_uri"
    }
}
