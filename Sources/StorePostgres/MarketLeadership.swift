import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Store
import Synchronization

/// Several gateways on one database (issue 17, item 2; docs/architecture.md): exactly one of them at a time
/// leads the market, the one whose session holds PostgreSQL's advisory lock `lockKey`. Each acquisition bumps
/// `provernet_leader.epoch`, and the leader's round transactions check it `FOR SHARE`
/// (`PostgresStore.commitRound`): a leader that lost its session (cut off from the database, whose
/// `idle_session_timeout` ends a session that stops pinging) can never write a round after another gateway took
/// over, even while it still believes it leads.
///
/// Unlike the database's one writer (`PostgresStore+Writer.swift`), a gateway that lost the lock never keeps
/// its epoch: when it takes the lock again it is a new leadership, under a new epoch.
public final class MarketLeadership: Sendable {
    /// What this gateway is in the market.
    public enum Role: Sendable, Equatable {
        case follower
        case leader(epoch: Int64)
    }

    /// The session advisory lock of the market's leader ("pn-lead").
    static let lockKey: Int64 = 0x70_6E2D_6C65_6164

    let store: PostgresStore
    /// This gateway, as `provernet_leader.holder` names it.
    public let gateway: String
    /// How often a follower tries for the lock, and a leader pings its session.
    public let interval: Duration
    let state = Mutex<Role>(.follower)

    public init(store: PostgresStore, gateway: String, interval: Duration = .seconds(1)) {
        self.store = store
        self.gateway = gateway
        self.interval = interval
    }

    /// This gateway's role now.
    public var role: Role { state.withLock { $0 } }

    /// Tries for the lock every `interval` while a follower, and pings its session while the leader. A failed
    /// ping makes this gateway a follower at once (its session, and so the lock, are gone or going). Returns
    /// when cancelled, closing its connection, which releases the lock.
    public func run() async {
        let logger = store.logger
        var connection: PostgresConnection?
        while !Task.isCancelled {
            do {
                let session: PostgresConnection
                if let connection {
                    session = connection
                } else {
                    session = try await store.connectAlone(applicationName: "provernet-gateway-leader")
                    connection = session
                }
                switch role {
                case .follower:
                    if let epoch = try await Self.tryLead(session, gateway: gateway, logger: logger) {
                        state.withLock { $0 = .leader(epoch: epoch) }
                        logger.notice("this gateway leads the market", metadata: ["epoch": "\(epoch)"])
                    }
                case .leader:
                    try await PostgresStore.ping(session, within: PostgresStore.pingLimit, logger: logger)
                }
            } catch {
                if case .leader(let epoch) = role {
                    logger.warning(
                        "the market leader's session failed; this gateway follows",
                        metadata: ["epoch": "\(epoch)", "error": "\(PostgresStore.describe(error))"])
                }
                state.withLock { $0 = .follower }
                if let failed = connection { PostgresStore.abandon(failed) }
                connection = nil
            }
            try? await Task.sleep(for: interval)
        }
        state.withLock { $0 = .follower }
        if let connection { try? await connection.close() }
    }

    /// `pg_try_advisory_lock`; when taken, the epoch is raised and returned.
    static func tryLead(_ connection: PostgresConnection, gateway: String, logger: Logger) async throws -> Int64? {
        let taken =
            try await connection.query("SELECT pg_try_advisory_lock(\(lockKey))", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        guard taken else { return nil }
        return try await connection.query(
            """
            INSERT INTO provernet_leader (id, epoch, holder, sinceMillis) VALUES (1, 1, \(gateway), \(Clock.nowMillis()))
            ON CONFLICT (id) DO UPDATE SET epoch = provernet_leader.epoch + 1, holder = EXCLUDED.holder,
                sinceMillis = EXCLUDED.sinceMillis
            RETURNING epoch
            """, logger: logger
        ).collect().first?.decode(Int64.self)
    }

    /// Refuses (`StoreError.write`, "fenced") unless `epoch` is the market's current leader's; the row stays
    /// locked `FOR SHARE` until the caller's transaction ends, so a takeover waits for a round being written.
    static func checkLeader(_ connection: PostgresConnection, epoch: Int64, logger: Logger) async throws {
        let current =
            try await connection.query(
                "SELECT epoch FROM provernet_leader WHERE id = 1 FOR SHARE", logger: logger
            ).collect().first?.decode(Int64.self)
        guard current == epoch else {
            throw StoreError.write(
                reason: "fenced: the market's leader is now epoch \(current.map(String.init) ?? "none"), not \(epoch)")
        }
    }
}
