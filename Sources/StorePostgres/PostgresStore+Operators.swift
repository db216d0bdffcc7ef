import PostgresNIO
import ProverNetCore
import Store

// The operators' allowlist and the standalone registry's stakes (migration `v7-operators`), as
// `SQLiteStore+Operators.swift` keeps them. `operator` is a keyword in PostgreSQL: the table's name is quoted.

extension PostgresStore: OperatorStore {
    public func allowOperator(address: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> OperatorRecord
    {
        let logger = logger
        return try await transaction("allow operator") { connection in
            let existing = try await connection.query(
                "SELECT \(unescaped: Columns.operator) FROM \"operator\" WHERE address = \(address) FOR UPDATE",
                logger: logger
            ).collect()
            var record =
                try existing.first.map(Decode.operator)
                ?? OperatorRecord(address: address, name: name, allowed: true, addedMillis: atMillis)
            record.allowed = true
            if !name.isEmpty { record.name = name }
            try await Self.appendAudit(
                [AuditEvents.operatorAllowed(address: address, name: record.name, actor: actor)], atMillis: atMillis,
                connection, logger)
            try await connection.query(
                """
                INSERT INTO "operator" (address, name, allowed, stake, addedMillis)
                VALUES (\(record.address), \(record.name), \(record.allowed), \(record.stake), \(record.addedMillis))
                ON CONFLICT (address) DO UPDATE SET name = EXCLUDED.name, allowed = EXCLUDED.allowed
                """, logger: logger)
            return record
        }
    }

    public func revokeOperator(address: String, actor: String, atMillis: Int64) async throws(StoreError) {
        let logger = logger
        try await transaction("revoke operator") { connection in
            let updated = try await connection.query(
                "UPDATE \"operator\" SET allowed = FALSE WHERE address = \(address) RETURNING address", logger: logger
            ).collect()
            guard !updated.isEmpty else { throw StoreError.missing(table: "operator", id: address) }
            try await Self.appendAudit(
                [AuditEvents.operatorRevoked(address: address, actor: actor)], atMillis: atMillis, connection, logger)
        }
    }

    public func setOperatorStake(address: String, stake: String, actor: String, atMillis: Int64)
        async throws(StoreError)
    {
        let logger = logger
        try await transaction("set operator stake") { connection in
            let updated = try await connection.query(
                "UPDATE \"operator\" SET stake = \(stake) WHERE address = \(address) RETURNING address", logger: logger
            ).collect()
            guard !updated.isEmpty else { throw StoreError.missing(table: "operator", id: address) }
            try await Self.appendAudit(
                [AuditEvents.operatorStake(address: address, stake: stake, actor: actor)], atMillis: atMillis,
                connection, logger)
        }
    }

    public func `operator`(address: String) async throws(StoreError) -> OperatorRecord? {
        let logger = logger
        let rows = try await read("read operator") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.operator) FROM \"operator\" WHERE address = \(address)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.operator(row) }
    }

    public func operators() async throws(StoreError) -> [OperatorRecord] {
        let logger = logger
        let rows = try await read("read operators") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.operator) FROM \"operator\" ORDER BY address", logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.operator(row) }
    }

    public func revokeAuthorization(address: String, nonce: UInt64, reason: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> AuthorizationRevocation
    {
        guard let stored = Int64(exactly: nonce) else {
            throw StoreError.write(reason: "an authorization's nonce must be below 2^63, not \(nonce)")
        }
        let logger = logger
        return try await transaction("revoke authorization") { connection in
            // The first revocation stands: a second one inserts nothing and audits nothing.
            let inserted = try await connection.query(
                """
                INSERT INTO authorization_revocation (address, nonce, reason, revokedMillis)
                VALUES (\(address), \(stored), \(reason), \(atMillis))
                ON CONFLICT (address, nonce) DO NOTHING RETURNING address
                """, logger: logger
            ).collect()
            if !inserted.isEmpty {
                try await Self.appendAudit(
                    [AuditEvents.authorizationRevoked(address: address, nonce: stored, reason: reason, actor: actor)],
                    atMillis: atMillis, connection, logger)
            }
            let rows = try await connection.query(
                """
                SELECT address, nonce, reason, revokedMillis FROM authorization_revocation
                WHERE address = \(address) AND nonce = \(stored)
                """, logger: logger
            ).collect()
            guard let row = rows.first else { throw StoreError.missing(table: "authorization_revocation", id: address) }
            return try Self.decodeRevocation(row)
        }
    }

    public func authorizationRevocation(address: String, nonce: UInt64) async throws(StoreError)
        -> AuthorizationRevocation?
    {
        guard let stored = Int64(exactly: nonce) else { return nil }
        let logger = logger
        let rows = try await read("read authorization revocation") { connection in
            try await connection.query(
                """
                SELECT address, nonce, reason, revokedMillis FROM authorization_revocation
                WHERE address = \(address) AND nonce = \(stored)
                """, logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Self.decodeRevocation(row) }
    }

    static func decodeRevocation(_ row: PostgresRow) throws(StoreError) -> AuthorizationRevocation {
        do {
            let (address, nonce, reason, revoked) = try row.decode((String, Int64, String, Int64).self)
            return AuthorizationRevocation(address: address, nonce: nonce, reason: reason, revokedMillis: revoked)
        } catch {
            throw .corrupt(table: "authorization_revocation", id: "?", reason: "\(error)")
        }
    }
}
