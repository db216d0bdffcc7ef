import Foundation
import GRDB
import ProverNetCore
import Testing

@testable import Store

/// The SQLite store: every database a shipped version wrote opens, migrates and keeps its records. What every
/// store must do (SQLite's and PostgreSQL's alike) is in `GatewayStoreTests`.
@Suite struct SQLiteStoreTests {
    /// A fresh directory for one test's database.
    struct Scratch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "store-tests-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        var path: String { directory.appendingPathComponent("gateway.sqlite").path }
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static let circuit = CircuitDescriptor(
        id: "c0ffee", name: "test", kind: .synthetic, constraints: 30, domainSize: 32, publicSignals: 1,
        artifacts: [ArtifactDescriptor(role: .zkey, sha256: String(repeating: "a", count: 64), size: 10)],
        verificationKeyJSON: "{}")
    static let jobClass = JobClass(proofSystem: "groth16-bn254", log2Size: 5)

    static func request(_ id: RequestID, state: RequestState = .proving) -> ProofRequest {
        ProofRequest(
            id: id, circuitID: circuit.id, state: state, createdMillis: 1_000, deadlineMillis: 61_000,
            maxPricePerJob: Amount(decimal: "2.5")!, redundancy: 2, aggregate: true, inputCount: 2,
            paid: Amount(units: 1_234_567))
    }

    static func jobs(of request: RequestID) -> [Job] {
        let lease = Lease(
            prover: "p1", epoch: 2, grantedMillis: 2_000, expiresMillis: 10_000, price: Amount(units: 700_001),
            charge: Amount(units: 900_000), started: true)
        var verifiedLease = lease
        verifiedLease.started = false
        return [
            Job(
                id: JobID(request: request, index: 0), requestID: request, index: 0, jobClass: jobClass,
                inputJSON: "{\"x\":1}", statementJSON: "[\"1\"]"),
            Job(
                id: JobID(request: request, index: 0, replica: 1), requestID: request, index: 0, replica: 1,
                jobClass: jobClass,
                inputJSON: "{\"x\":1}", statementJSON: "[\"1\"]", state: .leased(lease), epoch: 2, attempts: 1,
                lastError: "lease expired"),
            Job(
                id: JobID(request: request, index: 1), requestID: request, index: 1, jobClass: jobClass,
                inputJSON: "{}",
                statementJSON: "[]",
                state: .verified(
                    VerifiedProof(
                        lease: verifiedLease, verifiedMillis: 3_000, proveMillis: 450,
                        proof: ProofPayload(proofJSON: "{\"pi_a\":[]}", publicJSON: "[\"1\"]"))),
                epoch: 2),
            Job(
                id: JobID(request: request, index: 1, replica: 1), requestID: request, index: 1, replica: 1,
                jobClass: jobClass,
                inputJSON: "{}", statementJSON: "[]", state: .cancelled(reason: "replica 0 was proven first"),
                lastError: "replica 0 was proven first"),
            Job(
                id: JobID(request: request, index: 2), requestID: request, kind: .aggregate, index: 2,
                jobClass: JobClass(proofSystem: "snarkpack-bn254", log2Size: 1), inputJSON: "{}", statementJSON: "[]",
                state: .verified(
                    VerifiedProof(
                        lease: verifiedLease, verifiedMillis: 4_000, proveMillis: 10,
                        proof: ProofPayload(aggregate: [1, 2, 3]))),
                epoch: 2),
        ]
    }

    // MARK: Migrations

    /// A copy of the committed fixture: a database written by main at 8bbdd62 (schema v3), made with
    /// `scripts/make-store-fixture`.
    static func fixture(in scratch: Scratch) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: "gateway-v3", withExtension: "sqlite", subdirectory: "Fixtures"))
        try FileManager.default.copyItem(atPath: url.path, toPath: scratch.path)
        return scratch.path
    }

    @Test func aDatabaseWrittenBeforeIntegerMoneyOpensMigratesAndKeepsItsRecords() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try Self.fixture(in: scratch)
        let store = try SQLiteStore(path: path)
        let applied = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(applied == SQLiteMigrations.names)
        let circuits = try await store.circuits()
        #expect(circuits.count == 1 && circuits[0].name == "fixture")
        let requests = try await store.requests(createdSince: 0)
        #expect(requests.map(\.state.phase) == [.done, .done, .cancelled])
        #expect(requests.allSatisfy { $0.maxPricePerJob == Amount(decimal: "5.5")! })
        #expect(requests[2].state.reason == "cancelled by the client")
        // The aggregated request: three proofs and their aggregate, now a job of kind aggregate.
        let aggregated = try await store.jobs(requestID: requests[0].id)
        #expect(aggregated.count == 4)
        #expect(aggregated.filter(\.isAggregation).map(\.index) == [3])
        #expect(aggregated.allSatisfy { $0.state.verified != nil })
        #expect(aggregated.last?.state.verified?.proof.aggregate?.count == 5488)
        #expect(aggregated.first?.state.verified?.lease.price == Amount(units: 36_458))
        // Redundancy: each input's first replica cancelled, the second verified.
        let redundant = try await store.jobs(requestID: requests[1].id)
        #expect(redundant.map(\.replica) == [0, 1, 0, 1, 0, 1])
        #expect(redundant.filter { $0.replica == 1 }.allSatisfy { $0.state.verified != nil })
        // Money: integers now, and the ledger balances (each old job's fee is its charge less its payment).
        let totals = try await store.ledgerTotals()
        #expect(totals.balances)
        #expect(totals.clientCharges == Amount(units: 378_748) && totals.networkFees == .zero)
        let provers = try await store.provers()
        #expect(provers.map(\.name) == ["p1", "p2"])
        #expect(provers.map(\.jobsVerified) == [5, 2])
        #expect(provers[0].earned == Amount(units: 182_292))
        #expect(try await store.rounds(limit: 100).count == 13)
        let storedEarned = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT typeof(earned) FROM prover")
        }
        #expect(storedEarned == "integer")
        try await store.close()
        // And it opens again as it is.
        let again = try SQLiteStore(path: path)
        #expect(try await again.requests(createdSince: 0).count == 3)
        try await again.close()
    }

    /// Rows as each shipped schema wrote them, migrated from that version to the current one.
    @Test(arguments: ["v1", "v2-aggregation", "v3-redundancy"])
    func everyShippedSchemaMigrates(from version: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        do {
            let queue = try DatabaseQueue(path: scratch.path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: version)
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO circuit VALUES ('c1', 'old', 'synthetic', 30, 32, 1, '[]', '{}', 1);
                        INSERT INTO prover (id, publicKeyHex, name, allowed, addedMillis, lastSeenMillis, jobsVerified,
                            jobsRejected, jobsFailed, earned) VALUES ('p1', 'ab', 'one', 1, 1, NULL, 1, 0, 0, 0.75);
                        INSERT INTO request VALUES ('req-old', 'c1', 'done', NULL, 1, 100, 1.5, 1, 0, 1, 50, 1.25);
                        INSERT INTO job (id, requestID, "index", jobClass, inputJSON, expectedPublicJSON, state, epoch,
                            proverID, attempts, price, charge, leaseExpiresMillis, assignedMillis, proofJSON, publicJSON,
                            verifiedMillis, proveMillis, lastError)
                            VALUES ('req-old/0', 'req-old', 0, 'groth16-bn254/2^5', '{}', '[]', 'verified', 1, 'p1', 0,
                            0.75, 1.25, NULL, 10, '{}', '[]', 40, 30, NULL);
                        INSERT INTO ledger (atMillis, kind, requestID, jobID, proverID, amount)
                            VALUES (40, 'client_charge', 'req-old', 'req-old/0', NULL, 1.25),
                                   (40, 'prover_payment', 'req-old', 'req-old/0', 'p1', 0.75);
                        """)
            }
        }
        let store = try SQLiteStore(path: scratch.path)
        let request = try #require(try await store.request(id: "req-old"))
        #expect(request.maxPricePerJob == Amount(decimal: "1.5")! && request.paid == Amount(decimal: "1.25")!)
        #expect(request.state == .done(atMillis: 50))
        let job = try #require(try await store.job(id: "req-old/0"))
        #expect(job.replica == 0 && job.kind == .prove)
        let verified = try #require(job.state.verified)
        #expect(verified.lease.price == Amount(decimal: "0.75")! && verified.lease.charge == Amount(decimal: "1.25")!)
        #expect(verified.lease.prover == "p1" && verified.proveMillis == 30)
        let ledger = try await store.ledger(requestID: "req-old")
        #expect(ledger.map(\.kind) == [.clientCharge, .proverPayment, .networkFee])
        #expect(ledger.last?.amount == Amount(decimal: "0.5")!)
        #expect(try await store.ledgerTotals().balances)
        let prover = try #require(try await store.prover(id: "p1"))
        #expect(prover.earned == Amount(decimal: "0.75")! && prover.jobsLost == 0)
        try await store.close()
    }
}
