import Crypto
import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Synchronization
import TestSupport
import Testing

@testable import Store
@testable import StorePostgres

/// What only the PostgreSQL store has: its URL, its migrations (the same as SQLite's), its pool under concurrent
/// writers, statement timeouts, and reconnection after the server restarts. The tests that need a server are
/// skipped, with the reason, when none is given, except in CI where they fail.
@Suite struct PostgresStoreTests {
    static var serverGiven: Bool { TestPostgres.isConfigured || TestPostgres.required }

    @Test func theMigrationsAreSQLitesUnderTheSameNamesInTheSameOrder() {
        let mirrored = PostgresMigrations.names.filter { !PostgresMigrations.postgresOnly.contains($0) }
        // PostgreSQL's own (tables only several gateways use) sit among them where they were added; without
        // them the lists are equal.
        #expect(mirrored == SQLiteMigrations.names)
        #expect(PostgresMigrations.names.count == mirrored.count + PostgresMigrations.postgresOnly.count)
    }

    @Test func aURLIsReadAsLibpqReadsIt() throws {
        let full = try PostgresStoreConfiguration(
            url: "postgresql://gw:s%40cret@db.example.org:6432/net?sslmode=require&statement_timeout=250")
        #expect(full.host == "db.example.org" && full.port == 6432 && full.username == "gw")
        #expect(full.password == "s@cret" && full.database == "net" && full.tls == .require)
        #expect(full.statementTimeout == .milliseconds(250))
        #expect(!full.description.contains("cret"))
        let socket = try PostgresStoreConfiguration(url: "postgres:///provernet?host=/tmp/pg&sslmode=disable")
        #expect(socket.unixSocketDirectory == "/tmp/pg" && socket.database == "provernet" && socket.tls == .disable)
        #expect(PostgresStoreConfiguration.redacted("postgres://u:pw@h/db") == "postgres://u:xxxxx@h/db")
        #expect(throws: StoreError.self) { try PostgresStoreConfiguration(url: "mysql://h/db") }
        #expect(throws: StoreError.self) { try PostgresStoreConfiguration(url: "postgres://h/db?sslmode=sometimes") }
        #expect(throws: StoreError.self) { try PostgresStoreConfiguration(url: "postgres://h/db?nonsense=1") }
    }

    /// An operation that never ends (a query on a connection whose server shut down mid-query was seen to wait for
    /// ever in postgres-nio, holding the gateway's event in flight after a database restart) ends at its deadline
    /// all the same: the deadline does not await it. Here the operation ignores cancellation and ends only 30 s
    /// later, when it is released (at once when the test ends); awaited, it would return its value then.
    @Test func anOperationThatNeverEndsIsAbandonedAtItsDeadline() async throws {
        final class Release: Sendable {
            let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        }
        let release = Release()
        let releaser = Task {
            try? await Task.sleep(for: .seconds(30))
            release.waiting.withLock { $0 }?.resume()
        }
        defer { releaser.cancel() }
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(300)
        await #expect(throws: PostgresStore.OperationTimedOut.self) {
            _ = try await PostgresStore.before(deadline, operation: "a stuck query") { () async throws -> Int in
                await withCheckedContinuation { continuation in release.waiting.withLock { $0 = continuation } }
                return 1
            }
        }
        let waited = ContinuousClock.now - started
        // Bounded loosely: on 2 cores loaded by the other tests, the timer's task was seen to run 4 s late.
        #expect(waited < .seconds(12), "the deadline of 300 ms returned after \(waited)")
    }

    @Test func aServerThatIsNotThereIsATypedErrorWithinTheTimeout() async throws {
        // A port nothing listens on (bound and closed at once).
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(socket)
        var configuration = try PostgresStoreConfiguration(
            url: "postgres://nobody@127.0.0.1:\(port)/none?sslmode=disable")
        configuration.operationTimeout = .seconds(2)
        let starvation = StarvationProbe()
        let started = ContinuousClock.now
        await #expect {
            _ = try await PostgresStore.open(configuration)
        } throws: { error in
            guard case .open = error as? StoreError else { return false }
            return true
        }
        // 2 s, and a loaded machine's slack, not counting the time this process could not run at all.
        #expect(ContinuousClock.now - started - starvation.stop() < .seconds(30))
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func concurrentWritersThroughThePoolKeepOneUnbrokenChain() async throws {
        let scratch = try await StoreKind.postgres.open()
        let store = scratch.store
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<24 {
                group.addTask {
                    let request = SQLiteStoreTests.request(RequestID("req-\(i)"), state: .queued)
                    let job = Job(
                        id: JobID(request: request.id, index: 0), requestID: request.id, index: 0,
                        jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}", statementJSON: "[]")
                    try await store.commit(StoreChanges(requests: [request], jobs: [job]))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.requests(createdSince: 0).count == 24)
        let entries = try await store.auditEntries(after: 0, limit: 1000)
        #expect(entries.count == 1 + 24 * 2)
        #expect(entries.map(\.seq) == Array(1...Int64(entries.count)))
        let verdict = AuditVerifier.verify(
            entries: entries, heads: [], publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
        #expect(verdict == .intact(entries: Int64(entries.count), heads: 0, signedThrough: 0))
        try await store.close()
        await scratch.remove()
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func aStatementPastTheTimeoutIsAbortedAndTheBatchIsATypedError() async throws {
        let database = try await TestPostgres.createDatabase()
        // The store migrates and writes under the default statement timeout (a loaded machine's migrations may
        // take longer than the short one); a second one, a tool that is not the writer, has the short one.
        let store = try await PostgresStore.open(url: database.url)
        var configuration = try PostgresStoreConfiguration(url: database.url)
        configuration.statementTimeout = .milliseconds(300)
        let impatient = PostgresStore(configuration: configuration, logger: Logger(label: "test"))
        await #expect {
            _ = try await impatient.read("sleep") { connection in
                try await connection.query("SELECT pg_sleep(2)", logger: Logger(label: "test")).collect().count
            }
        } throws: { error in
            guard case .read(let reason) = error as? StoreError else { return false }
            return reason.contains("statement timeout")
        }
        // A writer that holds the writers' lock (another gateway stuck in a transaction) until told: the batch
        // waits at most the statement timeout, fails as a write, and wrote nothing.
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (release, releasing) = AsyncStream<Void>.makeStream()
        let blocker = PostgresStore(
            configuration: try PostgresStoreConfiguration(url: database.url), logger: Logger(label: "test"))
        let blocking = Task {
            try await blocker.withRetries("hold the lock") { connection in
                try await connection.query("BEGIN", logger: Logger(label: "test"))
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresStore.auditLockKey))", logger: Logger(label: "test"))
                holding.yield()
                for await _ in release { break }
                try await connection.query("ROLLBACK", logger: Logger(label: "test"))
                return 0
            }
        }
        var heldNow = held.makeAsyncIterator()
        _ = await heldNow.next()
        await #expect(throws: StoreError.self) {
            try await impatient.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        }
        #expect(try await store.circuits().isEmpty)
        releasing.yield()
        releasing.finish()
        _ = try await blocking.value
        await blocker.shutDown()
        await impatient.shutDown()
        // Once the lock is free, the same write goes through.
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        #expect(try await store.circuits().count == 1)
        try await store.close()
        await TestPostgres.dropDatabase(database)
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func oneGatewayWritesToADatabaseAndOneThatLostItsLockIsFenced() async throws {
        let database = try await TestPostgres.createDatabase()
        let first = try await PostgresStore.open(url: database.url, writer: "gateway-a")
        // A second gateway on the same database is refused, and told which one writes.
        await #expect {
            _ = try await PostgresStore.open(url: database.url, writer: "gateway-b")
        } throws: { error in
            guard case .open(_, let reason) = error as? StoreError else { return false }
            return reason.contains("gateway-a, epoch 1")
        }
        try await first.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        // The first one loses its lock's session (as when it is cut off from the database) and cannot take the
        // lock again (its keeper is stopped, so that it does not win the race on this machine), and another
        // gateway takes over: the first one's writes are refused from then on.
        let keeping = try #require(first.keeper.withLock { $0 })
        keeping.cancel()
        await keeping.value
        let second = try await Self.openOnceFree(url: database.url, writer: "gateway-b")
        await #expect {
            try await first.commit(StoreChanges(requests: [SQLiteStoreTests.request("req-1")]))
        } throws: { error in
            guard case .write(let reason) = error as? StoreError else { return false }
            return reason.contains("fenced")
        }
        #expect(try await second.request(id: "req-1") == nil)
        try await second.commit(StoreChanges(requests: [SQLiteStoreTests.request("req-2")]))
        #expect(try await second.request(id: "req-2") != nil)
        try await first.close()
        try await second.close()
        // Once closed, the lock is free: a gateway starting again becomes the writer, at the next epoch.
        let third = try await Self.openOnceFree(url: database.url, writer: "gateway-a")
        #expect(third.writer.withLock { $0.epoch } == 3)
        try await third.close()
        await TestPostgres.dropDatabase(database)
    }

    /// How long this process could not run its tasks (beside CPU-bound tests on 2 cores): a ticker's lateness,
    /// summed from its start to `stop()`.
    final class StarvationProbe: Sendable {
        let lostMillis = Atomic<Int64>(0)
        let ticker = Mutex<Task<Void, Never>?>(nil)

        init() {
            let task = Task { [self] in
                while !Task.isCancelled {
                    let due = ContinuousClock.now + .milliseconds(100)
                    try? await Task.sleep(until: due, clock: ContinuousClock())
                    let late = due.duration(to: ContinuousClock.now)
                    let millis = late.components.seconds * 1000 + late.components.attoseconds / 1_000_000_000_000_000
                    if millis > 0 { self.lostMillis.wrappingAdd(millis, ordering: .relaxed) }
                }
            }
            ticker.withLock { $0 = task }
        }

        func stop() -> Duration {
            ticker.withLock { $0?.cancel() }
            return .milliseconds(lostMillis.load(ordering: .relaxed))
        }
    }

    /// Opens the store as the writer once the lock's last holder is gone: the server ends a closed session a
    /// moment after its client went, and until then the lock is still held.
    static func openOnceFree(url: String, writer: String) async throws -> PostgresStore {
        // Tries counted, not time: a starved process must not give up early.
        var tries = 0
        while true {
            do {
                return try await PostgresStore.open(url: url, writer: writer)
            } catch {
                tries += 1
                guard PostgresStore.isHeldByAnotherWriter(error), tries < 100 else { throw error }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test(.enabled(if: PostgresTestCluster.restartsAllowed, Comment(rawValue: PostgresTestCluster.restartSkipReason)))
    func theStoreWorksAgainAfterTheServerRestarts() async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let store = try await PostgresStore.open(url: cluster.url)
        try await store.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        try await store.commit(
            StoreChanges(requests: [SQLiteStoreTests.request("req-1")], jobs: SQLiteStoreTests.jobs(of: "req-1")))
        // Every pooled connection dies with the server.
        try cluster.restart()
        // Reads and writes work again, on new connections, without reopening the store.
        #expect(try await store.request(id: "req-1") == SQLiteStoreTests.request("req-1"))
        try await store.commit(
            StoreChanges(requests: [SQLiteStoreTests.request("req-2")], jobs: SQLiteStoreTests.jobs(of: "req-2")))
        try await store.checkHealth()
        #expect(try await store.openRequests().map(\.id) == ["req-1", "req-2"])
        // Again: each restart is survived, and the chain stays unbroken.
        try cluster.restart()
        try await store.checkHealth()
        let entries = try await store.auditEntries(after: 0, limit: 100)
        #expect(entries.map(\.seq) == Array(1...Int64(entries.count)))
        try await store.close()
    }
}
