import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Store

extension PostgresStore {
    /// Publishes (or updates) a connected prover's free slots.
    public func publishSlots(_ slots: ProverSlots) async throws(StoreError) {
        let logger = logger
        try await single("publish slots") { connection in
            try await connection.query(
                """
                INSERT INTO provernet_prover_slots (prover, gateway, slotsFree, askJSON, heartbeatMillis)
                VALUES (\(slots.prover.rawValue), \(slots.gateway), \(Int64(slots.slotsFree)), \(slots.askJSON),
                    \(slots.heartbeatMillis))
                ON CONFLICT (prover) DO UPDATE SET gateway = EXCLUDED.gateway, slotsFree = EXCLUDED.slotsFree,
                    askJSON = EXCLUDED.askJSON, heartbeatMillis = EXCLUDED.heartbeatMillis
                """, logger: logger)
        }
    }

    /// Withdraws a prover's slots when it leaves `gateway` (not when it has moved to another one since).
    public func withdrawSlots(prover: ProverID, gateway: String) async throws(StoreError) {
        let logger = logger
        try await single("withdraw slots") { connection in
            try await connection.query(
                "DELETE FROM provernet_prover_slots WHERE prover = \(prover.rawValue) AND gateway = \(gateway)",
                logger: logger)
        }
    }

    /// The slots of every prover heard from since `millis`, on any gateway, by prover.
    public func freeSlots(heardSince millis: Int64) async throws(StoreError) -> [ProverSlots] {
        let logger = logger
        let rows = try await read("read free slots") { connection in
            try await connection.query(
                """
                SELECT prover, gateway, slotsFree, askJSON, heartbeatMillis FROM provernet_prover_slots
                WHERE heartbeatMillis >= \(millis) ORDER BY prover
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in
            try Decode.cells(row, "provernet_prover_slots", Decode.id(row)) { row in
                let (prover, gateway, slots, ask, heartbeat) = try row.decode(
                    (String, String, Int64, String, Int64).self)
                return ProverSlots(
                    prover: ProverID(prover), gateway: gateway, slotsFree: Int(slots), askJSON: ask,
                    heartbeatMillis: heartbeat)
            }
        }
    }

    /// One statement on a connection of the pool, outside the writers' lock (rows that are not the audited
    /// record: a prover's slots), as a `StoreError.write` when it fails.
    func single(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void)
        async throws(StoreError)
    {
        do {
            try await withRetries(operation, body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .write(reason: "\(operation): \(Self.describe(error))")
        }
    }
}

extension PostgresStore: SharedMarketStore {
    /// Notices as the JSON payloads of `pg_notify`.
    static func payloads(_ notices: [GatewayNotice]) throws(StoreError) -> [String] {
        try notices.map { notice throws(StoreError) in
            do {
                return String(decoding: try JSONEncoder().encode(notice), as: UTF8.self)
            } catch {
                throw .write(reason: "encode a notice for gateway \(notice.gateway): \(error)")
            }
        }
    }

    public func notify(_ notice: GatewayNotice) async throws(StoreError) {
        let logger = logger
        guard let payload = try Self.payloads([notice]).first else { return }
        try await single("notify gateway \(notice.gateway)") { connection in
            try await connection.query(
                "SELECT pg_notify(\(SharedMarketChannel.assignments.rawValue), \(payload))", logger: logger)
        }
    }

    public func postToLeader(gateway: String, prover: ProverID, message: [UInt8]) async throws(StoreError) {
        let logger = logger
        let bytes = Data(message)
        try await single("post to the leader") { connection in
            // One statement, so one transaction: the row and its notice are written together.
            try await connection.query(
                """
                WITH posted AS (
                    INSERT INTO provernet_gateway_inbox (gateway, prover, message, atMillis)
                    VALUES (\(gateway), \(prover.rawValue), \(bytes), \(Clock.nowMillis())) RETURNING id)
                SELECT pg_notify(\(SharedMarketChannel.inbox.rawValue), id::text) FROM posted
                """, logger: logger)
        }
    }

    public func leaderInbox(limit: Int) async throws(StoreError) -> [InboxMessage] {
        let logger = logger
        let rows = try await read("read the leader's inbox") { connection in
            try await connection.query(
                """
                SELECT id, gateway, prover, message, atMillis FROM provernet_gateway_inbox ORDER BY id
                LIMIT \(Int64(max(1, limit)))
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in
            try Decode.cells(row, "provernet_gateway_inbox", Decode.id(row)) { row in
                let (id, gateway, prover, message, atMillis) = try row.decode(
                    (Int64, String, String, Data, Int64).self)
                return InboxMessage(
                    id: id, gateway: gateway, prover: ProverID(prover), message: Array(message), atMillis: atMillis)
            }
        }
    }

    public func removeFromInbox(ids: [Int64]) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        // Only the leader reads the inbox: a gateway that follows (no epoch of its own) must not take messages out.
        guard writerEpoch != nil else { throw .write(reason: "only the database's writer removes from the inbox") }
        let logger = logger
        try await transaction("remove from the leader's inbox") { connection in
            try await connection.query(
                "DELETE FROM provernet_gateway_inbox WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    public func assignedJobs(provers: [ProverID]) async throws(StoreError) -> [Job] {
        guard !provers.isEmpty else { return [] }
        let logger = logger
        let ids = provers.map(\.rawValue)
        let assigned = JobPhase.assigned.rawValue
        // `job_on_state` narrows it to the jobs leased and not started: few, whatever the table's size.
        let rows = try await read("read the jobs assigned to provers") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.job) FROM job
                WHERE state = \(assigned) AND proverID = ANY(\(ids)) ORDER BY id
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.job(row).job() }
    }

    public func listen(
        on channel: SharedMarketChannel, listening: @escaping @Sendable () async -> Void,
        _ handler: @escaping @Sendable (String) async -> Void
    ) async throws {
        let connection = try await connectAlone(
            applicationName: "provernet-listen-\(channel.rawValue)", idleSessionMillis: 0)
        do {
            try await connection.listen(on: channel.rawValue) { notifications in
                await listening()
                for try await notification in notifications { await handler(notification.payload) }
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
