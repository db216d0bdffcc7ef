import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Store

// MIRROR: settled epochs (`v11-settlements`), as `SQLiteStore+Settlement.swift` keeps them: the same range, the
// same report, the same transfers and audit entry, in one transaction (which holds the writers' advisory lock, so
// two settlements never interleave).
extension PostgresStore: SettlementStore {
    public func settle(
        untilMillis: Int64, atMillis: Int64, actor: String,
        build: @escaping @Sendable (SettlementInput) throws -> SettlementReport
    ) async throws(StoreError) -> (report: SettlementReport, newlySettled: Bool) {
        guard untilMillis <= atMillis else { throw .settlementInFuture(untilMillis: untilMillis, nowMillis: atMillis) }
        let verifies = verifiesLedger
        let logger = logger
        return try await transaction("settle") { connection in
            let last = try await connection.query(
                "SELECT epoch, untilMillis, lastTransferID, reportJSON FROM settlement ORDER BY epoch DESC LIMIT 1",
                logger: logger
            ).collect()
            var epoch: Int64 = 1
            var fromMillis: Int64 = 0
            var afterID: Int64 = 0
            if let row = last.first {
                let (lastEpoch, lastUntil, lastID, json) = try Decode.cells(row, "settlement", "last") {
                    try $0.decode((Int64, Int64, Int64, String).self)
                }
                if lastUntil == untilMillis { return (try Self.decodeReport(json), false) }
                if untilMillis < lastUntil {
                    throw StoreError.settlementOutOfOrder(untilMillis: untilMillis, lastUntilMillis: lastUntil)
                }
                epoch = lastEpoch + 1
                fromMillis = lastUntil
                afterID = lastID
            }
            let maxRows = try await connection.query(
                "SELECT MAX(id) FROM transfer WHERE atMillis <= \(untilMillis)", logger: logger
            ).collect()
            let maxID = try maxRows.first.map { row throws(StoreError) in
                try Decode.cells(row, "transfer", "max") { try $0.decode(Int64?.self) }
            }
            let lastID = max(afterID, (maxID ?? nil) ?? 0)
            let reasons = SettlementInput.counted.map(\.rawValue)
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Columns.transfer.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                    j.bondOperator
                FROM transfer t LEFT JOIN job j ON j.id = t.jobID
                WHERE t.id > \(afterID) AND t.id <= \(lastID) AND t.reason = ANY(\(reasons)) ORDER BY t.id
                """, logger: logger
            ).collect()
            var lines: [SettlementInput.Line] = []
            for row in rows {
                let transfer = try Decode.transfer(row)
                let leaseOperator = try Decode.cells(row, "transfer", String(transfer.id ?? 0)) { row in
                    try row.makeRandomAccess()[9].decode(String?.self)
                }
                lines.append(SettlementInput.Line(transfer: transfer, leaseOperator: leaseOperator))
            }
            let input = SettlementInput(
                epoch: epoch, fromMillis: fromMillis, untilMillis: untilMillis, settledMillis: atMillis,
                firstTransferID: afterID + 1, lastTransferID: lastID, lines: lines)
            let report: SettlementReport
            do { report = try build(input) } catch let error as StoreError { throw error } catch {
                throw StoreError.write(reason: "settlement: \(error)")
            }
            try await Self.appendAudit(
                [AuditEvents.settled(report, actor: actor)], atMillis: atMillis, connection, logger)
            try await Self.applyTransfers(report.transfers(), connection, logger)
            let json = try Self.encodeReport(report)
            try await connection.query(
                """
                INSERT INTO settlement (epoch, untilMillis, firstTransferID, lastTransferID, settledMillis, reportJSON)
                VALUES (\(epoch), \(untilMillis), \(afterID + 1), \(lastID), \(atMillis), \(json))
                """, logger: logger)
            if verifies { try await Self.verifyLedger(connection, logger) }
            return (report, true)
        }
    }

    public func settlements() async throws(StoreError) -> [SettlementReport] {
        let logger = logger
        let rows = try await read("read settlements") { connection in
            try await connection.query("SELECT reportJSON FROM settlement ORDER BY epoch", logger: logger).collect()
        }
        return try rows.map { row throws(StoreError) in
            try Self.decodeReport(try Decode.cells(row, "settlement", "?") { try $0.decode(String.self) })
        }
    }

    /// `SettlementReport.payableProblems` of the stored reports and the payable accounts (SQLite's check).
    static func settlementProblems(_ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        var reports: [SettlementReport] = []
        let rows = try await connection.query("SELECT reportJSON FROM settlement ORDER BY epoch", logger: logger)
        for try await json in rows.decode(String.self) { reports.append(try decodeReport(json)) }
        var balances: [String: Int64] = [:]
        let accounts = try await connection.query(
            "SELECT id, balance FROM account WHERE id LIKE 'payable:%'", logger: logger)
        for try await (id, balance) in accounts.decode((String, Int64).self) {
            balances[LedgerAccount(rawValue: id).subject] = balance
        }
        return SettlementReport.payableProblems(reports, balances: balances)
    }

    static func encodeReport(_ report: SettlementReport) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(report), as: UTF8.self)
        } catch {
            throw .write(reason: "settlement report: \(error)")
        }
    }

    static func decodeReport(_ json: String) throws(StoreError) -> SettlementReport {
        do {
            return try JSONDecoder().decode(SettlementReport.self, from: Data(json.utf8))
        } catch {
            throw .corrupt(table: "settlement", id: "?", reason: "\(error)")
        }
    }
}
