import Foundation
import PostgresNIO
import ProverNetCore
import Store

// API keys (migration `v6-api-keys`), as `SQLiteStore+Keys.swift` keeps them: each change audited in its own
// transaction, never the secret or its hash.

extension PostgresStore {
    public func insertKey(_ key: APIKeyRecord, actor: String) async throws(StoreError) {
        let event = AuditEvents.keyCreated(key, actor: actor)
        let sealed = key.totpSealed.map { Data($0) }
        let logger = logger
        try await transaction("insert key") { connection in
            try await Self.appendAudit([event], atMillis: key.createdMillis, connection, logger)
            try await connection.query(
                """
                INSERT INTO api_key (id, name, role, secretHash, operatorAddress, createdMillis, createdBy,
                    expiresMillis, revokedMillis, totpSealed, totpLastStep)
                VALUES (\(key.id), \(key.name), \(key.role.rawValue), \(key.secretHash), \(key.operatorAddress),
                    \(key.createdMillis), \(key.createdBy), \(key.expiresMillis), \(key.revokedMillis), \(sealed),
                    \(key.totpLastStep))
                """, logger: logger)
        }
    }

    public func key(id: String) async throws(StoreError) -> APIKeyRecord? {
        let logger = logger
        let rows = try await read("read key") { connection in
            try await connection.query("SELECT \(unescaped: Columns.key) FROM api_key WHERE id = \(id)", logger: logger)
                .collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.key(row) }
    }

    public func keys() async throws(StoreError) -> [APIKeyRecord] {
        let logger = logger
        let rows = try await read("read keys") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.key) FROM api_key ORDER BY createdMillis, id", logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.key(row) }
    }

    public func revokeKey(id: String, actor: String, atMillis: Int64) async throws(StoreError) -> APIKeyRecord {
        let logger = logger
        let row = try await transaction("revoke key") { connection in
            let existing = try await connection.query(
                "SELECT \(unescaped: Columns.key) FROM api_key WHERE id = \(id) FOR UPDATE", logger: logger
            ).collect()
            guard let row = existing.first else { throw StoreError.missing(table: "api_key", id: id) }
            var record = try Decode.key(row)
            // A second revocation keeps the first time, and records nothing.
            if record.revokedMillis == nil {
                record.revokedMillis = atMillis
                try await Self.appendAudit(
                    [AuditEvents.keyRevoked(id: id, role: record.role.rawValue, actor: actor)], atMillis: atMillis,
                    connection, logger)
                try await connection.query(
                    "UPDATE api_key SET revokedMillis = \(atMillis) WHERE id = \(id)", logger: logger)
            }
            return record
        }
        return row
    }

    public func acceptOneTimeCode(keyID: String, step: Int64, action: String, atMillis: Int64) async throws(StoreError)
        -> Bool
    {
        let event = AuditEvents.oneTimeCodeAccepted(keyID: keyID, step: step, action: action)
        let logger = logger
        return try await transaction("accept one-time code") { connection in
            // One statement decides, so that two gateways (or two calls) cannot both accept the same code: the
            // second waits for the first's row lock, then finds the step no longer later than the last one.
            let updated = try await connection.query(
                """
                UPDATE api_key SET totpLastStep = \(step)
                WHERE id = \(keyID) AND (totpLastStep IS NULL OR totpLastStep < \(step))
                RETURNING id
                """, logger: logger
            ).collect()
            guard updated.count == 1 else { return false }
            try await Self.appendAudit([event], atMillis: atMillis, connection, logger)
            return true
        }
    }
}
