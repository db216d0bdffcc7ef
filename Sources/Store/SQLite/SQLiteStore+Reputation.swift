import GRDB
import ProverNetCore

/// The reputation events in SQLite (`v10-reputation`): appended by each batch that carries them, read back in
/// commit order to fold the records at start.
extension SQLiteStore {
    /// `v10-reputation`: the events reputation counts (`ReputationEvent`).
    static func createReputationTable(_ db: Database) throws {
        try db.create(table: "reputation_event") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("prover", .text).notNull()
            t.column("operator", .text)
            t.column("kind", .text).notNull()
            t.column("atMillis", .integer).notNull().indexed()
            t.column("jobID", .text)
        }
    }

    static func insert(_ events: [ReputationEvent], _ db: Database) throws {
        for event in events {
            try db.execute(
                sql: "INSERT INTO reputation_event (prover, operator, kind, atMillis, jobID) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    event.prover.rawValue, event.operatorAddress, event.kind.rawValue, event.atMillis,
                    event.jobID?.rawValue,
                ])
        }
    }

    public func reputationEvents(since millis: Int64) async throws(StoreError) -> [ReputationEvent] {
        let rows = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, prover, operator, kind, atMillis, jobID FROM reputation_event WHERE atMillis >= ?
                    ORDER BY id
                    """,
                arguments: [millis]
            ).map { row -> (Int64, String, String?, String, Int64, String?) in
                (row["id"], row["prover"], row["operator"], row["kind"], row["atMillis"], row["jobID"])
            }
        }
        return try rows.map { (row) throws(StoreError) -> ReputationEvent in
            let (id, prover, address, kindName, atMillis, job) = row
            guard let kind = ReputationEvent.Kind(rawValue: kindName) else {
                throw .corrupt(table: "reputation_event", id: "\(id)", reason: "unknown kind \(kindName)")
            }
            return ReputationEvent(
                prover: ProverID(prover), operatorAddress: address, kind: kind, atMillis: atMillis,
                jobID: job.map(JobID.init))
        }
    }
}
