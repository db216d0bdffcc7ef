import Foundation
import GRDB
import ProverNetCore

/// Settled epochs in SQLite (`v11-settlements`): `settlement` keeps each epoch's range and its report (JSON, as
/// `SettlementReport` encodes it); the money moves as ledger transfers in the same transaction.
extension SQLiteStore: SettlementStore {
    static func createSettlementTable(_ db: Database) throws {
        try db.create(table: "settlement") { t in
            t.primaryKey("epoch", .integer)
            t.column("untilMillis", .integer).notNull().unique()
            t.column("firstTransferID", .integer).notNull()
            t.column("lastTransferID", .integer).notNull()
            t.column("settledMillis", .integer).notNull()
            t.column("reportJSON", .text).notNull()
        }
    }

    public func settle(
        untilMillis: Int64, atMillis: Int64, actor: String,
        build: @escaping @Sendable (SettlementInput) throws -> SettlementReport
    ) async throws(StoreError) -> (report: SettlementReport, newlySettled: Bool) {
        guard untilMillis <= atMillis else { throw .settlementInFuture(untilMillis: untilMillis, nowMillis: atMillis) }
        let verifies = verifiesLedger
        return try await write { db in
            let last = try Row.fetchOne(
                db,
                sql: "SELECT epoch, untilMillis, lastTransferID, reportJSON FROM settlement ORDER BY epoch DESC LIMIT 1"
            )
            var epoch: Int64 = 1
            var fromMillis: Int64 = 0
            var afterID: Int64 = 0
            if let last {
                let lastUntil: Int64 = last["untilMillis"]
                if lastUntil == untilMillis { return (try Self.decodeReport(last["reportJSON"]), false) }
                if untilMillis < lastUntil {
                    throw StoreError.settlementOutOfOrder(untilMillis: untilMillis, lastUntilMillis: lastUntil)
                }
                epoch = (last["epoch"] as Int64) + 1
                fromMillis = lastUntil
                afterID = last["lastTransferID"]
            }
            let lastID = max(
                afterID,
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(id) FROM transfer WHERE atMillis <= ?", arguments: [untilMillis]) ?? 0)
            let reasons = SettlementInput.counted.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.*, j.bondOperator AS leaseOperator FROM transfer t LEFT JOIN job j ON j.id = t.jobID
                    WHERE t.id > ? AND t.id <= ? AND t.reason IN (\(reasons)) ORDER BY t.id
                    """, arguments: [afterID, lastID])
            let lines = try rows.map { row in
                SettlementInput.Line(transfer: try Transfer(row: row), leaseOperator: row["leaseOperator"])
            }
            let input = SettlementInput(
                epoch: epoch, fromMillis: fromMillis, untilMillis: untilMillis, settledMillis: atMillis,
                firstTransferID: afterID + 1, lastTransferID: lastID, lines: lines)
            let report: SettlementReport
            do { report = try build(input) } catch let error as StoreError { throw error } catch {
                throw StoreError.write(reason: "settlement: \(error)")
            }
            try AuditTables.append([AuditEvents.settled(report, actor: actor)], atMillis: atMillis, db)
            try Self.applyTransfers(report.transfers(), db)
            try db.execute(
                sql: """
                    INSERT INTO settlement (epoch, untilMillis, firstTransferID, lastTransferID, settledMillis, reportJSON)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    epoch, untilMillis, afterID + 1, lastID, atMillis, try Self.encodeReport(report),
                ])
            if verifies { try Self.verifyLedger(db) }
            return (report, true)
        }
    }

    public func settlements() async throws(StoreError) -> [SettlementReport] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT reportJSON FROM settlement ORDER BY epoch").map(Self.decodeReport)
        }
    }

    /// `SettlementReport.payableProblems` of the stored reports and the payable accounts.
    static func settlementProblems(_ db: Database) throws -> [String] {
        let reports = try String.fetchAll(db, sql: "SELECT reportJSON FROM settlement ORDER BY epoch").map(decodeReport)
        var balances: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, balance FROM account WHERE id LIKE 'payable:%'") {
            balances[LedgerAccount(rawValue: row["id"]).subject] = row["balance"]
        }
        return SettlementReport.payableProblems(reports, balances: balances)
    }

    static func encodeReport(_ report: SettlementReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func decodeReport(_ json: String) throws -> SettlementReport {
        do {
            return try JSONDecoder().decode(SettlementReport.self, from: Data(json.utf8))
        } catch {
            throw StoreError.corrupt(table: "settlement", id: "?", reason: "\(error)")
        }
    }
}
