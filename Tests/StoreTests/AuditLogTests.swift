import Crypto
import Foundation
import ProverNetCore
import Testing

@testable import Store

/// The audit log, on each store (`StoreKind`): every state change is appended in its own transaction and
/// chained; editing, deleting, inserting or reordering any row behind the store's back (with the `sqlite3` tool on
/// SQLite's file, with a connection of one's own to PostgreSQL), or cutting the tail, is found and named.
@Suite struct AuditLogTests {
    /// A store with a small history: a circuit, a prover, a request whose jobs are created, leased, one
    /// verified and paid, and the chain's head signed with `key`.
    static func history(_ kind: StoreKind, key: Curve25519.Signing.PrivateKey) async throws -> ScratchStore {
        let scratch = try await kind.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        _ = try await store.allowProver(id: "p1", publicKeyHex: "ab", name: "one", atMillis: 7)
        let request = SQLiteStoreTests.request("req-1", state: .queued)
        var job = Job(
            id: JobID(request: "req-1", index: 0), requestID: "req-1", index: 0,
            jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}", statementJSON: "[]")
        var changes = StoreChanges(requests: [request], jobs: [job])
        changes.actor = "client"
        try await store.commit(changes)
        let lease = Lease(
            prover: "p1", epoch: 1, grantedMillis: 2_000, expiresMillis: 10_000, price: Amount(units: 5),
            charge: Amount(units: 7), started: false)
        job.state = .leased(lease)
        job.epoch = 1
        var proving = request
        proving.state = .proving
        try await store.commit(StoreChanges(requests: [proving], jobs: [job]))
        // A heartbeat's renewal is not an audited change.
        var renewed = lease
        renewed.expiresMillis = 12_000
        job.state = .leased(renewed)
        try await store.commit(StoreChanges(jobs: [job]))
        job.state = .verified(
            VerifiedProof(
                lease: renewed, verifiedMillis: 3_000, proveMillis: 10,
                proof: ProofPayload(proofJSON: "{}", publicJSON: "[]")))
        var verified = StoreChanges(
            jobs: [job],
            ledger: [
                LedgerEntry(
                    atMillis: 3_000, kind: .clientCharge, requestID: "req-1", jobID: job.id, proverID: nil,
                    amount: Amount(units: 7)),
                LedgerEntry(
                    atMillis: 3_000, kind: .proverPayment, requestID: "req-1", jobID: job.id, proverID: "p1",
                    amount: Amount(units: 5)),
                LedgerEntry(
                    atMillis: 3_000, kind: .networkFee, requestID: "req-1", jobID: job.id, proverID: nil,
                    amount: Amount(units: 2)),
            ])
        verified.actor = "prover:p1"
        try await store.commit(verified)
        let last = try #require(try await store.lastAuditEntry())
        try await store.insertAuditHead(try AuditChain.sign(seq: last.seq, hash: last.hash, atMillis: 4_000, key: key))
        return scratch
    }

    @Test(arguments: StoreKind.available)
    func everyChangeIsRecordedOnceAndTheChainVerifies(_ kind: StoreKind) async throws {
        let key = Curve25519.Signing.PrivateKey()
        let scratch = try await Self.history(kind, key: key)
        let store = scratch.store
        let entries = try await store.auditEntries(after: 0, limit: 100)
        #expect(
            entries.map(\.action) == [
                "circuit.registered", "prover.allowed", "request.submitted", "job.created", "request.proving",
                "job.assigned", "job.verified", "ledger.client_charge", "ledger.prover_payment", "ledger.network_fee",
            ])
        #expect(entries.map(\.seq) == Array(1...10))
        #expect(entries.first { $0.action == "request.submitted" }?.actor == "client")
        #expect(entries.first { $0.action == "job.verified" }?.actor == "prover:p1")
        #expect(entries.first { $0.action == "job.assigned" }?.details.contains(#""prover":"p1""#) == true)
        try await store.close()
        let log = try await scratch.readAuditLog()
        let verdict = AuditVerifier.verify(
            entries: log.entries, heads: log.heads, publicKey: Array(key.publicKey.rawRepresentation))
        #expect(verdict == .intact(entries: 10, heads: 1, signedThrough: 10))
        // A head signed by another key is refused.
        #expect(
            AuditVerifier.verify(
                entries: log.entries, heads: log.heads,
                publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
                == .broken(seq: 10, reason: "the signed head at this entry is not signed by the gateway's key"))
        await scratch.remove()
    }

    /// Each tampering, done behind the store's back (the sqlite3 tool on SQLite's file, a connection of one's own
    /// to PostgreSQL: the same SQL), and the entry the verdict must name.
    static let tamperings: [(name: String, sql: String, seq: Int64)] = [
        ("edit details", #"UPDATE audit SET details = '{"amount_units":"1"}' WHERE seq = 9;"#, 9),
        (
            "edit details and their hash",
            #"UPDATE audit SET details = '{}', detailsHash = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' WHERE seq = 4;"#,
            4
        ),
        ("edit the actor", "UPDATE audit SET actor = 'admin' WHERE seq = 7;", 7),
        ("delete a row", "DELETE FROM audit WHERE seq = 5;", 5),
        (
            "insert a row",
            "UPDATE audit SET seq = seq + 100 WHERE seq >= 6; UPDATE audit SET seq = seq - 99 WHERE seq >= 106; "
                + "INSERT INTO audit SELECT 6, atMillis, actor, action, 'forged', details, detailsHash, hash FROM audit WHERE seq = 5;",
            6
        ),
        (
            "reorder two rows",
            "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1;",
            2
        ),
        ("cut the tail", "DELETE FROM audit WHERE seq >= 8;", 8),
    ]

    @Test(arguments: StoreKind.available, tamperings.map(\.name))
    func tamperingWithTheDatabaseIsFoundAndNamed(_ kind: StoreKind, _ name: String) async throws {
        let tampering = try #require(Self.tamperings.first { $0.name == name })
        let key = Curve25519.Signing.PrivateKey()
        let scratch = try await Self.history(kind, key: key)
        defer { Task { await scratch.remove() } }
        try await scratch.store.close()
        try await scratch.tamper(tampering.sql)
        let log = try await scratch.readAuditLog()
        let verdict = AuditVerifier.verify(
            entries: log.entries, heads: log.heads, publicKey: Array(key.publicKey.rawRepresentation))
        guard case .broken(let seq, _) = verdict else {
            Issue.record("\(tampering.name) was not found: \(verdict)")
            return
        }
        #expect(seq == tampering.seq, "\(tampering.name): \(verdict)")
    }

    @Test(arguments: StoreKind.available)
    func aRewrittenChainWithRecomputedHashesIsFoundByTheSignedHead(_ kind: StoreKind) async throws {
        let key = Curve25519.Signing.PrivateKey()
        let scratch = try await Self.history(kind, key: key)
        defer { Task { await scratch.remove() } }
        try await scratch.store.close()
        // Someone who can write the file but has not the gateway's key changes entry 8 and recomputes every
        // hash from there: the chain holds, but not at the signed head.
        var log = try await scratch.readAuditLog()
        log.entries[7].details = #"{"amount_units":"1000000"}"#
        log.entries[7].detailsHash = AuditChain.detailsHash(log.entries[7].details)
        var previous = log.entries[6].hash
        for i in 7..<log.entries.count {
            log.entries[i].hash = AuditChain.expectedHash(of: log.entries[i], previous: previous)
            previous = log.entries[i].hash
        }
        let verdict = AuditVerifier.verify(
            entries: log.entries, heads: log.heads, publicKey: Array(key.publicKey.rawRepresentation))
        #expect(
            verdict
                == .broken(seq: 10, reason: "the chain was rewritten up to here (its hash is not the signed head's)"))
    }

    static func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError.write(reason: "sqlite3 exited \(process.terminationStatus) on \(sql)")
        }
    }
}
