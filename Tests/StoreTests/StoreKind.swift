import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Testing

@testable import Store
@testable import StorePostgres

/// The stores the shared suite runs against: SQLite always; PostgreSQL when `PROVERNET_TEST_POSTGRES_URL` names a
/// server (`scripts/test` starts a throwaway one with `scripts/postgres-test-cluster`), and always in CI, where
/// its absence fails the tests instead of leaving them out.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var available: [StoreKind] { TestPostgres.isConfigured || TestPostgres.required ? allCases : [.sqlite] }

    /// A fresh, empty store of this kind; `verifiesLedger`: whether it checks the ledger after every batch
    /// (nil: as the environment says, the stores' default).
    func open(verifiesLedger: Bool? = nil) async throws -> ScratchStore {
        switch self {
        case .sqlite:
            let scratch = try SQLiteStoreTests.Scratch()
            let store =
                try verifiesLedger.map { try SQLiteStore(path: scratch.path, verifiesLedger: $0) }
                ?? SQLiteStore(path: scratch.path)
            return ScratchStore(kind: self, store: store, sqlite: scratch, postgres: nil)
        case .postgres:
            let database = try await TestPostgres.createDatabase()
            var configuration = try PostgresStoreConfiguration(url: database.url)
            if let verifiesLedger { configuration.verifiesLedger = verifiesLedger }
            let store = try await PostgresStore.open(configuration)
            return ScratchStore(kind: self, store: store, sqlite: nil, postgres: database)
        }
    }
}

/// A store opened for one test, and what is needed to tamper with it and remove it.
struct ScratchStore: Sendable {
    let kind: StoreKind
    let store: any GatewayStore
    let sqlite: SQLiteStoreTests.Scratch?
    let postgres: TestPostgres.Database?

    /// Runs SQL (statements separated by `;`) on the database behind the store's back, as someone with
    /// access to it would: the `sqlite3` tool on the file, or a connection of its own to PostgreSQL.
    func tamper(_ sql: String) async throws {
        if let sqlite {
            try AuditLogTests.sqlite3(sqlite.path, sql)
        } else if let postgres {
            try await TestPostgres.execute(sql, url: postgres.url)
        }
    }

    /// The audit log as `provernet admin audit verify` reads it.
    func readAuditLog() async throws -> (entries: [AuditEntry], heads: [AuditHead]) {
        if let sqlite { return try SQLiteStore.readAuditLog(path: sqlite.path) }
        return try await PostgresStore.readAuditLog(url: try #require(postgres).url)
    }

    /// Removes the database (after the store was closed).
    func remove() async {
        sqlite?.remove()
        if let postgres { await TestPostgres.dropDatabase(postgres) }
    }
}

/// The PostgreSQL server of the tests: each test gets a database of its own on it.
enum TestPostgres {
    static var url: String? {
        ProcessInfo.processInfo.environment["PROVERNET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var isConfigured: Bool { url != nil }
    /// In CI (`CI` set) the PostgreSQL tests must run: a missing server fails them.
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }
    static let skipReason: Comment =
        "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL (scripts/postgres-test-cluster)"

    struct Database: Sendable {
        let name: String
        let url: String
    }

    static func adminURL() throws -> String {
        guard let url else {
            throw StoreError.open(path: "PROVERNET_TEST_POSTGRES_URL", reason: "\(skipReason)")
        }
        return url
    }

    /// `url` with another database name.
    static func url(_ base: String, database: String) throws -> String {
        var components = try #require(URLComponents(string: base))
        components.path = "/" + database
        // Generous: beside the whole suite's CPU-bound tests on 2 cores, the client's own timer is what starves,
        // and a transaction waiting for the writers' lock behind others (concurrent writers through the pool)
        // may wait longer than a gateway's default statement timeout. A test of the timeouts sets its own.
        components.queryItems =
            (components.queryItems ?? []).filter { !["connect_timeout", "statement_timeout"].contains($0.name) }
            + [
                URLQueryItem(name: "connect_timeout", value: "120"),
                URLQueryItem(name: "statement_timeout", value: "60000"),
            ]
        return try #require(components.string)
    }

    static func createDatabase() async throws -> Database {
        let admin = try adminURL()
        let name = "provernet_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await execute("CREATE DATABASE \(name)", url: admin)
        return Database(name: name, url: try url(admin, database: name))
    }

    static func dropDatabase(_ database: Database) async {
        guard let admin = url else { return }
        try? await execute("DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)", url: admin)
    }

    /// Runs each `;`-separated statement on a connection of its own (no migration, no store).
    static func execute(_ sql: String, url: String) async throws {
        var configuration = try PostgresStoreConfiguration(url: url)
        configuration.operationTimeout = .seconds(120)
        let store = PostgresStore(configuration: configuration, logger: Logger(label: "test"))
        do {
            _ = try await store.withRetries("test SQL") { connection in
                for statement in sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test"))
                }
                return 0
            }
        } catch {
            await store.shutDown()
            throw StoreError.write(reason: PostgresStore.describe(error))
        }
        await store.shutDown()
    }
}
