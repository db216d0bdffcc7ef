import Foundation
import GRDB
import ProverNetCore

/// The embedded store: one SQLite file in WAL mode through GRDB, migrated on open. Reads and writes run
/// on GRDB's own threads (its async API), never on the caller's executor. Safe to use from several
/// threads.
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool
    public let path: String
    /// Whether every write that moves money checks the ledger's invariants (`ledgerProblems`) in its
    /// transaction, and fails, rolled back, when one does not hold. For tests: on when the environment has
    /// `PROVERNET_VERIFY_LEDGER=1` (the test networks set it for their gateways), off by default.
    public let verifiesLedger: Bool

    /// Opens (creating it, and its directory, and migrating if needed) the database at `path`.
    public init(
        path: String, verifiesLedger: Bool = ProcessInfo.processInfo.environment["PROVERNET_VERIFY_LEDGER"] == "1"
    ) throws(StoreError) {
        self.path = path
        self.verifiesLedger = verifiesLedger
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator.migrate(pool)
        } catch {
            throw .open(path: path, reason: "\(error)")
        }
    }

    /// Closes the database, checkpointing the WAL into the main file.
    public func close() async throws(StoreError) {
        do {
            _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        } catch {
            throw .write(reason: "close: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .read(reason: "\(error)")
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .write(reason: "\(error)")
        }
    }

    // MARK: Circuits

    public func insertCircuit(_ circuit: CircuitDescriptor, createdMillis: Int64) async throws(StoreError) {
        let row = try CircuitRow(circuit, createdMillis: createdMillis)
        let event = AuditEvents.circuitRegistered(circuit)
        try await write { db in
            try AuditTables.append([event], atMillis: createdMillis, db)
            try row.upsert(db)
        }
    }

    public func circuit(id: CircuitID) async throws(StoreError) -> CircuitDescriptor? {
        try await read { db in try CircuitRow.fetchOne(db, key: id.rawValue) }?.descriptor()
    }

    public func circuits() async throws(StoreError) -> [CircuitDescriptor] {
        let rows = try await read { db in try CircuitRow.order(Column("createdMillis")).fetchAll(db) }
        return try rows.map { row throws(StoreError) in try row.descriptor() }
    }

    // MARK: Provers

    public func prover(id: ProverID) async throws(StoreError) -> ProverRecord? {
        try await read { db in try ProverRecord.fetchOne(db, key: id.rawValue) }
    }

    public func provers() async throws(StoreError) -> [ProverRecord] {
        try await read { db in try ProverRecord.order(Column("addedMillis")).fetchAll(db) }
    }

    public func allowProver(id: ProverID, publicKeyHex: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> ProverRecord
    {
        try await write { db in
            var record =
                try ProverRecord.fetchOne(db, key: id.rawValue)
                ?? ProverRecord(id: id, publicKeyHex: publicKeyHex, name: name, allowed: true, addedMillis: atMillis)
            record.allowed = true
            if !name.isEmpty { record.name = name }
            try AuditTables.append(
                [AuditEvents.proverAllowed(id, publicKeyHex: publicKeyHex, name: record.name, actor: actor)],
                atMillis: atMillis, db)
            try record.upsert(db)
            return record
        }
    }

    public func revokeProver(id: ProverID, actor: String) async throws(StoreError) {
        try await write { db in
            guard var record = try ProverRecord.fetchOne(db, key: id.rawValue) else {
                throw StoreError.missing(table: "prover", id: id.rawValue)
            }
            record.allowed = false
            try AuditTables.append(
                [AuditEvents.proverRevoked(id, actor: actor)],
                atMillis: Clock.nowMillis(),
                db)
            try record.update(db)
        }
    }

    // MARK: Requests and jobs

    public func request(id: RequestID) async throws(StoreError) -> ProofRequest? {
        try await read { db in try RequestRow.fetchOne(db, key: id.rawValue) }?.request()
    }

    public func openRequests() async throws(StoreError) -> [ProofRequest] {
        let open = RequestPhase.allCases.filter { !$0.isFinal }.map(\.rawValue)
        let rows = try await read { db in
            try RequestRow.filter(open.contains(Column("state"))).order(Column("createdMillis")).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.request() }
    }

    public func requests(createdSince millis: Int64) async throws(StoreError) -> [ProofRequest] {
        let rows = try await read { db in
            try RequestRow.filter(Column("createdMillis") >= millis).order(Column("createdMillis")).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.request() }
    }

    public func job(id: JobID) async throws(StoreError) -> Job? {
        try await read { db in try JobRow.fetchOne(db, key: id.rawValue) }?.job()
    }

    public func jobs(requestID: RequestID) async throws(StoreError) -> [Job] {
        let rows = try await read { db in
            try JobRow.filter(Column("requestID") == requestID.rawValue)
                .order(Column("index"), Column("replica")).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.job() }
    }

    public func recentJobs(limit: Int) async throws(StoreError) -> [Job] {
        let rows = try await read { db in
            try JobRow.order(Column("assignedMillis").desc).limit(limit).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.job() }
    }

    public func rounds(limit: Int) async throws(StoreError) -> [RoundRecord] {
        try await read { db in try RoundRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    public func ledger(requestID: RequestID) async throws(StoreError) -> [LedgerEntry] {
        try await read { db in
            try LedgerEntry.filter(Column("requestID") == requestID.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    public func ledgerTotals() async throws(StoreError) -> LedgerTotals {
        let sums = try await read { db in
            try Row.fetchAll(db, sql: "SELECT kind, SUM(amount) AS total FROM ledger GROUP BY kind").map { row in
                let kind: String = row["kind"]
                let total: Int64 = row["total"]
                return (kind, total)
            }
        }
        var totals = LedgerTotals()
        for (kind, total) in sums {
            guard let kind = LedgerEntry.Kind(rawValue: kind) else {
                throw .corrupt(table: "ledger", id: kind, reason: "unknown kind")
            }
            totals.add(
                LedgerEntry(
                    atMillis: 0, kind: kind, requestID: "", jobID: "", proverID: nil, amount: Amount(units: total)))
        }
        return totals
    }

    // MARK: Writing

    public func commit(_ changes: StoreChanges) async throws(StoreError) {
        try await commit(group: [changes])
    }

    public func commit(group: [StoreChanges]) async throws(StoreError) {
        let group = group.filter { !$0.isEmpty }
        guard !group.isEmpty else { return }
        let verifies = verifiesLedger
        try await write { db in
            var movedMoney = false
            for changes in group {
                try Self.write(changes, db)
                movedMoney = movedMoney || !changes.transfers.isEmpty || !changes.ledger.isEmpty
            }
            if verifies, movedMoney { try Self.verifyLedger(db) }
        }
    }

    /// Writes one event's batch inside the caller's transaction: its audit entries first (each row compared
    /// with what it was before this batch, so after the group's earlier batches), its transfers last.
    static func write(_ changes: StoreChanges, _ db: Database) throws {
        let requests = changes.requests.map(RequestRow.init)
        let jobs = changes.jobs.map(JobRow.init)
        let actor = changes.actor
        let atMillis = changes.atMillis ?? Clock.nowMillis()
        var events: [AuditEvent] = []
        for request in requests {
            if let event = try AuditTables.event(for: request, actor: actor, db) { events.append(event) }
        }
        for job in jobs {
            if let event = try AuditTables.event(for: job, actor: actor, db) { events.append(event) }
        }
        events += changes.ledger.map { AuditTables.event(for: $0, actor: actor) }
        events += changes.transfers.map { AuditTables.event(for: $0, actor: actor) }
        try AuditTables.append(events, atMillis: atMillis, db)
        for request in requests { try request.upsert(db) }
        for job in jobs { try job.upsert(db) }
        for a in changes.proverActivity {
            try db.execute(
                sql: """
                    UPDATE prover SET jobsVerified = jobsVerified + ?, jobsRejected = jobsRejected + ?,
                        jobsFailed = jobsFailed + ?, jobsLost = jobsLost + ?, earned = earned + ?,
                        lastSeenMillis = COALESCE(?, lastSeenMillis)
                    WHERE id = ?
                    """,
                arguments: [
                    a.verified, a.rejected, a.failed, a.lost, a.earned.units, a.lastSeenMillis, a.prover.rawValue,
                ])
        }
        for var round in changes.rounds { try round.insert(db) }
        for var entry in changes.ledger { try entry.insert(db) }
        try insert(changes.reputation, db)
        try applyTransfers(changes.transfers, db)
    }

    // MARK: Health

    /// Checks, cheaply, that the database is open and answers a read, and that its file and its directory
    /// (where SQLite puts the write-ahead log) can be written.
    public func checkHealth() async throws(StoreError) {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        let directory = (path as NSString).deletingLastPathComponent
        for file in [path, directory.isEmpty ? "." : directory] where !FileManager.default.isWritableFile(atPath: file)
        {
            throw .write(reason: "\(file) is not writable")
        }
    }
}

extension CircuitRow: FetchableRecord, PersistableRecord {
    package static let databaseTableName = "circuit"
}
extension RequestRow: FetchableRecord, PersistableRecord {
    package static let databaseTableName = "request"
}
extension JobRow: FetchableRecord, PersistableRecord {
    package static let databaseTableName = "job"
}
extension ProverRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "prover"
}
extension RoundRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "round"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension LedgerEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ledger"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
