import Logging
import PostgresNIO
import ProverNetCore
import Store

extension PostgresStore {
    /// The audit entries after `seq`, oldest first, at most `limit`.
    public func auditEntries(after seq: Int64, limit: Int) async throws(StoreError) -> [AuditEntry] {
        let logger = logger
        let rows = try await read("read audit entries") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.audit) FROM audit WHERE seq > \(seq) ORDER BY seq
                LIMIT \(Int64(clamping: max(0, limit)))
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.audit(row) }
    }

    /// The signed heads of the audit chain, oldest first.
    public func auditHeads() async throws(StoreError) -> [AuditHead] {
        let logger = logger
        let rows = try await read("read audit heads") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.auditHead) FROM audit_head ORDER BY seq", logger: logger
            )
            .collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.auditHead(row) }
    }

    /// The last entry of the audit log, if any.
    public func lastAuditEntry() async throws(StoreError) -> AuditEntry? {
        let logger = logger
        let rows = try await read("read the last audit entry") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.audit) FROM audit ORDER BY seq DESC LIMIT 1", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.audit(row) }
    }

    /// Keeps a signed head of the chain (replacing one at the same entry, as SQLite's INSERT OR REPLACE).
    public func insertAuditHead(_ head: AuditHead) async throws(StoreError) {
        let logger = logger
        try await transaction("insert audit head") { connection in
            try await connection.query(
                """
                INSERT INTO audit_head (seq, hash, atMillis, signature, publicKey)
                VALUES (\(head.seq), \(head.hash), \(head.atMillis), \(head.signature), \(head.publicKey))
                ON CONFLICT (seq) DO UPDATE SET hash = EXCLUDED.hash, atMillis = EXCLUDED.atMillis,
                    signature = EXCLUDED.signature, publicKey = EXCLUDED.publicKey
                """, logger: logger)
        }
    }

    /// The whole audit log and its heads, read in one snapshot: what `provernet admin audit verify
    /// --database postgres://…` checks. Reads only (no migration: it refuses a database without the log).
    public static func readAuditLog(url: String, logger: Logger = Logger(label: "provernet.store.postgres"))
        async throws(StoreError) -> (entries: [AuditEntry], heads: [AuditHead])
    {
        let configuration = try PostgresStoreConfiguration(url: url)
        let store = PostgresStore(configuration: configuration, logger: logger)
        let rows: ([PostgresRow], [PostgresRow])
        do {
            rows = try await store.withRetries("read the audit log") { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                let exists =
                    try await connection.query("SELECT to_regclass('audit') IS NOT NULL", logger: logger)
                    .collect().first?.decode(Bool.self) ?? false
                guard exists else {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw StoreError.missing(table: "audit", id: "(table)")
                }
                let entries = try await connection.query(
                    "SELECT \(unescaped: Columns.audit) FROM audit ORDER BY seq", logger: logger
                ).collect()
                let heads = try await connection.query(
                    "SELECT \(unescaped: Columns.auditHead) FROM audit_head ORDER BY seq", logger: logger
                ).collect()
                try await connection.query("COMMIT", logger: logger)
                return (entries, heads)
            }
        } catch let error as StoreError {
            await store.shutDown()
            throw error
        } catch {
            await store.shutDown()
            throw .read(reason: "read the audit log at \(configuration.description): \(describe(error))")
        }
        await store.shutDown()
        return (
            try rows.0.map { row throws(StoreError) in try Decode.audit(row) },
            try rows.1.map { row throws(StoreError) in try Decode.auditHead(row) }
        )
    }

    /// Appends `events`, chained after the last entry (the caller holds the writers' lock).
    static func appendAudit(
        _ events: [AuditEvent], atMillis: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        guard !events.isEmpty else { return }
        let last = try await connection.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", logger: logger)
            .collect().first?.decode((Int64, String).self)
        for entry in AuditChain.chain(events, after: last.map { (seq: $0.0, hash: $0.1) }, atMillis: atMillis) {
            try await connection.query(
                """
                INSERT INTO audit (seq, atMillis, actor, action, subject, details, detailsHash, hash)
                VALUES (\(entry.seq), \(entry.atMillis), \(entry.actor), \(entry.action), \(entry.subject),
                    \(entry.details), \(entry.detailsHash), \(entry.hash))
                """, logger: logger)
        }
    }
}
