import GRDB
import ProverNetCore

/// The ledger's accounts and transfers in SQLite (`v9-economics`): `account` keeps each account's balance,
/// `transfer` every movement; `job` gains each lease's bond. A batch's transfers are applied in its transaction (`applyTransfers`).
extension SQLiteStore {
    /// `v9-economics`: the accounts and the transfers; the requests open at the upgrade get their escrow
    /// (their maximum cost less what they paid) as a prepaid deposit, so that every open request's escrow
    /// holds what it still may be charged, as for a request submitted after.
    static func createEconomicsTables(_ db: Database) throws {
        try db.create(table: "account") { t in
            t.primaryKey("id", .text)
            t.column("balance", .integer).notNull()
        }
        try db.create(table: "transfer") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("atMillis", .integer).notNull()
            t.column("reason", .text).notNull()
            t.column("fromAccount", .text).notNull().indexed()
            t.column("toAccount", .text).notNull().indexed()
            t.column("amount", .integer).notNull()
            t.column("requestID", .text).indexed()
            t.column("jobID", .text)
            t.column("note", .text).notNull()
        }
        // Each lease's bond, and the operator whose stake it is locked from.
        try db.alter(table: "job") { t in
            t.add(column: "bond", .integer).notNull().defaults(to: 0)
            t.add(column: "bondOperator", .text)
        }
        let open = RequestPhase.allCases.filter { !$0.isFinal }.map(\.rawValue)
        let rows = try RequestRow.filter(open.contains(Column("state"))).fetchAll(db)
        for row in rows {
            let request = try row.request()
            guard request.escrowLeft > .zero else { continue }
            try applyTransfers(
                [
                    Transfer(
                        atMillis: request.createdMillis, reason: .escrow, from: .deposits, to: .escrow(request.id),
                        amount: request.escrowLeft, requestID: request.id, note: "v9-economics: open at the upgrade")
                ], db)
        }
    }

    /// Applies transfers: each moves its amount and is appended. Throws `insufficientFunds` when a client's
    /// balance would go below zero, `unbalancedLedger` when an escrow's would; zero amounts are skipped.
    static func applyTransfers(_ transfers: [Transfer], _ db: Database) throws {
        for var transfer in transfers where transfer.amount != .zero {
            guard transfer.amount > .zero else {
                throw StoreError.unbalancedLedger(problems: ["a transfer of \(transfer.amount) (\(transfer.reason))"])
            }
            let from = try balance(transfer.from, db)
            let left = from - transfer.amount
            if left < .zero, !transfer.from.isSource {
                if transfer.from.category == .client {
                    throw StoreError.insufficientFunds(
                        account: transfer.from.rawValue, balance: from, needed: transfer.amount)
                }
                throw StoreError.unbalancedLedger(
                    problems: [
                        "\(transfer.reason) of \(transfer.amount) from \(transfer.from), which holds \(from)"
                    ])
            }
            try setBalance(transfer.from, left, db)
            try setBalance(transfer.to, try balance(transfer.to, db) + transfer.amount, db)
            try transfer.insert(db)
        }
    }

    static func balance(_ account: LedgerAccount, _ db: Database) throws -> Amount {
        Amount(
            units: try Int64.fetchOne(
                db, sql: "SELECT balance FROM account WHERE id = ?", arguments: [account.rawValue]) ?? 0)
    }

    static func setBalance(_ account: LedgerAccount, _ balance: Amount, _ db: Database) throws {
        try db.execute(
            sql:
                "INSERT INTO account (id, balance) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET balance = excluded.balance",
            arguments: [account.rawValue, balance.units])
    }

    public func credit(keyID: String, amount: Amount, actor: String, atMillis: Int64) async throws(StoreError)
        -> Amount
    {
        guard amount > .zero else { throw .write(reason: "a credit must be a positive amount, not \(amount)") }
        let verifies = verifiesLedger
        return try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM api_key WHERE id = ?", arguments: [keyID]) != nil else {
                throw StoreError.missing(table: "api_key", id: keyID)
            }
            let account = LedgerAccount.client(keyID)
            try AuditTables.append(
                [AuditEvents.credit(keyID: keyID, amount: amount, actor: actor)], atMillis: atMillis, db)
            try Self.applyTransfers(
                [
                    Transfer(
                        atMillis: atMillis, reason: .credit, from: .deposits, to: account, amount: amount, note: actor)
                ],
                db)
            if verifies { try Self.verifyLedger(db) }
            return try Self.balance(account, db)
        }
    }

    public func balance(of account: LedgerAccount) async throws(StoreError) -> Amount {
        try await read { db in try Self.balance(account, db) }
    }

    public func accounts() async throws(StoreError) -> [(account: LedgerAccount, balance: Amount)] {
        let rows = try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, balance FROM account ORDER BY id").map { row in
                (row["id"] as String, row["balance"] as Int64)
            }
        }
        return rows.map { (LedgerAccount(rawValue: $0.0), Amount(units: $0.1)) }
    }

    public func transfers(requestID: RequestID) async throws(StoreError) -> [Transfer] {
        try await read { db in
            try Transfer.filter(Column("requestID") == requestID.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    public func transfers(after id: Int64, limit: Int) async throws(StoreError) -> [Transfer] {
        try await read { db in
            try Transfer.filter(Column("id") > id).order(Column("id")).limit(limit).fetchAll(db)
        }
    }

    public func ledgerBalance() async throws(StoreError) -> LedgerBalance {
        try await read { db in try Self.ledgerBalance(db) }
    }

    static func ledgerBalance(_ db: Database) throws -> LedgerBalance {
        var balance = LedgerBalance()
        for row in try Row.fetchAll(db, sql: "SELECT id, balance FROM account") {
            balance.add(LedgerAccount(rawValue: row["id"]), Amount(units: row["balance"]))
        }
        return balance
    }

    public func ledgerProblems() async throws(StoreError) -> [String] {
        try await read { db in try Self.ledgerProblems(db) }
    }

    /// Throws `unbalancedLedger` when `ledgerProblems` finds any (in the batch's transaction: it is rolled back).
    static func verifyLedger(_ db: Database) throws {
        let problems = try ledgerProblems(db)
        if !problems.isEmpty { throw StoreError.unbalancedLedger(problems: problems) }
    }

    static func ledgerProblems(_ db: Database) throws -> [String] {
        var problems: [String] = []
        // Each account against its transfers.
        let sums = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id AS id, a.balance AS balance,
                    COALESCE((SELECT SUM(amount) FROM transfer WHERE toAccount = a.id), 0)
                    - COALESCE((SELECT SUM(amount) FROM transfer WHERE fromAccount = a.id), 0) AS moved
                FROM account a
                """)
        for row in sums {
            let id: String = row["id"]
            let balance: Int64 = row["balance"]
            let moved: Int64 = row["moved"]
            if balance != moved {
                problems.append("account \(id) holds \(balance) units but its transfers sum to \(moved)")
            }
            if balance < 0, !LedgerAccount(rawValue: id).isSource {
                problems.append("account \(id) is negative (\(balance) units)")
            }
        }
        let balance = try ledgerBalance(db)
        if !balance.balances {
            problems.append(
                "deposits \(balance.deposits) ≠ client balances \(balance.clientBalances) + escrows \(balance.escrows) + "
                    + "earnings \(balance.operatorEarnings) + revenue \(balance.networkRevenue) + slashed \(balance.slashed)"
            )
        }
        // Each request with an escrow: an ended one's is empty, an open one's holds its maximum cost less what
        // it paid, and what it paid is what its jobs' payments and fees took from the escrow and what its
        // ledger lines charged.
        let escrowed = try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, COALESCE(a.balance, 0) AS escrowBalance,
                    COALESCE((SELECT SUM(amount) FROM transfer t WHERE t.requestID = r.id
                        AND t.reason IN ('payment', 'fee')), 0) AS charged,
                    COALESCE((SELECT SUM(amount) FROM transfer t WHERE t.toAccount = 'escrow:' || r.id), 0)
                        AS escrowed,
                    COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.requestID = r.id
                        AND l.kind = 'client_charge'), 0) AS ledgerCharges
                FROM request r JOIN account a ON a.id = 'escrow:' || r.id
                """)
        for row in escrowed {
            let request = try RequestRow(row: row).request()
            let held = Amount(units: row["escrowBalance"])
            let charged = Amount(units: row["charged"])
            let ledgerCharges = Amount(units: row["ledgerCharges"])
            if request.state.isFinal, held != .zero {
                problems.append("request \(request.id) ended with \(held) still in escrow")
            }
            if !request.state.isFinal, held != request.escrowLeft {
                problems.append("request \(request.id)'s escrow holds \(held), not its maximum cost less what it paid")
            }
            // (A request open at the upgrade to v9 escrowed only what it had not paid yet: its earlier charges
            // have no transfers.)
            let escrowedWhole = Amount(units: row["escrowed"]) == request.maximumCost
            if escrowedWhole, charged != request.paid || ledgerCharges != request.paid {
                problems.append(
                    "request \(request.id) paid \(request.paid), its escrow paid out \(charged), its ledger lines "
                        + "charged \(ledgerCharges)")
            }
        }
        // What settled epochs owe each operator is what its payable account holds.
        problems += try settlementProblems(db)
        // A bounty is paid or forfeited when its job's request ends.
        let bounties = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id AS id, a.balance AS balance, r.state AS state FROM account a
                JOIN job j ON a.id = 'bounty:' || j.id JOIN request r ON r.id = j.requestID
                WHERE a.balance != 0
                """)
        for row in bounties {
            let state: String = row["state"]
            if RequestPhase(rawValue: state)?.isFinal ?? false {
                problems.append("\(row["id"] as String) holds \(row["balance"] as Int64) units after its request ended")
            }
        }
        return problems
    }
}

extension Transfer: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "transfer"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum CodingKeys: String, CodingKey {
        case id, atMillis, reason
        case from = "fromAccount"
        case to = "toAccount"
        case amount, requestID, jobID, note
    }
}
