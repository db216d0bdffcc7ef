import Foundation
import Logging
import PostgresNIO
import Store

/// What `provernet bench network --gateways` needs of a PostgreSQL server beside the store: a fresh database per
/// run (so that runs one after the other on one server start from the same empty market), and the server's own
/// count of the time its sessions spent on that database.
extension PostgresStore {
    /// The server's cumulative statistics of one database (`pg_stat_database`, PostgreSQL 14 or later), as of
    /// the sessions' last report to it (a session reports at most once a second, and when it ends).
    public struct DatabaseActivity: Sendable, Equatable {
        /// Transactions committed.
        public var commits: Int64
        /// Transactions rolled back.
        public var rollbacks: Int64
        /// Milliseconds the sessions spent running statements (`active_time`).
        public var activeMillis: Double
        /// Milliseconds the sessions spent idle inside a transaction (`idle_in_transaction_time`): the time a
        /// transaction waited for its client between statements.
        public var idleInTransactionMillis: Double
        /// Rows inserted, updated and deleted.
        public var rowsWritten: Int64
        /// Rows returned by reads.
        public var rowsRead: Int64
    }

    /// Makes an empty database named `name` on the server of `url` (whose user needs the CREATEDB privilege),
    /// and returns `url` with its database replaced by it.
    public static func createDatabase(named name: String, onServerOf url: String) async throws(StoreError) -> String {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.isEmpty,
            var components = URLComponents(string: url)
        else { throw .open(path: PostgresStoreConfiguration.redacted(url), reason: "bad database name '\(name)'") }
        try await execute("CREATE DATABASE \(name)", url: url)
        components.path = "/" + name
        guard let made = components.string else {
            throw .open(
                path: PostgresStoreConfiguration.redacted(url), reason: "cannot make the URL of database \(name)")
        }
        return made
    }

    /// Drops the database of `url` (forcing its sessions off), connected through `server`, a URL of another
    /// database on the same server.
    public static func dropDatabase(_ url: String, through server: String) async throws(StoreError) {
        let name = try PostgresStoreConfiguration(url: url).database
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .open(path: PostgresStoreConfiguration.redacted(url), reason: "bad database name '\(name)'")
        }
        try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", url: server)
    }

    /// The server's statistics of the database of `url` (`DatabaseActivity`).
    public static func activity(of url: String) async throws(StoreError) -> DatabaseActivity {
        let store = PostgresStore(configuration: try PostgresStoreConfiguration(url: url), logger: logger)
        let activity: DatabaseActivity
        do {
            activity = try await store.withRetries("pg_stat_database") { connection in
                let rows = try await connection.query(
                    """
                    SELECT xact_commit, xact_rollback, active_time, idle_in_transaction_time,
                        tup_inserted + tup_updated + tup_deleted, tup_returned
                    FROM pg_stat_database WHERE datname = current_database()
                    """, logger: logger
                ).collect()
                guard let row = rows.first else { throw StoreError.read(reason: "no pg_stat_database row") }
                let (commits, rollbacks, active, idle, written, read) = try row.decode(
                    (Int64, Int64, Double, Double, Int64, Int64).self)
                return DatabaseActivity(
                    commits: commits, rollbacks: rollbacks, activeMillis: active, idleInTransactionMillis: idle,
                    rowsWritten: written, rowsRead: read)
            }
        } catch {
            await store.shutDown()
            throw error as? StoreError ?? .read(reason: "pg_stat_database: \(describe(error))")
        }
        await store.shutDown()
        return activity
    }

    /// One statement on a connection of its own (no migration, no writer's lock).
    static func execute(_ sql: String, url: String) async throws(StoreError) {
        let store = PostgresStore(configuration: try PostgresStoreConfiguration(url: url), logger: logger)
        do {
            _ = try await store.withRetries("bench SQL") { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                return 0
            }
        } catch {
            await store.shutDown()
            throw .write(reason: "\(sql): \(describe(error))")
        }
        await store.shutDown()
    }

    private static var logger: Logger { Logger(label: "provernet.store.postgres.bench") }
}
