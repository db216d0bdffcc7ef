import Logging
import PostgresNIO
import ProverNetCore
import Store

// The ledger's accounts and transfers (migration `v9-economics`), as `SQLiteStore+Economics.swift` keeps them:
// the same refusals, the same invariants, the same audit entries.
//
// Concurrency: every write goes through `transaction`, which holds the writers' advisory lock (the audit
// chain's) until COMMIT, so two batches never interleave their reads and writes of a balance, on one gateway's
// pool or across gateways on one database. Each balance is moved in one statement all the same
// (`UPDATE … SET balance = balance ± amount … RETURNING`), which takes the account's row lock: correct even for
// a writer that did not take the advisory lock, and one round trip instead of a read and a write.

extension PostgresStore {
    /// Applies transfers in the caller's transaction: each moves its amount and is appended. Throws
    /// `insufficientFunds` when a client's balance would go below zero, `unbalancedLedger` when another
    /// account's would (the caller's transaction is then rolled back); zero amounts are skipped.
    static func applyTransfers(_ transfers: [Transfer], _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        for transfer in transfers where transfer.amount != .zero {
            guard transfer.amount > .zero else {
                throw StoreError.unbalancedLedger(problems: ["a transfer of \(transfer.amount) (\(transfer.reason))"])
            }
            let left = try await move(transfer.from, by: -transfer.amount.units, connection, logger)
            if left < .zero, !transfer.from.isSource {
                let from = Amount(units: left.units + transfer.amount.units)
                if transfer.from.category == .client {
                    throw StoreError.insufficientFunds(
                        account: transfer.from.rawValue, balance: from, needed: transfer.amount)
                }
                throw StoreError.unbalancedLedger(
                    problems: [
                        "\(transfer.reason) of \(transfer.amount) from \(transfer.from), which holds \(from)"
                    ])
            }
            _ = try await move(transfer.to, by: transfer.amount.units, connection, logger)
            try await connection.query(
                """
                INSERT INTO transfer (atMillis, reason, fromAccount, toAccount, amount, requestID, jobID, note)
                VALUES (\(transfer.atMillis), \(transfer.reason.rawValue), \(transfer.from.rawValue),
                    \(transfer.to.rawValue), \(transfer.amount.units), \(transfer.requestID?.rawValue),
                    \(transfer.jobID?.rawValue), \(transfer.note))
                """, logger: logger)
        }
    }

    /// Adds `units` (negative: takes) to an account's balance, opening it at zero; returns the new balance.
    static func move(_ account: LedgerAccount, by units: Int64, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> Amount
    {
        let rows = try await connection.query(
            """
            INSERT INTO account (id, balance) VALUES (\(account.rawValue), \(units))
            ON CONFLICT (id) DO UPDATE SET balance = account.balance + EXCLUDED.balance
            RETURNING balance
            """, logger: logger
        ).collect()
        let balance = try rows.first.map { row throws(StoreError) in
            try Decode.cells(row, "account", account.rawValue) { try $0.decode(Int64.self) }
        }
        guard let balance else { throw StoreError.write(reason: "account \(account) was not written") }
        return Amount(units: balance)
    }

    static func balance(_ account: LedgerAccount, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> Amount
    {
        let rows = try await connection.query(
            "SELECT balance FROM account WHERE id = \(account.rawValue)", logger: logger
        ).collect()
        let balance = try rows.first.map { row throws(StoreError) in
            try Decode.cells(row, "account", account.rawValue) { try $0.decode(Int64.self) }
        }
        return Amount(units: balance ?? 0)
    }

    public func credit(keyID: String, amount: Amount, actor: String, atMillis: Int64) async throws(StoreError)
        -> Amount
    {
        guard amount > .zero else { throw .write(reason: "a credit must be a positive amount, not \(amount)") }
        let verifies = verifiesLedger
        let logger = logger
        return try await transaction("credit") { connection in
            let key = try await connection.query("SELECT id FROM api_key WHERE id = \(keyID)", logger: logger)
                .collect()
            guard !key.isEmpty else { throw StoreError.missing(table: "api_key", id: keyID) }
            let account = LedgerAccount.client(keyID)
            try await Self.appendAudit(
                [AuditEvents.credit(keyID: keyID, amount: amount, actor: actor)], atMillis: atMillis, connection,
                logger)
            try await Self.applyTransfers(
                [
                    Transfer(
                        atMillis: atMillis, reason: .credit, from: .deposits, to: account, amount: amount, note: actor)
                ], connection, logger)
            if verifies { try await Self.verifyLedger(connection, logger) }
            return try await Self.balance(account, connection, logger)
        }
    }

    public func balance(of account: LedgerAccount) async throws(StoreError) -> Amount {
        let logger = logger
        return try await read("read balance") { connection in try await Self.balance(account, connection, logger) }
    }

    public func accounts() async throws(StoreError) -> [(account: LedgerAccount, balance: Amount)] {
        let logger = logger
        // COLLATE "C": by bytes, as SQLite orders text.
        let rows = try await read("read accounts") { connection in
            try await connection.query("SELECT id, balance FROM account ORDER BY id COLLATE \"C\"", logger: logger)
                .collect()
        }
        return try rows.map { row throws(StoreError) in
            let (id, balance) = try Decode.cells(row, "account", Decode.id(row)) { try $0.decode((String, Int64).self) }
            return (account: LedgerAccount(rawValue: id), balance: Amount(units: balance))
        }
    }

    public func transfers(requestID: RequestID) async throws(StoreError) -> [Transfer] {
        let logger = logger
        let rows = try await read("read transfers") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.transfer) FROM transfer WHERE requestID = \(requestID.rawValue)
                ORDER BY id
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.transfer(row) }
    }

    public func transfers(after id: Int64, limit: Int) async throws(StoreError) -> [Transfer] {
        let logger = logger
        let rows = try await read("read transfers") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.transfer) FROM transfer WHERE id > \(id) ORDER BY id
                LIMIT \(Int64(clamping: max(0, limit)))
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.transfer(row) }
    }

    public func ledgerBalance() async throws(StoreError) -> LedgerBalance {
        let logger = logger
        return try await read("read the ledger's balance") { connection in
            try await Self.ledgerBalance(connection, logger)
        }
    }

    static func ledgerBalance(_ connection: PostgresConnection, _ logger: Logger) async throws -> LedgerBalance {
        var balance = LedgerBalance()
        let rows = try await connection.query("SELECT id, balance FROM account", logger: logger)
        for try await (id, units) in rows.decode((String, Int64).self) {
            balance.add(LedgerAccount(rawValue: id), Amount(units: units))
        }
        return balance
    }

    public func ledgerProblems() async throws(StoreError) -> [String] {
        let logger = logger
        // In one snapshot, as SQLite's read: a batch committed between two of the checks' queries would show
        // as a problem that is not there.
        return try await read("check the ledger") { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let problems = try await Self.ledgerProblems(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return problems
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Throws `unbalancedLedger` when `ledgerProblems` finds any (in the batch's transaction: it is rolled back).
    static func verifyLedger(_ connection: PostgresConnection, _ logger: Logger) async throws {
        let problems = try await ledgerProblems(connection, logger)
        if !problems.isEmpty { throw StoreError.unbalancedLedger(problems: problems) }
    }

    /// The checks of `SQLiteStore.ledgerProblems`, in the same order with the same words.
    static func ledgerProblems(_ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        var problems: [String] = []
        // Each account against its transfers.
        let sums = try await connection.query(
            """
            SELECT a.id, a.balance,
                (COALESCE((SELECT SUM(amount) FROM transfer WHERE toAccount = a.id), 0)
                - COALESCE((SELECT SUM(amount) FROM transfer WHERE fromAccount = a.id), 0))::BIGINT
            FROM account a ORDER BY a.id COLLATE "C"
            """, logger: logger)
        for try await (id, balance, moved) in sums.decode((String, Int64, Int64).self) {
            if balance != moved {
                problems.append("account \(id) holds \(balance) units but its transfers sum to \(moved)")
            }
            if balance < 0, !LedgerAccount(rawValue: id).isSource {
                problems.append("account \(id) is negative (\(balance) units)")
            }
        }
        let balance = try await ledgerBalance(connection, logger)
        if !balance.balances {
            problems.append(
                "deposits \(balance.deposits) ≠ client balances \(balance.clientBalances) + escrows \(balance.escrows) + "
                    + "earnings \(balance.operatorEarnings) + revenue \(balance.networkRevenue) + slashed \(balance.slashed)"
            )
        }
        // Each request with an escrow: an ended one's is empty, an open one's holds its maximum cost less what
        // it paid, and what it paid is what its jobs' payments and fees took from the escrow and what its
        // ledger lines charged.
        let escrowed = try await connection.query(
            """
            SELECT \(unescaped: Columns.request), escrowBalance, charged, escrowed, ledgerCharges FROM (
                SELECT r.*, a.balance AS escrowBalance,
                    COALESCE((SELECT SUM(amount) FROM transfer t WHERE t.requestID = r.id
                        AND t.reason IN ('payment', 'fee')), 0)::BIGINT AS charged,
                    COALESCE((SELECT SUM(amount) FROM transfer t WHERE t.toAccount = 'escrow:' || r.id), 0)::BIGINT
                        AS escrowed,
                    COALESCE((SELECT SUM(amount) FROM ledger l WHERE l.requestID = r.id
                        AND l.kind = 'client_charge'), 0)::BIGINT AS ledgerCharges
                FROM request r JOIN account a ON a.id = 'escrow:' || r.id
            ) escrowedRequest ORDER BY createdMillis, id
            """, logger: logger
        ).collect()
        for row in escrowed {
            let request = try Decode.request(row).request()
            let (heldUnits, chargedUnits, escrowedUnits, ledgerChargeUnits) = try Decode.cells(
                row, "request", request.id.rawValue
            ) { row in
                let c = row.makeRandomAccess()
                return (
                    try c[13].decode(Int64.self), try c[14].decode(Int64.self), try c[15].decode(Int64.self),
                    try c[16].decode(Int64.self)
                )
            }
            let held = Amount(units: heldUnits)
            let charged = Amount(units: chargedUnits)
            let ledgerCharges = Amount(units: ledgerChargeUnits)
            if request.state.isFinal, held != .zero {
                problems.append("request \(request.id) ended with \(held) still in escrow")
            }
            if !request.state.isFinal, held != request.escrowLeft {
                problems.append("request \(request.id)'s escrow holds \(held), not its maximum cost less what it paid")
            }
            // (A request open at the upgrade to v9 escrowed only what it had not paid yet: its earlier charges
            // have no transfers.)
            let escrowedWhole = Amount(units: escrowedUnits) == request.maximumCost
            if escrowedWhole, charged != request.paid || ledgerCharges != request.paid {
                problems.append(
                    "request \(request.id) paid \(request.paid), its escrow paid out \(charged), its ledger lines "
                        + "charged \(ledgerCharges)")
            }
        }
        // What settled epochs owe each operator is what its payable account holds.
        problems += try await settlementProblems(connection, logger)
        // A bounty is paid or forfeited when its job's request ends.
        let bounties = try await connection.query(
            """
            SELECT a.id, a.balance, r.state FROM account a
            JOIN job j ON a.id = 'bounty:' || j.id JOIN request r ON r.id = j.requestID
            WHERE a.balance != 0 ORDER BY a.id COLLATE "C"
            """, logger: logger)
        for try await (id, balance, state) in bounties.decode((String, Int64, String).self) {
            if RequestPhase(rawValue: state)?.isFinal ?? false {
                problems.append("\(id) holds \(balance) units after its request ended")
            }
        }
        return problems
    }
}
