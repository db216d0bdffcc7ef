import Foundation
import GRDB
import Logging
import PostgresNIO
import ProverNetCore
import Testing

@testable import Store
@testable import StorePostgres

/// The ledger's accounts and transfers, on each store (`StoreKind`): credits, a batch's transfers in its
/// transaction, a client balance that never goes below zero, the invariants checked after every transaction,
/// and the upgrade that escrows the requests open at it.
@Suite struct EconomicsStoreTests {
    typealias Scratch = SQLiteStoreTests.Scratch

    static func key(_ id: String) -> APIKeyRecord {
        APIKeyRecord(id: id, name: id, role: .client, secretHash: "h", createdMillis: 1, createdBy: "test")
    }

    @Test(arguments: StoreKind.available)
    func aBatchThatWouldOverdrawAClientIsRefusedWholeWithTheNumbers(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: true)
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 1)
        try await store.insertKey(Self.key("k1"), actor: "test")
        #expect(try await store.credit(keyID: "k1", amount: 5, atMillis: 2) == 5)
        var request = SQLiteStoreTests.request("r1", state: .queued)
        request.owner = "k1"
        request.paid = .zero
        // 2.5 × (2 inputs × 2 replicas + 1 aggregation) = 12.5: more than the 5 the key holds.
        #expect(request.maximumCost == Amount(decimal: "12.5"))
        var changes = StoreChanges(requests: [request])
        changes.transfers = [
            Transfer(
                atMillis: 3, reason: .escrow, from: .client("k1"), to: .escrow("r1"), amount: request.maximumCost!,
                requestID: "r1")
        ]
        await #expect(
            throws: StoreError.insufficientFunds(account: "client:k1", balance: 5, needed: Amount(decimal: "12.5")!)
        ) { try await store.commit(changes) }
        #expect(try await store.request(id: "r1") == nil)
        #expect(try await store.balance(of: .client("k1")) == 5)
        // Credited enough, the same batch goes through; the ledger balances.
        _ = try await store.credit(keyID: "k1", amount: 10, atMillis: 4)
        try await store.commit(changes)
        #expect(try await store.balance(of: .client("k1")) == Amount(decimal: "2.5"))
        #expect(try await store.balance(of: .escrow("r1")) == Amount(decimal: "12.5"))
        let balance = try await store.ledgerBalance()
        #expect(balance.balances && balance.deposits == 15 && balance.escrows == Amount(decimal: "12.5"))
        #expect(try await store.ledgerProblems().isEmpty)
        #expect(try await store.transfers(after: 0, limit: 10).map(\.reason) == [.credit, .credit, .escrow])
        // The credits and the escrow are in the audit log.
        let actions = try await store.auditEntries(after: 0, limit: 100).map(\.action)
        #expect(actions.filter { $0 == "ledger.credit" }.count == 2 && actions.contains("ledger.escrow"))
        // A credit to a key that does not exist, or of nothing, is refused.
        await #expect(throws: StoreError.missing(table: "api_key", id: "nobody")) {
            try await store.credit(keyID: "nobody", amount: 1, atMillis: 5)
        }
        await #expect(throws: StoreError.self) { try await store.credit(keyID: "k1", amount: .zero, atMillis: 5) }
        #expect(try await store.accounts().map(\.account) == [.client("k1"), .deposits, .escrow("r1")])
        #expect(try await store.transfers(requestID: "r1").map(\.amount) == [Amount(decimal: "12.5")!])
        try await store.close()
        await scratch.remove()
    }

    /// Batches racing for one balance (through the store's pool, on PostgreSQL): as many pass as it covers, the
    /// others are refused with the numbers, and nothing is lost or made up.
    @Test(arguments: StoreKind.available)
    func concurrentBatchesNeverOverdrawABalance(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: true)
        let store = scratch.store
        try await store.insertKey(Self.key("k1"), actor: "test")
        _ = try await store.credit(keyID: "k1", amount: 10, atMillis: 1)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<6 {
                group.addTask {
                    var changes = StoreChanges()
                    changes.transfers = [
                        Transfer(
                            atMillis: 2, reason: .escrow, from: .client("k1"), to: .escrow(RequestID("r\(n)")),
                            amount: 3)
                    ]
                    do {
                        try await store.commit(changes)
                        return true
                    } catch {
                        // Refused for the balance, not failed for the database (a deadlock, a lost connection).
                        #expect((error as? StoreError)?.isRefusal == true, "\(error)")
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 3)
        #expect(try await store.balance(of: .client("k1")) == 1)
        #expect(try await store.ledgerBalance().escrows == 9)
        #expect(try await store.ledgerProblems().isEmpty)
        try await store.close()
        await scratch.remove()
    }

    @Test(arguments: StoreKind.available)
    func aBatchThatBreaksAnInvariantIsRolledBackWhenTheStoreVerifies(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: true)
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 1)
        var request = SQLiteStoreTests.request("r2", state: .queued)
        request.paid = .zero
        // An escrow of less than the request's maximum cost: the invariant check refuses the batch.
        var changes = StoreChanges(requests: [request])
        changes.transfers = [
            Transfer(atMillis: 3, reason: .escrow, from: .deposits, to: .escrow("r2"), amount: 1, requestID: "r2")
        ]
        await #expect(throws: StoreError.self) { try await store.commit(changes) }
        #expect(try await store.request(id: "r2") == nil)
        #expect(try await store.accounts().isEmpty)
        // Taking from an escrow more than it holds is refused as unbalanced, not as a client's shortfall.
        changes.transfers = [
            Transfer(atMillis: 3, reason: .refund, from: .escrow("r2"), to: .deposits, amount: 1, requestID: "r2")
        ]
        await #expect(
            throws: StoreError.unbalancedLedger(problems: [
                "refund of \(1 as Amount) from escrow:r2, which holds \(Amount.zero)"
            ])
        ) { try await store.commit(changes) }
        try await store.close()
        await scratch.remove()
    }

    @Test func theUpgradeEscrowsTheRequestsOpenAtItAsPrepaid() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // A database as v7 left it: an open request, no accounts.
        do {
            let queue = try DatabaseQueue(path: scratch.path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "v7-operators")
            try await queue.write { db in
                try CircuitRow(SQLiteStoreTests.circuit, createdMillis: 1).insert(db)
                try RequestRow(SQLiteStoreTests.request("open")).insert(db)
                try RequestRow(SQLiteStoreTests.request("ended", state: .done(atMillis: 5))).insert(db)
            }
        }
        let store = try SQLiteStore(path: scratch.path)
        let open = SQLiteStoreTests.request("open")
        #expect(try await store.balance(of: .escrow("open")) == open.escrowLeft)
        #expect(try await store.balance(of: .escrow("ended")) == .zero)
        #expect(try await store.ledgerProblems().isEmpty)
    }

    /// The same upgrade on PostgreSQL: the migration's SQL computes what `ProofRequest.escrowLeft` does.
    @Test(.enabled(if: TestPostgres.isConfigured || TestPostgres.required, TestPostgres.skipReason))
    func theUpgradeEscrowsTheRequestsOpenAtItAsPrepaidOnPostgreSQL() async throws {
        let database = try await TestPostgres.createDatabase()
        // A database as v8 left it: open requests (one partly paid), an ended one, no accounts.
        var paidPart = SQLiteStoreTests.request("paid-part")
        paidPart.paid = Amount(decimal: "1.25")!
        var single = SQLiteStoreTests.request("single", state: .queued)
        single.redundancy = 1
        single.aggregate = false
        let requests = [
            SQLiteStoreTests.request("open"), paidPart, single,
            SQLiteStoreTests.request("ended", state: .done(atMillis: 5)),
        ]
        let circuit = try CircuitRow(SQLiteStoreTests.circuit, createdMillis: 1)
        let old = PostgresStore(
            configuration: try PostgresStoreConfiguration(url: database.url), logger: Logger(label: "test"))
        do {
            _ = try await old.withRetries("v8") { connection in
                let logger = Logger(label: "test")
                try await PostgresMigrations.migrate(connection, logger: logger, upTo: "v8-authorization-revocations")
                try await connection.query(
                    """
                    INSERT INTO circuit (id, name, kind, constraints, domainSize, publicSignals, artifactsJSON,
                        verificationKeyJSON, createdMillis)
                    VALUES (\(circuit.id), \(circuit.name), \(circuit.kind), \(circuit.constraints),
                        \(circuit.domainSize), \(Int64(circuit.publicSignals)), \(circuit.artifactsJSON),
                        \(circuit.verificationKeyJSON), \(circuit.createdMillis))
                    """, logger: logger)
                for request in requests { try await PostgresStore.upsert(RequestRow(request), connection, logger) }
                return 0
            }
        } catch {
            await old.shutDown()
            throw error
        }
        await old.shutDown()
        let store = try await PostgresStore.open(url: database.url)
        for request in requests {
            let expected = request.state.isFinal ? .zero : request.escrowLeft
            #expect(try await store.balance(of: .escrow(request.id)) == expected)
        }
        let open = requests.filter { !$0.state.isFinal }
        let total = open.reduce(Amount.zero) { $0 + $1.escrowLeft }
        #expect(try await store.balance(of: .deposits) == .zero - total)
        #expect(try await store.transfers(after: 0, limit: 10).compactMap(\.requestID) == open.map(\.id))
        #expect(try await store.ledgerProblems().isEmpty)
        try await store.close()
        await TestPostgres.dropDatabase(database)
    }
}
