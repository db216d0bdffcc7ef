import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ProverNetCore
import Store
import Synchronization

/// One gateway writes to a database at a time: today the market's state (leases, connected provers, rounds) is
/// in the gateway's memory, so two gateways on one database would auction the same jobs twice.
///
/// The writer holds PostgreSQL's session advisory lock `writerLockKey` on a connection of its own, outside the
/// pool, and at each acquisition bumps `provernet_writer.epoch`. Every write transaction reads that row
/// `FOR SHARE` and refuses to write (`StoreError.write`, "fenced") unless the epoch is its own: a gateway that
/// lost its lock (its session ended: it was cut off from the database, whose `idle_session_timeout` ends a
/// session that stops pinging) can never write after another one took over, and the row lock orders a takeover
/// after any write in flight. The lock's connection pings every second and is made again after a restart of
/// the server; if another gateway took the lock meanwhile, this one stays fenced.
///
/// This is the seed of the several-gateways design (one elected market leader, fenced by its epoch), not yet
/// the design itself: here a second gateway is refused at start.
extension PostgresStore {
    /// How long `open` tries again for the writer's lock before it says that another process holds it.
    static let writerLockPatience: Duration = .seconds(3)

    /// How `open` says that another process is the database's writer.
    static let anotherWriter = "another gateway writes to this database"

    /// Whether `open` failed because another process (a running gateway) is the database's writer: a tool then
    /// goes through that gateway instead.
    public static func isHeldByAnotherWriter(_ error: any Error) -> Bool {
        guard case .open(_, let reason) = error as? StoreError else { return false }
        return reason.hasPrefix(anotherWriter)
    }

    /// The session advisory lock of the database's one writer ("pn-write").
    static let writerLockKey: Int64 = 0x706E_2D77_7269_7465

    /// What the writer's lock keeper knows.
    struct WriterState: Sendable {
        /// The epoch this store writes under; nil for a store that is not the writer (tools, tests).
        var epoch: Int64?
        /// Why this store may no longer write, once another writer took over.
        var fenced: String?
    }

    /// How often a gateway that waits for the writer's lock (a follower, `waitToBecomeWriter`) tries for it: a
    /// takeover comes at most this long after the server released the lock.
    public static let writerLockPollInterval: Duration = .milliseconds(200)

    /// Takes the writer's lock, or fails with `StoreError.open` naming the gateway that holds it. With
    /// `patience` nil it waits for the lock for as long as it takes (until cancelled).
    func becomeWriter(holder: String, patience: Duration? = writerLockPatience) async throws(StoreError) {
        do {
            let connection = try await connectAlone()
            do {
                // A session that just ended (the previous process of this gateway, a tool that just closed) holds
                // the lock until the server has ended it, a moment later: tried again for a short while.
                var epoch = try await Self.tryLock(connection, holder: holder, logger: logger)
                let until = patience.map { ContinuousClock.now + $0 }
                while epoch == nil, until.map({ ContinuousClock.now < $0 }) ?? true {
                    try await Task.sleep(for: Self.writerLockPollInterval)
                    // The waiting connection is idle between tries: pinged by the try itself, so the server's
                    // `idle_session_timeout` never ends it.
                    epoch = try await Self.tryLock(connection, holder: holder, logger: logger)
                }
                guard let epoch else {
                    let current = try await Self.currentWriter(connection, logger: logger)
                    try? await connection.close()
                    throw StoreError.open(
                        path: configuration.description,
                        reason: "\(Self.anotherWriter) (\(current ?? "unknown")); one gateway per "
                            + "database for now (docs/deployment.md)")
                }
                writer.withLock { $0.epoch = epoch }
                logger.info("this gateway is the database's writer", metadata: ["epoch": "\(epoch)"])
                keeper.withLock { $0 = Task { await self.keepWriterLock(connection, holder: holder, epoch: epoch) } }
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .open(path: configuration.description, reason: "writer lock: \(Self.describe(error))")
        }
    }

    /// Pings the lock's connection every second; makes it again (and takes the lock again) when it died. Ends
    /// when cancelled (at close, which closes the connection and so releases the lock) or once fenced.
    func keepWriterLock(_ first: PostgresConnection, holder: String, epoch: Int64) async {
        var connection: PostgresConnection? = first
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { break }
            if let alive = connection {
                do {
                    try await Self.ping(alive, within: Self.pingLimit, logger: logger)
                    continue
                } catch {
                    logger.warning(
                        "the writer lock's connection failed; taking the lock again",
                        metadata: ["error": "\(Self.describe(error))"])
                    Self.abandon(alive)
                    connection = nil
                }
            }
            guard let fresh = try? await connectAlone() else { continue } // not back yet: again in a second
            connection = fresh
            do {
                if try await Self.tryLock(fresh, holder: holder, logger: logger, bump: false) != nil,
                    try await Self.currentEpoch(fresh, logger: logger) == epoch
                {
                    logger.notice("the writer lock is held again", metadata: ["epoch": "\(epoch)"])
                    continue
                }
                let current = (try? await Self.currentWriter(fresh, logger: logger)) ?? nil
                let reason =
                    "fenced: another gateway took this database over (\(current ?? "unknown")); this gateway "
                    + "writes no more"
                writer.withLock { $0.fenced = reason }
                logger.critical("\(reason)")
                break
            } catch {
                try? await fresh.close()
                connection = nil
            }
        }
        // Closing the session releases the lock (postgres-nio wants every connection closed before it goes).
        if let connection { try? await connection.close() }
    }

    /// How long the lock's ping may take before its connection is given up: a session that the server
    /// terminated (`pg_terminate_backend`) was seen to leave postgres-nio's next query on it waiting for ever,
    /// which left the keeper believing it held the lock.
    static let pingLimit: Duration = .seconds(3)

    /// `SELECT 1` on `connection` within `limit`, else `PingFailed`. Nothing is awaited past the limit: on a
    /// session that the server ended while this process was frozen, a ping that closed its connection and
    /// cancelled its query on time-out was seen to wait for ever all the same (postgres-nio's query or close never
    /// returned). So the query and the close run in tasks of their own, abandoned with the connection (the caller
    /// makes a new one) should they never end.
    static func ping(_ connection: PostgresConnection, within limit: Duration, logger: Logger) async throws {
        let first = FirstAnswer<String?>()
        let failure = await withCheckedContinuation { continuation in
            first.wait(continuation)
            Task {
                do {
                    _ = try await connection.query("SELECT 1", logger: logger).collect()
                    first.give(nil)
                } catch {
                    first.give(describe(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                first.give("the session did not answer a ping within \(limit)")
            }
        }
        if let failure {
            abandon(connection)
            throw PingFailed(reason: failure)
        }
    }

    /// Closes a connection that failed without waiting for it (see `ping`).
    static func abandon(_ connection: PostgresConnection) {
        Task { try? await connection.close() }
    }

    struct PingFailed: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// The first of several answers (nil: the ping was answered; else why it failed).
    /// The first of several answers, to one waiter: an answer given before the wait is kept for it, later
    /// ones are dropped.
    final class FirstAnswer<Answer: Sendable>: Sendable {
        private enum State {
            case empty
            case waiting(CheckedContinuation<Answer, Never>)
            case answered(Answer)
            case done
        }
        private let state = Mutex<State>(.empty)

        init() {}

        func wait(_ waiting: CheckedContinuation<Answer, Never>) {
            let answer = state.withLock { current -> Answer? in
                if case .answered(let answer) = current {
                    current = .done
                    return answer
                }
                current = .waiting(waiting)
                return nil
            }
            if let answer { waiting.resume(returning: answer) }
        }

        func give(_ answer: Answer) {
            let waiting = state.withLock { current -> CheckedContinuation<Answer, Never>? in
                switch current {
                case .empty:
                    current = .answered(answer)
                    return nil
                case .waiting(let waiting):
                    current = .done
                    return waiting
                case .answered, .done:
                    return nil
                }
            }
            waiting?.resume(returning: answer)
        }
    }

    /// Checked in every write transaction: the epoch row, read `FOR SHARE`, must be this writer's.
    func checkWriter(_ connection: PostgresConnection) async throws {
        let state = writer.withLock { $0 }
        if let fenced = state.fenced { throw StoreError.write(reason: fenced) }
        guard let epoch = state.epoch else { return }
        let rows = try await connection.query(
            "SELECT epoch, holder FROM provernet_writer WHERE id = 1 FOR SHARE", logger: logger
        ).collect()
        guard let (current, holder) = try rows.first?.decode((Int64, String).self), current == epoch else {
            let reason = "fenced: another gateway took this database over; this gateway writes no more"
            writer.withLock { $0.fenced = reason }
            throw StoreError.write(reason: reason + " (its epoch \(epoch), now \(String(describing: rows.first)))")
        }
        _ = holder
    }

    /// `pg_try_advisory_lock`; when taken and `bump`, the epoch is raised and returned (else the current one).
    static func tryLock(_ connection: PostgresConnection, holder: String, logger: Logger, bump: Bool = true)
        async throws -> Int64?
    {
        let taken =
            try await connection.query("SELECT pg_try_advisory_lock(\(writerLockKey))", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        guard taken else { return nil }
        guard bump else { return try await currentEpoch(connection, logger: logger) }
        return try await connection.query(
            """
            INSERT INTO provernet_writer (id, epoch, holder, sinceMillis) VALUES (1, 1, \(holder), \(Clock.nowMillis()))
            ON CONFLICT (id) DO UPDATE SET epoch = provernet_writer.epoch + 1, holder = EXCLUDED.holder,
                sinceMillis = EXCLUDED.sinceMillis, address = NULL
            RETURNING epoch
            """, logger: logger
        ).collect().first?.decode(Int64.self)
    }

    static func currentEpoch(_ connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.query("SELECT epoch FROM provernet_writer WHERE id = 1", logger: logger).collect()
            .first?.decode(Int64.self)
    }

    static func currentWriter(_ connection: PostgresConnection, logger: Logger) async throws -> String? {
        guard
            let (epoch, holder, since) = try await connection.query(
                "SELECT epoch, holder, sinceMillis FROM provernet_writer WHERE id = 1", logger: logger
            ).collect().first?.decode((Int64, String, Int64).self)
        else { return nil }
        let time = Date(timeIntervalSince1970: Double(since) / 1000).ISO8601Format()
        return "\(holder), epoch \(epoch), since \(time)"
    }

    /// A connection of its own, outside the pool, whose session the server ends once it has been idle for
    /// 5 s (`idle_session_timeout`): a writer cut off from the database loses its lock within that time.
    /// `idleSessionMillis` 0 keeps an idle session (a connection that only listens for notifications).
    func connectAlone(applicationName: String = "provernet-gateway-writer", idleSessionMillis: Int = 5000)
        async throws -> PostgresConnection
    {
        var options = PostgresConnection.Configuration.Options()
        options.connectTimeout = .milliseconds(
            max(5000, PostgresStoreConfiguration.millis(configuration.operationTimeout)))
        options.additionalStartupParameters = [
            ("idle_session_timeout", String(idleSessionMillis)), ("application_name", applicationName),
        ]
        var connection: PostgresConnection.Configuration
        if let directory = configuration.unixSocketDirectory {
            connection = PostgresConnection.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(configuration.port)", username: configuration.username,
                password: configuration.password, database: configuration.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch configuration.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            connection = PostgresConnection.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: tls)
        }
        connection.options = options
        return try await PostgresConnection.connect(
            configuration: connection, id: Int.random(in: 1..<Int.max), logger: logger)
    }
}
