import ArgumentParser
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import Store
import StorePostgres

/// `provernet admin audit`: the gateway's tamper-evident audit log, read from its data directory's SQLite file
/// (opened read-only, so the gateway may be running), from its PostgreSQL database (`--database postgres://…`,
/// read in one read-only snapshot), or from a running gateway's admin API (admin key) when neither is given.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or read the gateway's tamper-evident audit log.",
        subcommands: [Verify.self, Tail.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Walk the whole audit chain and check the gateway's signed heads.",
            discussion: """
                Exits 0 if every entry chains from the one before and every signed head is the gateway's and
                matches the chain; exits 1 naming the first entry that was changed, removed, inserted or
                reordered. The heads are checked with --public-key, or the gateway's DATA_DIR/audit.pub. With \
                --database postgres://…, the log is read from that PostgreSQL database instead of DATA_DIR. With \
                neither, the log is read from the running gateway (--gateway, an admin API key); give \
                --public-key then, or the heads are checked against the key the gateway itself reports.
                """)
        @Option(help: "The gateway's data directory (default: read from the running gateway).") var dataDir: String?
        @Option(help: "The gateway's PostgreSQL database (postgres://…), when it is on one.") var database: String?
        @Option(help: "The gateway's audit public key (64 hex digits; default: DATA_DIR/audit.pub).")
        var publicKey: String?
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            guard dataDir != nil || database != nil else {
                let log = try await AuditCommand.readOnline(gateway)
                var key: [UInt8]
                if let publicKey {
                    guard let parsed = [UInt8](hex: publicKey.lowercased()), parsed.count == 32 else {
                        throw failure("the audit public key must be 64 hex digits, got '\(publicKey.prefix(80))'")
                    }
                    key = parsed
                } else {
                    key = log.heads.last.flatMap { [UInt8](hex: $0.publicKey) } ?? []
                    if !key.isEmpty {
                        note(
                            "checking the heads against the key the gateway reports (\(key.hex)); pin it with --public-key"
                        )
                    }
                }
                if key.isEmpty { key = [UInt8](repeating: 0, count: 32) }
                let verdict = AuditVerifier.verify(entries: log.entries, heads: log.heads, publicKey: key)
                print(verdict)
                if case .broken = verdict { throw ExitCode(1) }
                return
            }
            let keyText: String
            if let publicKey {
                keyText = publicKey
            } else {
                guard let dataDir else {
                    throw failure(
                        "give the gateway's audit public key with --public-key, or its --data-dir (audit.pub)")
                }
                let path = (dataDir as NSString).appendingPathComponent(AuditSigner.publicKeyFile)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw failure("no \(path): give the gateway's audit public key with --public-key")
                }
                keyText = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let key = [UInt8](hex: keyText.lowercased()), key.count == 32 else {
                throw failure("the audit public key must be 64 hex digits, got '\(keyText.prefix(80))'")
            }
            let log = try await AuditLogSource(dataDir: dataDir, database: database).read()
            let verdict = AuditVerifier.verify(entries: log.entries, heads: log.heads, publicKey: key)
            print(verdict)
            if case .broken = verdict { throw ExitCode(1) }
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tail", abstract: "Show the audit log's last entries, one line each.")
        @Option(help: "The gateway's data directory (default: read from the running gateway).") var dataDir: String?
        @Option(help: "The gateway's PostgreSQL database (postgres://…), when it is on one.") var database: String?
        @Option(help: "How many entries.") var limit: Int = 20
        @Flag(help: "Keep showing new entries as they are appended (Ctrl-C stops).") var follow = false
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            guard dataDir != nil || database != nil else {
                var entries = try await AuditCommand.readOnline(gateway).entries
                var last = entries.last?.seq ?? 0
                for entry in entries.suffix(max(0, limit)) { print(Self.line(entry)) }
                while follow {
                    try await Task.sleep(for: .seconds(1))
                    entries = try await AuditCommand.readOnline(gateway, after: last).entries
                    for entry in entries { print(Self.line(entry)) }
                    last = entries.last?.seq ?? last
                }
                return
            }
            let source = try AuditLogSource(dataDir: dataDir, database: database)
            var entries = try await source.read().entries
            var last = entries.last?.seq ?? 0
            for entry in entries.suffix(max(0, limit)) { print(Self.line(entry)) }
            while follow {
                try await Task.sleep(for: .seconds(1))
                entries = try await source.read().entries
                for entry in entries where entry.seq > last { print(Self.line(entry)) }
                last = entries.last?.seq ?? last
            }
        }

        static func line(_ entry: AuditEntry) -> String {
            let time = Date(timeIntervalSince1970: Double(entry.atMillis) / 1000).ISO8601Format()
            return "\(entry.seq)  \(time)  \(entry.actor)  \(entry.action)  \(entry.subject)  \(entry.details)"
        }
    }

    /// The audit log (entries after `after`, and every signed head) from a running gateway, page by page.
    static func readOnline(_ gateway: ClientGatewayOptions, after: Int64 = 0) async throws
        -> (entries: [AuditEntry], heads: [AuditHead])
    {
        try await gateway.withClient { client in
            var entries: [AuditEntry] = []
            var heads: [AuditHead] = []
            var cursor = after
            while true {
                let page = try await client.auditPage(afterSeq: cursor, limit: 10_000)
                if cursor == 0 {
                    heads = page.heads.map {
                        AuditHead(
                            seq: $0.seq, hash: $0.hash, atMillis: $0.unixMillis, signature: $0.signature,
                            publicKey: $0.publicKey)
                    }
                }
                entries += page.entries.map {
                    AuditEntry(
                        seq: $0.seq, atMillis: $0.unixMillis, actor: $0.actor, action: $0.action, subject: $0.subject,
                        details: $0.details, detailsHash: $0.detailsHash, hash: $0.hash)
                }
                guard let last = page.entries.last?.seq, page.entries.count == 10_000 else { break }
                cursor = last
            }
            return (entries, heads)
        }
    }
}

/// Where the audit log is read from: the data directory's SQLite file, or a PostgreSQL database.
struct AuditLogSource {
    let dataDir: String?
    let database: String?

    init(dataDir: String?, database: String?) throws {
        guard dataDir != nil || database != nil else {
            throw failure("give the gateway's --data-dir, or its --database postgres://…")
        }
        if let database, !PostgresStoreConfiguration.isPostgresURL(database) {
            throw failure("--database must be a postgres:// URL (an SQLite database is read from --data-dir)")
        }
        self.dataDir = dataDir
        self.database = database
    }

    func read() async throws -> (entries: [AuditEntry], heads: [AuditHead]) {
        if let database {
            do {
                return try await PostgresStore.readAuditLog(url: database)
            } catch {
                throw failure("\(error)")
            }
        }
        let path = ((dataDir ?? ".") as NSString).appendingPathComponent("gateway.sqlite")
        return try badInputExits { try SQLiteStore.readAuditLog(path: path) }
    }
}
