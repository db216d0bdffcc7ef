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

    /// Migration `v13-declared-statements`: whether the client declared a job's statement reads back, both ways.
    @Test(arguments: StoreKind.available)
    func aDeclaredStatementReadsBackAsDeclared(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        let request = SQLiteStoreTests.request("req-d")
        let jobs = [true, false].enumerated().map { index, declared in
            Job(
                id: JobID(request: request.id, index: index, replica: 0), requestID: request.id, index: index,
                jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}", statementJSON: "[\"\(index + 7)\"]",
                statementDeclared: declared)
        }
        try await store.commit(StoreChanges(requests: [request], jobs: jobs))
        for job in jobs { #expect(try await store.job(id: job.id) == job) }
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

    /// The gateway's group commit: several events' batches in one transaction, each audited as its own actor,
    /// and all or nothing: a group whose last batch breaks a foreign key writes none of the earlier ones.
    @Test(arguments: StoreKind.available)
    func aGroupOfBatchesIsOneTransactionAllOrNothing(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        let first = SQLiteStoreTests.request("req-g1")
        let second = SQLiteStoreTests.request("req-g2")
        let orphan = Job(
            id: "req-none/0", requestID: "req-none", index: 0, jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}",
            statementJSON: "[]")
        await #expect(throws: StoreError.self) {
            try await store.commit(group: [
                StoreChanges(requests: [first]), StoreChanges(requests: [second]), StoreChanges(jobs: [orphan]),
            ])
        }
        #expect(try await store.request(id: "req-g1") == nil)
        #expect(try await store.request(id: "req-g2") == nil)
        let auditBefore = try await store.lastAuditEntry()?.seq ?? 0
        var one = StoreChanges(requests: [first], jobs: SQLiteStoreTests.jobs(of: first.id))
        one.actor = "client"
        var two = StoreChanges(requests: [second])
        two.actor = "admin"
        var done = first
        done.state = .done(atMillis: 9_000)
        var three = StoreChanges(requests: [done])
        three.actor = "gateway"
        // Later batches see the earlier ones of their group: the request created by the first ends in the third.
        try await store.commit(group: [one, StoreChanges(), two, three])
        #expect(try await store.request(id: "req-g1")?.state == .done(atMillis: 9_000))
        #expect(try await store.request(id: "req-g2") == second)
        #expect(try await store.jobs(requestID: first.id) == SQLiteStoreTests.jobs(of: first.id))
        let entries = try await store.auditEntries(after: auditBefore, limit: 100)
        #expect(Set(entries.map(\.actor)) == ["client", "admin", "gateway"])
        #expect(entries.last?.actor == "gateway")
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

    @Test(arguments: StoreKind.available)
    func keysAreKeptRevokedOnceAndEachOneTimeCodeIsAcceptedOnce(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = scratch.store
        let admin = APIKeyRecord(
            id: "k-admin", name: "admin", role: .admin, secretHash: "hash-a", createdMillis: 10, createdBy: "init",
            totpSealed: [1, 2, 3, 0, 255])
        let client = APIKeyRecord(
            id: "k-client", name: "client", role: .client, secretHash: "hash-c", operatorAddress: nil,
            createdMillis: 20, createdBy: "key:k-admin", expiresMillis: 99_000)
        let operatorKey = APIKeyRecord(
            id: "k-op", name: "op", role: .operator, secretHash: "hash-o", operatorAddress: "0xabc",
            createdMillis: 20, createdBy: "key:k-admin")
        try await store.insertKey(admin, actor: "init")
        try await store.insertKey(client, actor: "key:k-admin")
        try await store.insertKey(operatorKey, actor: "key:k-admin")
        // A second key with the same id is refused.
        await #expect(throws: StoreError.self) { try await store.insertKey(admin, actor: "init") }
        #expect(try await store.key(id: "k-admin") == admin)
        #expect(try await store.key(id: "nobody") == nil)
        #expect(try await store.keys() == [admin, client, operatorKey])
        // Revoked once: a second revocation keeps the first time.
        let revoked = try await store.revokeKey(id: "k-client", actor: "key:k-admin", atMillis: 30)
        #expect(revoked.revokedMillis == 30)
        #expect(try await store.revokeKey(id: "k-client", actor: "key:k-admin", atMillis: 40).revokedMillis == 30)
        #expect(try await store.key(id: "k-client")?.revokedMillis == 30)
        await #expect(throws: StoreError.missing(table: "api_key", id: "nobody")) {
            _ = try await store.revokeKey(id: "nobody", actor: "key:k-admin", atMillis: 40)
        }
        // A one-time code's step is accepted once, and never one at or before the last one accepted.
        #expect(try await store.acceptOneTimeCode(keyID: "k-admin", step: 100, action: "CreateKey", atMillis: 50))
        #expect(!(try await store.acceptOneTimeCode(keyID: "k-admin", step: 100, action: "CreateKey", atMillis: 51)))
        #expect(!(try await store.acceptOneTimeCode(keyID: "k-admin", step: 99, action: "CreateKey", atMillis: 52)))
        #expect(try await store.acceptOneTimeCode(keyID: "k-admin", step: 101, action: "RevokeKey", atMillis: 53))
        #expect(!(try await store.acceptOneTimeCode(keyID: "nobody", step: 1, action: "CreateKey", atMillis: 54)))
        #expect(try await store.key(id: "k-admin")?.totpLastStep == 101)
        // Two calls at once with the same code: exactly one is accepted.
        async let first = try store.acceptOneTimeCode(keyID: "k-admin", step: 200, action: "A", atMillis: 60)
        async let second = try store.acceptOneTimeCode(keyID: "k-admin", step: 200, action: "B", atMillis: 60)
        #expect([try await first, try await second].filter { $0 }.count == 1)
        // A request keeps its owner, and its submission names it in the audit log.
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        var owned = SQLiteStoreTests.request("req-owned")
        owned.owner = "k-client"
        try await store.commit(StoreChanges(requests: [owned]))
        #expect(try await store.request(id: "req-owned")?.owner == "k-client")
        let entries = try await store.auditEntries(after: 0, limit: 100)
        #expect(
            entries.map(\.action) == [
                "key.created", "key.created", "key.created", "key.revoked", "otp.accepted", "otp.accepted",
                "otp.accepted", "circuit.registered", "request.submitted",
            ])
        #expect(entries.last?.details.contains("k-client") == true)
        #expect(!entries.contains { $0.details.contains("hash-") })
        #expect(entries.map(\.seq) == Array(1...Int64(entries.count)))
        try await store.close()
        await scratch.remove()
    }

    @Test(arguments: StoreKind.available)
    func operatorsAreAllowedStakedAndRevokedWithTheirAudit(_ kind: StoreKind) async throws {
        let scratch = try await kind.open()
        let store = try #require(scratch.store as? any OperatorStore)
        let address = "0x00000000000000000000000000000000000000aa"
        let allowed = try await store.allowOperator(address: address, name: "first", actor: "key:k1", atMillis: 10)
        #expect(allowed == OperatorRecord(address: address, name: "first", allowed: true, addedMillis: 10))
        try await store.setOperatorStake(
            address: address, stake: "1000000000000000000000", actor: "key:k1", atMillis: 11)
        try await store.revokeOperator(address: address, actor: "key:k1", atMillis: 12)
        #expect(
            try await store.operator(address: address)
                == OperatorRecord(
                    address: address, name: "first", allowed: false, stake: "1000000000000000000000", addedMillis: 10))
        // Allowed again: the name stays unless a new one is given, and the stake and first time stay.
        let again = try await store.allowOperator(address: address, name: "", atMillis: 13)
        #expect(again.allowed && again.name == "first" && again.stake == "1000000000000000000000")
        #expect(again.addedMillis == 10)
        _ = try await store.allowOperator(
            address: "0x00000000000000000000000000000000000000bb", name: "b", atMillis: 14)
        #expect(try await store.operators().map(\.address) == [address, "0x00000000000000000000000000000000000000bb"])
        #expect(try await store.operator(address: "0xnone") == nil)
        await #expect(throws: StoreError.missing(table: "operator", id: "0xnone")) {
            try await store.revokeOperator(address: "0xnone", actor: "key:k1", atMillis: 15)
        }
        await #expect(throws: StoreError.missing(table: "operator", id: "0xnone")) {
            try await store.setOperatorStake(address: "0xnone", stake: "1", actor: "key:k1", atMillis: 15)
        }
        let entries = try await scratch.store.auditEntries(after: 0, limit: 100)
        #expect(
            entries.map { "\($0.actor) \($0.action)" } == [
                "key:k1 operator.allowed", "key:k1 operator.stake", "key:k1 operator.revoked",
                "local-admin operator.allowed", "local-admin operator.allowed",
            ])
        try await scratch.store.close()
        await scratch.remove()
    }
}
