import GRDB

extension OperatorRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "operator"
}

extension SQLiteStore: OperatorStore {
    /// `v7-operators`: the operators' allowlist and the standalone registry's stakes.
    static func createOperatorTable(_ db: Database) throws {
        try db.create(table: "operator") { t in
            t.primaryKey("address", .text)
            t.column("name", .text).notNull()
            t.column("allowed", .boolean).notNull()
            t.column("stake", .text).notNull().defaults(to: "0")
            t.column("addedMillis", .integer).notNull()
        }
    }

    public func allowOperator(address: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> OperatorRecord
    {
        try await write { db in
            var record =
                try OperatorRecord.fetchOne(db, key: address)
                ?? OperatorRecord(address: address, name: name, allowed: true, addedMillis: atMillis)
            record.allowed = true
            if !name.isEmpty { record.name = name }
            try AuditTables.append(
                [AuditEvents.operatorAllowed(address: address, name: record.name, actor: actor)],
                atMillis: atMillis, db)
            try record.upsert(db)
            return record
        }
    }

    public func revokeOperator(address: String, actor: String, atMillis: Int64) async throws(StoreError) {
        try await write { db in
            guard var record = try OperatorRecord.fetchOne(db, key: address) else {
                throw StoreError.missing(table: "operator", id: address)
            }
            record.allowed = false
            try AuditTables.append(
                [AuditEvents.operatorRevoked(address: address, actor: actor)], atMillis: atMillis, db)
            try record.update(db)
        }
    }

    public func setOperatorStake(address: String, stake: String, actor: String, atMillis: Int64)
        async throws(StoreError)
    {
        try await write { db in
            guard var record = try OperatorRecord.fetchOne(db, key: address) else {
                throw StoreError.missing(table: "operator", id: address)
            }
            record.stake = stake
            try AuditTables.append(
                [AuditEvents.operatorStake(address: address, stake: stake, actor: actor)],
                atMillis: atMillis, db)
            try record.update(db)
        }
    }

    public func `operator`(address: String) async throws(StoreError) -> OperatorRecord? {
        try await read { db in try OperatorRecord.fetchOne(db, key: address) }
    }

    public func operators() async throws(StoreError) -> [OperatorRecord] {
        try await read { db in try OperatorRecord.order(Column("address")).fetchAll(db) }
    }
}
