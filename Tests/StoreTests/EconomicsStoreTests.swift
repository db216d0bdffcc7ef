import Foundation
import GRDB
import ProverNetCore
import Testing

@testable import Store

/// The ledger's accounts and transfers in SQLite: credits, a batch's transfers in its transaction, a client
/// balance that never goes below zero, and the invariants checked after every transaction.
@Suite struct EconomicsStoreTests {
    typealias Scratch = SQLiteStoreTests.Scratch

    static func key(_ id: String) -> APIKeyRecord {
        APIKeyRecord(id: id, name: id, role: .client, secretHash: "h", createdMillis: 1, createdBy: "test")
    }

    @Test func aBatchThatWouldOverdrawAClientIsRefusedWholeWithTheNumbers() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path, verifiesLedger: true)
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
    }

    @Test func aBatchThatBreaksAnInvariantIsRolledBackWhenTheStoreVerifies() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path, verifiesLedger: true)
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
}
