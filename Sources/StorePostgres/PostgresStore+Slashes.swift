import PostgresNIO
import ProverNetCore
import Store

// EigenLayer slashes on their way to the chain (migration `v12-queued-slashes`), as `SQLiteStore+Slashes.swift`
// keeps them: each change of state a conditional UPDATE, audited in the same transaction.

extension PostgresStore: SlashQueueStore {
    static let slashColumns = """
        id, transferID, operator, amount, evidence, queuedMillis, sendAfterMillis, state, stakeRead, wad, nonce,
        txHash, rawTransaction, sentMillis, receiptBlock, receiptStatus, reason, actor, updatedMillis
        """

    static func decodeSlash(_ row: PostgresRow) throws(StoreError) -> QueuedSlash {
        let id = (try? row.makeRandomAccess()[0].decode(Int64.self)).map(String.init) ?? "?"
        return try Decode.cells(row, "queued_slash", id) { row in
            let c = row.makeRandomAccess()
            var slash = QueuedSlash(
                id: try c[0].decode(Int64.self), transferID: try c[1].decode(Int64.self),
                operator: try c[2].decode(String.self), amount: Amount(units: try c[3].decode(Int64.self)),
                evidence: try c[4].decode(String.self), queuedMillis: try c[5].decode(Int64.self),
                sendAfterMillis: try c[6].decode(Int64.self))
            let state = try c[7].decode(String.self)
            guard let parsed = QueuedSlash.State(rawValue: state) else {
                throw StoreError.corrupt(table: "queued_slash", id: id, reason: "unknown state \(state)")
            }
            slash.state = parsed
            slash.stakeRead = try c[8].decode(String?.self)
            slash.wad = try c[9].decode(String?.self)
            slash.nonce = try c[10].decode(Int64?.self)
            slash.txHash = try c[11].decode(String?.self)
            slash.rawTransaction = try c[12].decode(String?.self)
            slash.sentMillis = try c[13].decode(Int64?.self)
            slash.receiptBlock = try c[14].decode(Int64?.self)
            slash.receiptStatus = try c[15].decode(Int64?.self)
            slash.reason = try c[16].decode(String?.self)
            slash.actor = try c[17].decode(String?.self)
            slash.updatedMillis = try c[18].decode(Int64.self)
            return slash
        }
    }

    public func enqueueSlashes(_ slashes: [QueuedSlash]) async throws(StoreError) -> [QueuedSlash] {
        guard !slashes.isEmpty else { return [] }
        let logger = logger
        return try await transaction("enqueue slashes") { connection in
            var inserted: [QueuedSlash] = []
            for var slash in slashes {
                let rows = try await connection.query(
                    """
                    INSERT INTO queued_slash (transferID, operator, amount, evidence, queuedMillis, sendAfterMillis,
                        state, updatedMillis)
                    VALUES (\(slash.transferID), \(slash.operator), \(slash.amount.units), \(slash.evidence),
                        \(slash.queuedMillis), \(slash.sendAfterMillis), 'queued', \(slash.queuedMillis))
                    ON CONFLICT (transferID) DO NOTHING RETURNING id
                    """, logger: logger
                ).collect()
                guard let row = rows.first else { continue }
                slash.id = try row.decode(Int64.self)
                slash.state = .queued
                try await Self.appendAudit(
                    [AuditEvents.slash(slash, actor: "gateway")], atMillis: slash.queuedMillis, connection, logger)
                inserted.append(slash)
            }
            return inserted
        }
    }

    public func lastQueuedTransferID() async throws(StoreError) -> Int64 {
        let logger = logger
        let rows = try await read("read last queued slash") { connection in
            try await connection.query("SELECT MAX(transferID) FROM queued_slash", logger: logger).collect()
        }
        do { return try rows.first?.decode(Int64?.self) ?? 0 } catch {
            throw .corrupt(table: "queued_slash", id: "max", reason: "\(error)")
        }
    }

    public func queuedSlashes(states: Set<QueuedSlash.State>) async throws(StoreError) -> [QueuedSlash] {
        let logger = logger
        let names = (states.isEmpty ? Set(QueuedSlash.State.allCases) : states).map(\.rawValue).sorted()
        let rows = try await read("read queued slashes") { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.slashColumns) FROM queued_slash WHERE state = ANY(\(names)) ORDER BY id",
                logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Self.decodeSlash(row) }
    }

    public func queuedSlash(id: Int64) async throws(StoreError) -> QueuedSlash? {
        let logger = logger
        let rows = try await read("read queued slash") { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.slashColumns) FROM queued_slash WHERE id = \(id)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Self.decodeSlash(row) }
    }

    public func updateSlash(_ slash: QueuedSlash, from: QueuedSlash.State, actor: String) async throws(StoreError) {
        let logger = logger
        try await transaction("update queued slash") { connection in
            let updated = try await connection.query(
                """
                UPDATE queued_slash SET state = \(slash.state.rawValue), stakeRead = \(slash.stakeRead),
                    wad = \(slash.wad), nonce = \(slash.nonce), txHash = \(slash.txHash),
                    rawTransaction = \(slash.rawTransaction), sentMillis = \(slash.sentMillis),
                    receiptBlock = \(slash.receiptBlock), receiptStatus = \(slash.receiptStatus),
                    reason = \(slash.reason), actor = \(slash.actor), updatedMillis = \(slash.updatedMillis)
                WHERE id = \(slash.id) AND state = \(from.rawValue) RETURNING id
                """, logger: logger
            ).collect()
            guard !updated.isEmpty else {
                let rows = try await connection.query(
                    "SELECT state FROM queued_slash WHERE id = \(slash.id)", logger: logger
                ).collect()
                guard let row = rows.first else {
                    throw StoreError.missing(table: "queued_slash", id: String(slash.id))
                }
                throw StoreError.staleState(
                    table: "queued_slash", id: String(slash.id), state: try row.decode(String.self),
                    expected: from.rawValue)
            }
            try await Self.appendAudit(
                [AuditEvents.slash(slash, actor: actor)], atMillis: slash.updatedMillis, connection, logger)
        }
    }
}
