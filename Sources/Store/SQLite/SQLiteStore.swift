import Foundation
import GRDB
import ProverNetCore

/// The embedded store: one SQLite file in WAL mode through GRDB, migrated on open. Safe to use from
/// several threads and by several processes (`provernet admin` writes the allowlist while the gateway
/// runs).
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating and migrating if needed) the database at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw .open(path: path, reason: "\(error)")
        }
    }

    /// Closes the database, checkpointing the WAL into the main file.
    public func close() throws {
        try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "circuit") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("constraints", .integer).notNull()
                t.column("domainSize", .integer).notNull()
                t.column("publicSignals", .integer).notNull()
                t.column("artifactsJSON", .text).notNull()
                t.column("verificationKeyJSON", .text).notNull()
                t.column("createdMillis", .integer).notNull()
            }
            try db.create(table: "prover") { t in
                t.primaryKey("id", .text)
                t.column("publicKeyHex", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("allowed", .boolean).notNull()
                t.column("addedMillis", .integer).notNull()
                t.column("lastSeenMillis", .integer)
                t.column("jobsVerified", .integer).notNull()
                t.column("jobsRejected", .integer).notNull()
                t.column("jobsFailed", .integer).notNull()
                t.column("earned", .double).notNull()
            }
            try db.create(table: "request") { t in
                t.primaryKey("id", .text)
                t.column("circuitID", .text).notNull().references("circuit")
                t.column("state", .text).notNull().indexed()
                t.column("reason", .text)
                t.column("createdMillis", .integer).notNull()
                t.column("deadlineMillis", .integer).notNull()
                t.column("maxPricePerJob", .double).notNull()
                t.column("redundancy", .integer).notNull()
                t.column("aggregate", .boolean).notNull()
                t.column("jobsTotal", .integer).notNull()
                t.column("finishedMillis", .integer)
                t.column("paid", .double).notNull()
            }
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("requestID", .text).notNull().references("request").indexed()
                t.column("index", .integer).notNull()
                t.column("jobClass", .text).notNull()
                t.column("inputJSON", .text).notNull()
                t.column("expectedPublicJSON", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("epoch", .integer).notNull()
                t.column("proverID", .text)
                t.column("attempts", .integer).notNull()
                t.column("price", .double).notNull()
                t.column("charge", .double).notNull()
                t.column("leaseExpiresMillis", .integer)
                t.column("assignedMillis", .integer)
                t.column("proofJSON", .text)
                t.column("publicJSON", .text)
                t.column("verifiedMillis", .integer)
                t.column("proveMillis", .integer)
                t.column("lastError", .text)
            }
            try db.create(table: "round") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobClass", .text).notNull()
                t.column("atMillis", .integer).notNull()
                t.column("bids", .integer).notNull()
                t.column("asks", .integer).notNull()
                t.column("jobsMatched", .integer).notNull()
                t.column("welfare", .double).notNull()
                t.column("surplus", .double).notNull()
                t.column("roundJSON", .text).notNull()
                t.column("outcomeJSON", .text).notNull()
            }
            try db.create(table: "ledger") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("atMillis", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("requestID", .text).notNull().indexed()
                t.column("jobID", .text).notNull()
                t.column("proverID", .text)
                t.column("amount", .double).notNull()
            }
        }
        migrator.registerMigration("v2-aggregation") { db in
            try db.alter(table: "job") { t in
                t.add(column: "aggregateProof", .blob)
            }
        }
        migrator.registerMigration("v3-redundancy") { db in
            try db.alter(table: "job") { t in
                t.add(column: "replica", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "prover") { t in
                t.add(column: "jobsLost", .integer).notNull().defaults(to: 0)
            }
        }
        return migrator
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .write(reason: "read: \(error)")
        }
    }

    public func insertCircuit(_ circuit: CircuitRecord) throws {
        do {
            try pool.write { db in try circuit.upsert(db) }
        } catch {
            throw StoreError.write(reason: "\(error)")
        }
    }

    public func circuit(id: CircuitID) throws -> CircuitRecord? { try read { try CircuitRecord.fetchOne($0, key: id) } }
    public func circuits() throws -> [CircuitRecord] {
        try read { try CircuitRecord.order(Column("createdMillis")).fetchAll($0) }
    }
    public func prover(id: ProverID) throws -> ProverRecord? { try read { try ProverRecord.fetchOne($0, key: id) } }
    public func provers() throws -> [ProverRecord] { try read { try ProverRecord.order(Column("addedMillis")).fetchAll($0) } }
    public func request(id: RequestID) throws -> RequestRecord? { try read { try RequestRecord.fetchOne($0, key: id) } }

    public func openRequests() throws -> [RequestRecord] {
        try read { db in
            try RequestRecord.filter(RequestState.allCases.filter { !$0.isFinal }.map(\.rawValue).contains(Column("state")))
                .order(Column("createdMillis")).fetchAll(db)
        }
    }

    public func job(id: JobID) throws -> JobRecord? { try read { try JobRecord.fetchOne($0, key: id) } }

    public func jobs(requestID: RequestID) throws -> [JobRecord] {
        try read { db in try JobRecord.filter(Column("requestID") == requestID).order(Column("index")).fetchAll(db) }
    }

    public func requests(createdSince millis: Int64) throws -> [RequestRecord] {
        try read { db in try RequestRecord.filter(Column("createdMillis") >= millis).order(Column("createdMillis")).fetchAll(db) }
    }

    public func recentJobs(limit: Int) throws -> [JobRecord] {
        try read { db in try JobRecord.order(Column("assignedMillis").desc).limit(limit).fetchAll(db) }
    }

    public func rounds(limit: Int) throws -> [RoundRecord] {
        try read { db in try RoundRecord.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    public func ledger(requestID: RequestID) throws -> [LedgerEntry] {
        try read { db in try LedgerEntry.filter(Column("requestID") == requestID).order(Column("id")).fetchAll(db) }
    }

    public func commit(_ changes: StoreChanges) throws {
        guard !changes.isEmpty else { return }
        do {
            try pool.write { db in
                for request in changes.requests { try request.upsert(db) }
                for job in changes.jobs { try job.upsert(db) }
                for prover in changes.provers { try prover.upsert(db) }
                for var round in changes.rounds { try round.insert(db) }
                for var entry in changes.ledger { try entry.insert(db) }
            }
        } catch {
            throw StoreError.write(reason: "\(error)")
        }
    }

    /// Adds a prover to the allowlist, or allows it again; returns its record.
    @discardableResult
    public func allowProver(publicKey: [UInt8], name: String) throws -> ProverRecord {
        let id = ProverAuthentication.proverID(publicKey: publicKey)
        do {
            return try pool.write { db in
                var record = try ProverRecord.fetchOne(db, key: id)
                    ?? ProverRecord(id: id, publicKeyHex: publicKey.hex, name: name, allowed: true,
                                    addedMillis: Identifiers.nowMillis())
                record.allowed = true
                if !name.isEmpty { record.name = name }
                try record.upsert(db)
                return record
            }
        } catch {
            throw StoreError.write(reason: "\(error)")
        }
    }

    /// Takes a prover off the allowlist (its record stays).
    public func revokeProver(id: ProverID) throws {
        do {
            try pool.write { db in
                guard var record = try ProverRecord.fetchOne(db, key: id) else {
                    throw StoreError.missing(table: "prover", id: id)
                }
                record.allowed = false
                try record.update(db)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.write(reason: "\(error)")
        }
    }
}

extension CircuitRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "circuit"
}
extension ProverRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "prover"
}
extension RequestRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "request"
}
extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"
}
extension RoundRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "round"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension LedgerEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ledger"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
