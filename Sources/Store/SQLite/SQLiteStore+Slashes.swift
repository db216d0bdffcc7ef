import GRDB
import ProverNetCore

extension SQLiteStore: SlashQueueStore {
    /// `v12-queued-slashes`: EigenLayer slashes on their way to the chain (`QueuedSlash`).
    static func createQueuedSlashTable(_ db: Database) throws {
        try db.create(table: "queued_slash") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("transferID", .integer).notNull().unique()
            t.column("operator", .text).notNull().indexed()
            t.column("amount", .integer).notNull()
            t.column("evidence", .text).notNull()
            t.column("queuedMillis", .integer).notNull()
            t.column("sendAfterMillis", .integer).notNull()
            t.column("state", .text).notNull().indexed()
            t.column("stakeRead", .text)
            t.column("wad", .text)
            t.column("nonce", .integer)
            t.column("txHash", .text)
            t.column("rawTransaction", .text)
            t.column("sentMillis", .integer)
            t.column("receiptBlock", .integer)
            t.column("receiptStatus", .integer)
            t.column("reason", .text)
            t.column("actor", .text)
            t.column("updatedMillis", .integer).notNull()
        }
    }

    static func decodeSlash(_ row: Row) throws -> QueuedSlash {
        let id: Int64 = row["id"]
        guard let state = QueuedSlash.State(rawValue: row["state"]) else {
            throw StoreError.corrupt(
                table: "queued_slash", id: String(id), reason: "unknown state \(row["state"] ?? "")")
        }
        var slash = QueuedSlash(
            id: id, transferID: row["transferID"], operator: row["operator"], amount: Amount(units: row["amount"]),
            evidence: row["evidence"], queuedMillis: row["queuedMillis"], sendAfterMillis: row["sendAfterMillis"])
        slash.state = state
        slash.stakeRead = row["stakeRead"]
        slash.wad = row["wad"]
        slash.nonce = row["nonce"]
        slash.txHash = row["txHash"]
        slash.rawTransaction = row["rawTransaction"]
        slash.sentMillis = row["sentMillis"]
        slash.receiptBlock = row["receiptBlock"]
        slash.receiptStatus = row["receiptStatus"]
        slash.reason = row["reason"]
        slash.actor = row["actor"]
        slash.updatedMillis = row["updatedMillis"]
        return slash
    }

    public func enqueueSlashes(_ slashes: [QueuedSlash]) async throws(StoreError) -> [QueuedSlash] {
        guard !slashes.isEmpty else { return [] }
        return try await write { db in
            var inserted: [QueuedSlash] = []
            for var slash in slashes {
                try db.execute(
                    sql: """
                        INSERT INTO queued_slash (transferID, operator, amount, evidence, queuedMillis, sendAfterMillis,
                            state, updatedMillis)
                        VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (transferID) DO NOTHING
                        """,
                    arguments: [
                        slash.transferID, slash.operator, slash.amount.units, slash.evidence, slash.queuedMillis,
                        slash.sendAfterMillis, slash.queuedMillis,
                    ])
                guard db.changesCount > 0 else { continue }
                slash.id = db.lastInsertedRowID
                slash.state = .queued
                try AuditTables.append([AuditEvents.slash(slash, actor: "gateway")], atMillis: slash.queuedMillis, db)
                inserted.append(slash)
            }
            return inserted
        }
    }

    public func lastQueuedTransferID() async throws(StoreError) -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT MAX(transferID) FROM queued_slash") ?? 0 }
    }

    public func queuedSlashes(states: Set<QueuedSlash.State>) async throws(StoreError) -> [QueuedSlash] {
        try await read { db in
            let rows: [Row]
            if states.isEmpty {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM queued_slash ORDER BY id")
            } else {
                let names = states.map(\.rawValue).sorted()
                let marks = Array(repeating: "?", count: names.count).joined(separator: ",")
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM queued_slash WHERE state IN (\(marks)) ORDER BY id",
                    arguments: StatementArguments(names))
            }
            return try rows.map(Self.decodeSlash)
        }
    }

    public func queuedSlash(id: Int64) async throws(StoreError) -> QueuedSlash? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM queued_slash WHERE id = ?", arguments: [id]).map(Self.decodeSlash)
        }
    }

    public func updateSlash(_ slash: QueuedSlash, from: QueuedSlash.State, actor: String) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE queued_slash SET state = ?, stakeRead = ?, wad = ?, nonce = ?, txHash = ?, rawTransaction = ?,
                        sentMillis = ?, receiptBlock = ?, receiptStatus = ?, reason = ?, actor = ?, updatedMillis = ?
                    WHERE id = ? AND state = ?
                    """,
                arguments: [
                    slash.state.rawValue, slash.stakeRead, slash.wad, slash.nonce, slash.txHash, slash.rawTransaction,
                    slash.sentMillis, slash.receiptBlock, slash.receiptStatus, slash.reason, slash.actor,
                    slash.updatedMillis, slash.id, from.rawValue,
                ])
            guard db.changesCount == 1 else {
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM queued_slash WHERE id = ?", arguments: [slash.id])
                guard let state else { throw StoreError.missing(table: "queued_slash", id: String(slash.id)) }
                throw StoreError.staleState(
                    table: "queued_slash", id: String(slash.id), state: state, expected: from.rawValue)
            }
            try AuditTables.append([AuditEvents.slash(slash, actor: actor)], atMillis: slash.updatedMillis, db)
        }
    }
}
