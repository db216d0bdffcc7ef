import Foundation
import Store

/// Where a `PostgresStore` connects and how it behaves, with documented defaults. Made from a
/// `postgres://user:password@host:port/database?sslmode=…` URL (libpq's form; `postgresql://` too) by
/// `init(url:)`.
public struct PostgresStoreConfiguration: Sendable, Equatable {
    /// TLS to the server, as libpq's `sslmode` names it (`verify-ca`/`verify-full` are `require` with the
    /// system's trust roots, the server's name checked).
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case prefer
        case require
    }

    public var host: String = "127.0.0.1"
    public var port: Int = 5432
    /// A directory holding the server's Unix socket (`?host=/path` in the URL, as libpq takes it): used
    /// instead of TCP when set.
    public var unixSocketDirectory: String?
    public var username: String = "postgres"
    public var password: String?
    public var database: String = "provernet"
    /// Default `prefer`, as libpq's; a server on loopback or a Unix socket usually has no TLS (`disable`).
    public var tls: TLSMode = .prefer
    /// The server aborts any statement that runs longer (`statement_timeout`), so a stuck query never holds
    /// the gateway's one writer forever. Default 5 s.
    public var statementTimeout: Duration = .seconds(5)
    /// The server ends a session that sits in an open transaction for longer (a client that died between
    /// BEGIN and COMMIT frees its locks). Default 30 s.
    public var idleInTransactionTimeout: Duration = .seconds(30)
    /// The longest a whole store operation may take on the client's side, waiting for a connection
    /// included (while the server restarts, say); past it the operation fails with a `StoreError`.
    /// Default 15 s.
    public var operationTimeout: Duration = .seconds(15)
    /// The pool's size. A gateway writes through one batch at a time and reads beside it. Default 8.
    public var maximumConnections: Int = 8
    /// Connections kept open while idle. Default 1.
    public var minimumConnections: Int = 1
    /// A failed operation that failed before anything could have been written (a connection the server
    /// closed, or none to be had) is tried again this many times. Default 3.
    public var retries: Int = 3
    /// Whether every write that moves money checks the ledger's invariants (`ledgerProblems`) in its
    /// transaction, rolling it back when they fail: slower, for tests and audits. Default: whether the
    /// environment sets `PROVERNET_VERIFY_LEDGER=1`, as `SQLiteStore` reads it.
    public var verifiesLedger: Bool = ProcessInfo.processInfo.environment["PROVERNET_VERIFY_LEDGER"] == "1"

    public init() {}

    /// Reads a `postgres://` or `postgresql://` URL: user, password, host, port, database, and the query
    /// parameters `sslmode` (disable, prefer, require, verify-ca, verify-full), `host` (a socket directory),
    /// `statement_timeout` and `connect_timeout` (seconds, as libpq's; `statement_timeout` in milliseconds).
    public init(url text: String) throws(StoreError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw .open(path: Self.redacted(text), reason: "not a postgres:// URL")
        }
        if let host = url.host, !host.isEmpty { self.host = host }
        if let port = url.port { self.port = port }
        if let user = url.user, !user.isEmpty { username = user }
        password = url.password
        let path = url.path
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if !name.isEmpty { database = name }
        for item in url.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw .open(path: Self.redacted(text), reason: "unknown sslmode '\(value)'")
                }
            case "host":
                unixSocketDirectory = value
            case "statement_timeout":
                guard let millis = Int(value), millis > 0 else {
                    throw .open(path: Self.redacted(text), reason: "statement_timeout '\(value)' is not milliseconds")
                }
                statementTimeout = .milliseconds(millis)
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw .open(path: Self.redacted(text), reason: "connect_timeout '\(value)' is not seconds")
                }
                operationTimeout = .seconds(seconds)
            case "application_name", "target_session_attrs":
                continue
            default:
                throw .open(path: Self.redacted(text), reason: "unknown parameter '\(item.name)'")
            }
        }
        guard (1...65535).contains(port) else { throw .open(path: Self.redacted(text), reason: "bad port \(port)") }
    }

    /// Where it connects, without the password: what logs and errors may show.
    public var description: String {
        let place = unixSocketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host):\(port)"
        return "postgres://\(username)@\(place)/\(database)"
    }

    /// The URL with any password replaced: never log a secret.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(an unreadable database URL)" }
        if components.password != nil { components.password = "xxxxx" }
        return components.string ?? "(an unreadable database URL)"
    }

    /// Whether a `--database` value names PostgreSQL (rather than an SQLite file).
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
