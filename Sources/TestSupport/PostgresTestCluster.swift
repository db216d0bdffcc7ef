import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL cluster of a test's own (`scripts/postgres-test-cluster`): in a temporary directory, on
/// a free loopback port, as an unprivileged user when the tests run as root. For tests that restart or stop the
/// server, or that want a database no other test touches.
public struct PostgresTestCluster: Sendable {
    /// `postgres://…` of its database `provernet`.
    public let url: String
    /// Its directory (data, socket, log).
    public let directory: String

    /// The script, found from this file's place in the repository.
    public static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-cluster")
    }

    /// Whether a PostgreSQL server is installed (Debian's `postgresql`: what the script needs).
    public static var serverInstalled: Bool {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.contains {
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }
    }

    /// Whether this run must have one: in CI (`CI` set), a missing server fails the tests that need it
    /// instead of skipping them.
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// Whether tests that start or restart a server of their own may run: opt-in
    /// (`PROVERNET_TEST_POSTGRES_RESTART=1`), because a test process that starts a PostgreSQL server was seen to
    /// hang now and then beside other tests' child processes (a known issue, issue 17's report).
    public static var restartsAllowed: Bool {
        serverInstalled && ProcessInfo.processInfo.environment["PROVERNET_TEST_POSTGRES_RESTART"] != nil
    }
    public static let restartSkipReason =
        "starts and restarts a PostgreSQL server of its own: opt in with PROVERNET_TEST_POSTGRES_RESTART=1"

    /// The shared test server's URL (`scripts/test` starts one), if any.
    public static var sharedURL: String? {
        ProcessInfo.processInfo.environment["PROVERNET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why a test that needs one was skipped.
    public static let skipReason =
        "no PostgreSQL server in /usr/lib/postgresql/*/bin (scripts/setup installs Debian's postgresql)"

    /// Starts a new cluster (a few seconds).
    public static func start() throws -> PostgresTestCluster {
        let output = try run(["start"])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            // export NAME='VALUE'
            let parts = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            values[String(parts[0])] = String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        guard let url = values["PROVERNET_TEST_POSTGRES_URL"], let directory = values["PROVERNET_TEST_POSTGRES_DIR"]
        else {
            throw PostgresTestClusterError(description: "postgres-test-cluster start printed no URL: \(output)")
        }
        return PostgresTestCluster(url: url, directory: directory)
    }

    /// Makes a fresh database on the server at `url` (the shared test server's, say) and returns its URL: for a
    /// test whose processes must have a database to themselves.
    public static func createDatabase(on url: String) throws -> String {
        try run(["createdb", url]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs one statement on the server at `url` (as its user) and returns its rows, one a line, columns joined
    /// by `|` (psql's unaligned output).
    @discardableResult
    public static func sql(on url: String, _ statement: String) throws -> String {
        try run(["sql", url, statement]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Restarts the server (fast shutdown: every connection is cut), on the same port.
    public func restart() throws { try Self.run(["restart", directory]) }

    /// Stops the server and removes its directory.
    public func stop() { _ = try? Self.run(["stop", directory]) }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        // Output to files, not pipes: the server the script starts may hold an inherited descriptor open for as
        // long as it runs, and a pipe would then never reach its end.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "postgres-test-cluster-\(UUID().uuidString.prefix(8))")
        let outputFile = scratch.appendingPathExtension("out")
        let errorFile = scratch.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        // system(3), not Foundation's Process: its waitUntilExit was seen never to return here once the script
        // had left a server running in the background.
        let command =
            ([script.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
            + " < /dev/null > '\(outputFile.path)' 2> '\(errorFile.path)'"
        let status = system("/bin/bash " + command)
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw PostgresTestClusterError(
                description: "postgres-test-cluster \(arguments.joined(separator: " ")) exited "
                    + "\(status): \(errors)")
        }
        return output
    }
}

public struct PostgresTestClusterError: Error, CustomStringConvertible {
    public var description: String
}
