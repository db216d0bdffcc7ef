import Foundation
import GRDB
import ProverNetCore

extension SQLiteStore {
    public func insertKey(_ key: APIKeyRecord, actor: String) async throws(StoreError) {
        let row = KeyRow(key)
        try await write { db in
            try AuditTables.append([AuditEvents.keyCreated(key, actor: actor)], atMillis: key.createdMillis, db)
            try row.insert(db)
        }
    }

    public func key(id: String) async throws(StoreError) -> APIKeyRecord? {
        try await read { db in try KeyRow.fetchOne(db, key: id) }?.record()
    }

    public func keys() async throws(StoreError) -> [APIKeyRecord] {
        let rows = try await read { db in try KeyRow.order(Column("createdMillis"), Column("id")).fetchAll(db) }
        return try rows.map { row throws(StoreError) in try row.record() }
    }

    public func revokeKey(id: String, actor: String, atMillis: Int64) async throws(StoreError) -> APIKeyRecord {
        let row = try await write { db in
            guard var row = try KeyRow.fetchOne(db, key: id) else { throw StoreError.missing(table: "api_key", id: id) }
            if row.revokedMillis == nil {
                row.revokedMillis = atMillis
                try AuditTables.append(
                    [AuditEvents.keyRevoked(id: id, role: row.role, actor: actor)],
                    atMillis: atMillis, db)
                try row.update(db)
            }
            return row
        }
        return try row.record()
    }

    public func acceptOneTimeCode(keyID: String, step: Int64, action: String, atMillis: Int64) async throws(StoreError)
        -> Bool
    {
        try await write { db in
            // One statement decides, so that two gateways (or two calls) cannot both accept the same code.
            try db.execute(
                sql: """
                    UPDATE api_key SET totpLastStep = ?
                    WHERE id = ? AND (totpLastStep IS NULL OR totpLastStep < ?)
                    """,
                arguments: [step, keyID, step])
            guard db.changesCount == 1 else { return false }
            try AuditTables.append(
                [AuditEvents.oneTimeCodeAccepted(keyID: keyID, step: step, action: action)], atMillis: atMillis, db)
            return true
        }
    }
}

/// The `api_key` table (migration `v6-api-keys`).
enum KeyTables {
    static func createTables(_ db: Database) throws {
        try db.create(table: "api_key") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("role", .text).notNull()
            t.column("secretHash", .text).notNull()
            t.column("operatorAddress", .text)
            t.column("createdMillis", .integer).notNull()
            t.column("createdBy", .text).notNull()
            t.column("expiresMillis", .integer)
            t.column("revokedMillis", .integer)
            t.column("totpSealed", .blob)
            t.column("totpLastStep", .integer)
        }
    }
}

struct KeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_key"
    var id: String
    var name: String
    var role: String
    var secretHash: String
    var operatorAddress: String?
    var createdMillis: Int64
    var createdBy: String
    var expiresMillis: Int64?
    var revokedMillis: Int64?
    var totpSealed: Data?
    var totpLastStep: Int64?

    init(_ key: APIKeyRecord) {
        id = key.id
        name = key.name
        role = key.role.rawValue
        secretHash = key.secretHash
        operatorAddress = key.operatorAddress
        createdMillis = key.createdMillis
        createdBy = key.createdBy
        expiresMillis = key.expiresMillis
        revokedMillis = key.revokedMillis
        totpSealed = key.totpSealed.map { Data($0) }
        totpLastStep = key.totpLastStep
    }

    func record() throws(StoreError) -> APIKeyRecord {
        guard let role = AccessRole(rawValue: role) else {
            throw .corrupt(table: "api_key", id: id, reason: "unknown role \(role)")
        }
        var record = APIKeyRecord(
            id: id, name: name, role: role, secretHash: secretHash, operatorAddress: operatorAddress,
            createdMillis: createdMillis, createdBy: createdBy, expiresMillis: expiresMillis,
            totpSealed: totpSealed.map { Array($0) })
        record.revokedMillis = revokedMillis
        record.totpLastStep = totpLastStep
        return record
    }
}
