import Foundation
import ProverNetCore
import Testing

@testable import Store

/// What every store must do, run against each (`StoreKind`: SQLite, and PostgreSQL where a server is given):
/// what is written reads back the same, a batch is all or nothing, a row that breaks the model is refused as
/// corrupt.
@Suite struct GatewayStoreTests {
    @Test(arguments: StoreKind.available)
    func whatIsWrittenReadsBackTheSame(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        #expect(try await store.circuit(id: SQLiteStoreTests.circuit.id) == SQLiteStoreTests.circuit)
        _ = try await store.allowProver(id: "p1", publicKeyHex: "ab", name: "one", atMillis: 7)
        let request = SQLiteStoreTests.request("req-1")
        let jobs = SQLiteStoreTests.jobs(of: request.id)
        let ledger = [
            LedgerEntry(
                atMillis: 3_000, kind: .clientCharge, requestID: "req-1", jobID: jobs[2].id, proverID: nil,
                amount: Amount(units: 900_000)),
            LedgerEntry(
                atMillis: 3_000, kind: .proverPayment, requestID: "req-1", jobID: jobs[2].id, proverID: "p1",
                amount: Amount(units: 700_001)),
            LedgerEntry(
                atMillis: 3_000, kind: .networkFee, requestID: "req-1", jobID: jobs[2].id, proverID: nil,
                amount: Amount(units: 199_999)),
        ]
        try await store.commit(
            StoreChanges(
                requests: [request], jobs: jobs,
                proverActivity: [
                    ProverActivity(
                        prover: "p1", verified: 1, lost: 2, earned: Amount(units: 700_001), lastSeenMillis: 3_000)
                ],
                rounds: [
                    RoundRecord(
                        jobClass: "groth16-bn254/2^5", atMillis: 2_000, bids: 1, asks: 2, jobsMatched: 2, welfare: 1.5,
                        surplus: 0.25, roundJSON: "{}", outcomeJSON: "{}")
                ],
                ledger: ledger))
        #expect(try await store.request(id: "req-1") == request)
        #expect(try await store.openRequests() == [request])
        #expect(try await store.jobs(requestID: "req-1") == jobs)
        #expect(try await store.job(id: jobs[1].id) == jobs[1])
        #expect(
            try await store.ledger(requestID: "req-1").map {
                LedgerEntry(
                    atMillis: $0.atMillis, kind: $0.kind, requestID: $0.requestID, jobID: $0.jobID,
                    proverID: $0.proverID, amount: $0.amount)
            } == ledger)
        #expect(
            try await store.ledgerTotals()
                == LedgerTotals(
                    clientCharges: Amount(units: 900_000), proverPayments: Amount(units: 700_001),
                    networkFees: Amount(units: 199_999)))
        #expect(try await store.ledgerTotals().balances)
        let prover = try #require(try await store.prover(id: "p1"))
        #expect(
            prover.jobsVerified == 1 && prover.jobsLost == 2 && prover.earned == Amount(units: 700_001)
                && prover.lastSeenMillis == 3_000)
        // Activity adds up; it does not overwrite.
        try await store.commit(
            StoreChanges(proverActivity: [ProverActivity(prover: "p1", verified: 1, earned: Amount(units: 1))]))
        #expect(try await store.prover(id: "p1")?.earned == Amount(units: 700_002))
        #expect(try await store.prover(id: "p1")?.lastSeenMillis == 3_000)
        #expect(try await store.rounds(limit: 5).first?.jobsMatched == 2)
        // An ended request is no longer open.
        var done = request
        done.state = .done(atMillis: 9_000)
        try await store.commit(StoreChanges(requests: [done]))
        #expect(try await store.openRequests().isEmpty)
        #expect(try await store.request(id: "req-1")?.state == .done(atMillis: 9_000))
        try await store.close()
        await scratch.remove()
    }

    @Test(arguments: StoreKind.available)
    func aBatchIsAllOrNothing(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        let request = SQLiteStoreTests.request("req-2")
        // A job of a request that does not exist breaks the batch's foreign key: nothing of it is written.
        let orphan = Job(
            id: "req-none/0", requestID: "req-none", index: 0, jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}",
            statementJSON: "[]")
        await #expect(throws: StoreError.self) {
            try await store.commit(StoreChanges(requests: [request], jobs: [orphan]))
        }
        #expect(try await store.request(id: "req-2") == nil)
        #expect(try await store.job(id: "req-none/0") == nil)
        try await store.close()
        await scratch.remove()
    }

    @Test(arguments: StoreKind.available)
    func aLeasedJobWithoutAProverIsRefusedAsCorrupt(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        try await store.commit(
            StoreChanges(requests: [SQLiteStoreTests.request("req-3")], jobs: SQLiteStoreTests.jobs(of: "req-3")))
        try await scratch.tamper("UPDATE job SET proverID = NULL WHERE id = 'req-3/0~1'")
        await #expect(throws: StoreError.corrupt(table: "job", id: "req-3/0~1", reason: "proving without a prover")) {
            _ = try await store.job(id: "req-3/0~1")
        }
        try await store.close()
        await scratch.remove()
    }

}
