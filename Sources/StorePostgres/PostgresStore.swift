import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ProverNetCore
import Store
import Synchronization

/// The gateway's store on PostgreSQL: the same protocol, schema (`PostgresMigrations`, mirroring SQLite's)
/// and audit chain as `SQLiteStore`, for gateways that share one database. Every batch is one transaction;
/// connections come from postgres-nio's pool (`PostgresClient`), which replaces the ones the server closed,
/// so the store works again once a restarted server accepts connections. Each statement is bounded by the
/// server's `statement_timeout`, each operation by `operationTimeout`, and an operation that failed before
/// anything could have been written is tried again within that time. Every failure is a `StoreError`.
///
/// Artifacts (circuits' keys, proofs' inputs) are not kept here: they stay files named by their SHA-256, in
/// an artifacts directory that every gateway on the database must share (docs/deployment.md).
public final class PostgresStore: GatewayStore {
    public let configuration: PostgresStoreConfiguration
    /// Whether every write that moves money checks the ledger's invariants (`configuration.verifiesLedger`).
    public var verifiesLedger: Bool { configuration.verifiesLedger }
    let client: PostgresClient
    let logger: Logger
    /// The task that runs the pool (postgres-nio's client needs one); `close()` ends it.
    let runner: Task<Void, Never>
    /// The writer's epoch, or why it may write no more (`PostgresStore+Writer.swift`).
    let writer = Mutex(WriterState())
    /// The task that keeps the writer's lock, once it is held.
    let keeper = Mutex<Task<Void, Never>?>(nil)

    /// Connects, migrates the database to the current schema, becomes its one writer (named `writer` to
    /// whoever else tries), and returns the store. Fails with `StoreError.open` when the server cannot be
    /// reached within `operationTimeout`, or when another gateway is the database's writer.
    public static func open(
        _ configuration: PostgresStoreConfiguration, writer: String = defaultWriterName,
        logger: Logger = Logger(label: "provernet.store.postgres")
    ) async throws(StoreError) -> PostgresStore {
        let store = PostgresStore(configuration: configuration, logger: logger)
        do {
            _ = try await store.withRetries("migrate") { connection in
                try await PostgresMigrations.migrate(connection, logger: logger)
            }
            try await store.becomeWriter(holder: writer)
        } catch {
            await store.shutDown()
            if let error = error as? StoreError, case .open = error { throw error }
            throw .open(path: configuration.description, reason: "\(error)")
        }
        return store
    }

    /// Connects and migrates, without becoming the database's one writer: the store of a gateway that follows
    /// the writer (`PostgresStore+Following.swift`) until `waitToBecomeWriter` returns. It must not write the
    /// market before it is the writer (nothing fences its writes until then); what a follower writes is outside
    /// the market's record: its provers' slots and messages for the leader (`PostgresStore+Gateways.swift`).
    public static func openShared(
        _ configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "provernet.store.postgres")
    ) async throws(StoreError) -> PostgresStore {
        let store = PostgresStore(configuration: configuration, logger: logger)
        do {
            _ = try await store.withRetries("migrate") { connection in
                try await PostgresMigrations.migrate(connection, logger: logger)
            }
        } catch {
            await store.shutDown()
            throw .open(path: configuration.description, reason: "\(describe(error))")
        }
        return store
    }

    /// Opens the store at a `postgres://` URL.
    public static func open(
        url: String, writer: String = defaultWriterName, logger: Logger = Logger(label: "provernet.store.postgres")
    ) async throws(StoreError) -> PostgresStore {
        try await open(try PostgresStoreConfiguration(url: url), writer: writer, logger: logger)
    }

    /// This process, as another gateway that finds the database taken is told: host and process id.
    public static var defaultWriterName: String {
        "\(ProcessInfo.processInfo.hostName) pid \(ProcessInfo.processInfo.processIdentifier)"
    }

    init(configuration: PostgresStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var pool: PostgresClient.Configuration
        if let directory = configuration.unixSocketDirectory {
            pool = PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(configuration.port)", username: configuration.username,
                password: configuration.password, database: configuration.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch configuration.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            pool = PostgresClient.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: tls)
        }
        pool.options.maximumConnections = configuration.maximumConnections
        pool.options.minimumConnections = min(configuration.minimumConnections, configuration.maximumConnections - 1)
        pool.options.connectTimeout = min(configuration.operationTimeout, .seconds(10))
        pool.options.additionalStartupParameters = [
            ("statement_timeout", String(PostgresStoreConfiguration.millis(configuration.statementTimeout))),
            (
                "idle_in_transaction_session_timeout",
                String(PostgresStoreConfiguration.millis(configuration.idleInTransactionTimeout))
            ),
            ("application_name", "provernet-gateway"),
        ]
        let client = PostgresClient(configuration: pool, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Closes the pool; nothing may be called after.
    public func close() async throws(StoreError) {
        await shutDown()
    }

    func shutDown() async {
        if let keeping = keeper.withLock({ $0 }) {
            keeping.cancel()
            await keeping.value
        }
        runner.cancel()
        await runner.value
    }

    // MARK: Operations

    /// Runs `body` on a connection from the pool, again (until `operationTimeout` has passed) when it failed
    /// in a way that wrote nothing: the server closed the connection, none could be made, or the server
    /// aborted the statement as it shut down. Reads are always of that kind.
    func withRetries<T: Sendable>(
        _ operation: String, timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + (timeout ?? configuration.operationTimeout)
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await Self.before(deadline, operation: operation) {
                    try await self.client.withConnection { connection in try await body(connection) }
                }
            } catch {
                guard Self.isRetryable(error), clock.now + pause < deadline else { throw error }
                logger.warning(
                    "database operation failed, trying again",
                    metadata: ["operation": "\(operation)", "error": "\(Self.describe(error))"])
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }

    /// A read, as a `StoreError.read` when it fails.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws(StoreError) -> T
    {
        do {
            return try await withRetries(operation, body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .read(reason: "\(operation): \(Self.describe(error))")
        }
    }

    /// A transaction: `body` between BEGIN and COMMIT, rolled back when it throws. It is tried again only
    /// when it failed before COMMIT was sent (then the server rolled it back: nothing was written); a
    /// failure during COMMIT is reported as it is, since the batch may or may not have been written.
    func transaction<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(StoreError) -> T {
        let logger = logger
        do {
            return try await withRetries(operation) { connection in
                try await connection.query("BEGIN", logger: logger)
                let result: T
                do {
                    // Serializes writers on the audit chain, which every write appends to: two gateways (or two
                    // of one gateway's connections) never number an entry alike. Released at COMMIT/ROLLBACK.
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.auditLockKey))", logger: logger)
                    try await self.checkWriter(connection)
                    result = try await body(connection)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                do {
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    throw UncertainCommit(underlying: error)
                }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .write(reason: "\(operation): \(Self.describe(error))")
        }
    }

    /// The advisory lock that serializes writers ("pn-audit").
    static let auditLockKey: Int64 = 0x706E_2D61_7564_6974

    /// A COMMIT whose answer never came: not tried again.
    struct UncertainCommit: Error, CustomStringConvertible {
        let underlying: any Error
        var description: String {
            "the connection failed during COMMIT, the batch may or may not be written: \(describe(underlying))"
        }
    }

    struct OperationTimedOut: Error, CustomStringConvertible {
        let operation: String
        let timeout: Duration
        var description: String { "\(operation) did not finish within \(timeout) (is the database reachable?)" }
    }

    /// `body`'s answer, or `OperationTimedOut` at `deadline`, whichever comes first. Not a task group: a group
    /// awaits every child, and a query on a connection whose server shut down while it ran was seen never to end
    /// (postgres-nio), which held the gateway's one event in flight, and with it every round and call, for ever
    /// after a database restart (the chaos scenario `database-restarted`). So `body` runs in a task of its own,
    /// cancelled and abandoned at the deadline.
    static func before<T: Sendable>(
        _ deadline: ContinuousClock.Instant, operation: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let timeout = ContinuousClock().now.duration(to: deadline)
        let first = FirstAnswer<Result<T, any Error>>()
        let work = Task {
            do {
                first.give(.success(try await body()))
            } catch {
                first.give(.failure(error))
            }
        }
        let timer = Task {
            guard (try? await sleepCountingOnlyRunnableTime(until: deadline)) != nil else { return }
            first.give(.failure(OperationTimedOut(operation: operation, timeout: timeout)))
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { first.wait($0) }
        } onCancel: {
            first.give(.failure(CancellationError()))
        }
        work.cancel()
        timer.cancel()
        return try result.get()
    }

    /// Sleeps until `deadline`, moved later by however long this process could not run its tasks meanwhile.
    /// A timer that wakes more than a second late means that every thread of the process was busy elsewhere
    /// (CPU-bound work beside it on a small machine), and the operation it bounds was held up as much: the time
    /// lost does not count against the operation, so a starved process does not fail a healthy database.
    static func sleepCountingOnlyRunnableTime(until deadline: ContinuousClock.Instant) async throws {
        var deadline = deadline
        while true {
            try await Task.sleep(until: deadline, clock: ContinuousClock())
            let late = deadline.duration(to: ContinuousClock.now)
            guard late > .seconds(1) else { return }
            deadline = ContinuousClock.now + late
        }
    }

    /// Whether an error means that nothing was written and the same operation may succeed on another
    /// connection: the connection was lost or never made, or the server was shutting down.
    static func isRetryable(_ error: any Error) -> Bool {
        if error is UncertainCommit || error is OperationTimedOut || error is StoreError { return false }
        if let error = error as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection: return true
            case .server:
                // Class 08: connection exception; 57P01–57P03: the server is shutting down or starting.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        // The pool's own errors (no connection could be made yet): another try may find the server back.
        return String(reflecting: type(of: error)).contains("ConnectionPoolError")
    }

    /// An error as an administrator can act on it (postgres-nio's own description hides everything).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { ": \($0)" } ?? ""
                return "\(message)\(state)\(detail)"
            }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        return "\(error)"
    }

    // MARK: Health

    /// Reads and writes nothing that matters: one round trip, within two seconds.
    public func checkHealth() async throws(StoreError) {
        let logger = logger
        do {
            _ = try await withRetries("health check", timeout: .seconds(2)) { connection in
                try await connection.query("SELECT 1", logger: logger).collect().count
            }
        } catch {
            throw .read(reason: "health check: \(Self.describe(error))")
        }
    }
}
