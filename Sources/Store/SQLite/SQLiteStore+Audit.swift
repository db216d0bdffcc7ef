import Foundation
import GRDB
import ProverNetCore

extension SQLiteStore {
    /// The audit entries after `seq`, oldest first, at most `limit`.
    public func auditEntries(after seq: Int64, limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await read { db in try AuditTables.entries(db, after: seq, limit: limit) }
    }

    /// The signed heads of the audit chain, oldest first.
    public func auditHeads() async throws(StoreError) -> [AuditHead] {
        try await read { db in try AuditTables.heads(db) }
    }

    /// The last entry of the audit log, if any.
    public func lastAuditEntry() async throws(StoreError) -> AuditEntry? {
        try await read { db in try AuditTables.last(db) }
    }

    /// Keeps a signed head of the chain.
    public func insertAuditHead(_ head: AuditHead) async throws(StoreError) {
        try await write { db in try AuditTables.insert(head, db) }
    }

    /// The whole audit log and its heads of the database at `path`, read without migrating or writing (the
    /// gateway may be running): what `provernet admin audit verify --data-dir` checks.
    public static func readAuditLog(path: String) throws(StoreError) -> (entries: [AuditEntry], heads: [AuditHead]) {
        guard FileManager.default.fileExists(atPath: path) else { throw .open(path: path, reason: "no such file") }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                guard try db.tableExists("audit") else { throw StoreError.missing(table: "audit", id: "(table)") }
                return (try AuditTables.entries(db, after: Int64.min, limit: Int.max), try AuditTables.heads(db))
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .read(reason: "\(error)")
        }
    }
}

/// The audit log's two tables, and the entries a batch of changes makes: written in the same transaction
/// as the changes themselves.
enum AuditTables {
    static func createTables(_ db: Database) throws {
        try db.create(table: "audit") { t in
            t.primaryKey("seq", .integer)
            t.column("atMillis", .integer).notNull()
            t.column("actor", .text).notNull()
            t.column("action", .text).notNull()
            t.column("subject", .text).notNull()
            t.column("details", .text).notNull()
            t.column("detailsHash", .text).notNull()
            t.column("hash", .text).notNull()
        }
        try db.create(table: "audit_head") { t in
            t.primaryKey("seq", .integer)
            t.column("hash", .text).notNull()
            t.column("atMillis", .integer).notNull()
            t.column("signature", .text).notNull()
            t.column("publicKey", .text).notNull()
        }
    }

    /// Appends `events`, chained after the last entry.
    static func append(_ events: [AuditEvent], atMillis: Int64, _ db: Database) throws {
        guard !events.isEmpty else { return }
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let previous: (seq: Int64, hash: String)? = last.map { ($0["seq"], $0["hash"]) }
        for entry in AuditChain.chain(events, after: previous, atMillis: atMillis) {
            try db.execute(
                sql: """
                    INSERT INTO audit (seq, atMillis, actor, action, subject, details, detailsHash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.seq, entry.atMillis, entry.actor, entry.action, entry.subject, entry.details,
                    entry.detailsHash, entry.hash,
                ])
        }
    }

    static func insert(_ head: AuditHead, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO audit_head (seq, hash, atMillis, signature, publicKey) VALUES (?, ?, ?, ?, ?)",
            arguments: [head.seq, head.hash, head.atMillis, head.signature, head.publicKey])
    }

    static func entries(_ db: Database, after seq: Int64, limit: Int) throws -> [AuditEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, Int64(clamping: limit)]
        ).map(entry)
    }

    static func last(_ db: Database) throws -> AuditEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit ORDER BY seq DESC LIMIT 1").map(entry)
    }

    static func heads(_ db: Database) throws -> [AuditHead] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_head ORDER BY seq").map { row in
            AuditHead(
                seq: row["seq"], hash: row["hash"], atMillis: row["atMillis"], signature: row["signature"],
                publicKey: row["publicKey"])
        }
    }

    static func entry(_ row: Row) -> AuditEntry {
        AuditEntry(
            seq: row["seq"], atMillis: row["atMillis"], actor: row["actor"], action: row["action"],
            subject: row["subject"], details: row["details"], detailsHash: row["detailsHash"], hash: row["hash"])
    }

    /// What a request row's upsert records (`AuditEvents.request`), given the stored row.
    static func event(for request: RequestRow, actor: String, _ db: Database) throws -> AuditEvent? {
        let old = try Row.fetchOne(db, sql: "SELECT state FROM request WHERE id = ?", arguments: [request.id])
        return AuditEvents.request(request, oldState: old?["state"], actor: actor)
    }

    /// What a job row's upsert records (`AuditEvents.job`), given the stored row.
    static func event(for job: JobRow, actor: String, _ db: Database) throws -> AuditEvent? {
        let old = try Row.fetchOne(
            db, sql: "SELECT state, epoch, proverID, attempts FROM job WHERE id = ?", arguments: [job.id]
        ).map { row in
            AuditEvents.JobBefore(
                state: row["state"], epoch: row["epoch"], proverID: row["proverID"], attempts: row["attempts"])
        }
        return AuditEvents.job(job, old: old, actor: actor)
    }

    static func event(for entry: LedgerEntry, actor: String) -> AuditEvent {
        AuditEvents.ledger(entry, actor: actor)
    }

    static func event(for transfer: Transfer, actor: String) -> AuditEvent {
        AuditEvents.transfer(transfer, actor: actor)
    }
}
