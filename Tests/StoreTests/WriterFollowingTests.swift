import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Testing

@testable import Store
@testable import StorePostgres

#if canImport(Glibc)
    import Glibc
#endif

/// Several gateways on one PostgreSQL, first slice (issue 17, item 2; docs/architecture.md): the writer's lock is
/// the market leader's; a gateway that does not hold it follows, reading where the leader takes calls, and takes
/// the lock as soon as it is free; a leader that cannot confirm its lock stops writing.
@Suite struct WriterFollowingTests {
    static var serverGiven: Bool { TestPostgres.isConfigured || TestPostgres.required }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func aFollowerReadsTheLeadersAddressAndTakesTheLockWhenTheLeaderGoes() async throws {
        let database = try await TestPostgres.createDatabase()
        let a = try await PostgresStore.openShared(url: database.url)
        let b = try await PostgresStore.openShared(url: database.url)
        #expect(try await a.becomeWriterIfFree(holder: "gateway-a"))
        #expect(try await b.writerAddress() == nil)
        try await a.advertiseWriterAddress("127.0.0.1:7443")
        #expect(try await !b.becomeWriterIfFree(holder: "gateway-b"))
        #expect(try await b.writerAddress() == LeaderAddress(address: "127.0.0.1:7443", epoch: 1))
        // B waits for the lock; A stops (its session ends, and with it the lock): B writes, under epoch 2.
        let waiting = Task { try await b.waitToBecomeWriter(holder: "gateway-b") }
        try await Task.sleep(for: .milliseconds(300))
        #expect(b.writerEpoch == nil)
        try await a.close()
        try await waiting.value
        #expect(b.writerEpoch == 2)
        // The old leader's address is gone with its epoch: nobody relays to a dead gateway once another leads.
        #expect(try await b.writerAddress() == nil)
        try await b.advertiseWriterAddress("127.0.0.1:7444")
        #expect(try await b.writerAddress() == LeaderAddress(address: "127.0.0.1:7444", epoch: 2))
        try await b.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        #expect(try await b.circuits().count == 1)
        try await b.close()
        await TestPostgres.dropDatabase(database)
    }

    /// The lock's session stops answering (its server process frozen with SIGSTOP, as a query stalls after
    /// `pg_terminate_backend`): the keeper's ping gives up within `pingLimit`, and since the frozen session still
    /// holds the lock, the store cannot confirm it leads and refuses to write. Without a bound on the ping it
    /// would wait for ever, believing it held the lock.
    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func aLeaderWhoseLockSessionStopsAnsweringStopsWriting() async throws {
        let database = try await TestPostgres.createDatabase()
        let store = try await PostgresStore.open(url: database.url, writer: "gateway-a")
        let probe = try await store.connectAlone(applicationName: "provernet-test-probe")
        let pid = try #require(
            try await probe.query(
                """
                SELECT pid FROM pg_stat_activity
                WHERE application_name = 'provernet-gateway-writer' AND datname = current_database()
                """, logger: Logger(label: "test")
            ).collect().first?.decode(Int32.self))
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        #expect(kill(pid, SIGSTOP) == 0)
        var fenced = false
        // Tries counted, not time: a starved process must not give up early.
        for _ in 0..<300 where !fenced {
            do {
                try await store.commit(
                    StoreChanges(requests: [SQLiteStoreTests.request(RequestID("req-\(UUID().uuidString.prefix(8))"))]))
            } catch {
                guard case .write(let reason) = error as? StoreError, reason.contains("fenced") else { throw error }
                fenced = true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGCONT)
        #expect(fenced, "the store kept writing while its lock's session did not answer")
        try? await probe.close()
        try await store.close()
        await TestPostgres.dropDatabase(database)
    }
}
