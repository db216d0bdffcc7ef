import GRDB

extension OperatorRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "operator"
}

extension AuthorizationRevocation: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "authorization_revocation"
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

    /// `v8-authorization-revocations`: prover authorizations revoked one by one, by operator and nonce.
    static func createAuthorizationRevocationTable(_ db: Database) throws {
        try db.create(table: "authorization_revocation") { t in
            t.column("address", .text).notNull()
            t.column("nonce", .integer).notNull()
            t.column("reason", .text).notNull()
            t.column("revokedMillis", .integer).notNull()
            t.primaryKey(["address", "nonce"])
        }
    }

    public func revokeAuthorization(address: String, nonce: UInt64, reason: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> AuthorizationRevocation
    {
        guard let stored = Int64(exactly: nonce) else {
            throw StoreError.write(reason: "an authorization's nonce must be below 2^63, not \(nonce)")
        }
        return try await write { db in
            if let earlier = try AuthorizationRevocation.fetchOne(db, key: ["address": address, "nonce": stored]) {
                return earlier
            }
            let revocation = AuthorizationRevocation(
                address: address, nonce: stored, reason: reason, revokedMillis: atMillis)
            try AuditTables.append(
                [AuditEvents.authorizationRevoked(address: address, nonce: stored, reason: reason, actor: actor)],
                atMillis: atMillis, db)
            try revocation.insert(db)
            return revocation
        }
    }

    public func authorizationRevocation(address: String, nonce: UInt64) async throws(StoreError)
        -> AuthorizationRevocation?
    {
        guard let stored = Int64(exactly: nonce) else { return nil }
        return try await read { db in
            try AuthorizationRevocation.fetchOne(db, key: ["address": address, "nonce": stored])
        }
    }

    public func `operator`(address: String) async throws(StoreError) -> OperatorRecord? {
        try await read { db in try OperatorRecord.fetchOne(db, key: address) }
    }

    public func operators() async throws(StoreError) -> [OperatorRecord] {
        try await read { db in try OperatorRecord.order(Column("address")).fetchAll(db) }
    }
}
