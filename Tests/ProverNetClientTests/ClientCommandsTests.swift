import Foundation
import ProverNetClient
import TestSupport
import Testing

/// The client commands as a script runs them: the real `provernet` binary, its exit status and its
/// outputs, for everything that needs no gateway (the end-to-end runs against a gateway are the
/// gateway's tests).
@Suite struct ClientCommandsTests {
    /// The `provernet` binary beside the test bundle (`swift test` builds it for the CLI tests), or nil.
    static let binary: URL? = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while directory.path != "/", !directory.path.isEmpty {
            let candidate = directory.appendingPathComponent("provernet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        print("SKIPPED: no provernet binary beside the tests (build it with `swift build --product provernet`)")
        return nil
    }()

    typealias Run = CommandRun

    /// Runs the binary to its end (output to files, so a chatty run cannot block on a full pipe).
    static func provernet(_ arguments: [String], environment: [String: String] = [:]) throws -> Run? {
        guard let binary else { return nil }
        var merged = ProcessInfo.processInfo.environment
        merged["PROVERNET_GATEWAY"] = nil
        merged["PROVERNET_CA"] = nil
        merged.merge(environment) { $1 }
        return try CommandRun.run(binary, arguments, environment: merged)
    }

    @Test func verifyExitsZeroOneOrTwo() throws {
        try withTemporaryDirectory { directory in
            _ = try FetchedProofs.write(FetchedProofsTests.request, to: directory)
            guard let valid = try Self.provernet(["verify", directory.path]) else { return }
            #expect(valid.status == 0)
            #expect(valid.stdout == "OK: all 3 proofs are valid\n")

            try Data(contentsOf: directory.appendingPathComponent("public_0.json"))
                .write(to: directory.appendingPathComponent("public_2.json"))
            let invalid = try Self.provernet(["verify", directory.path])
            #expect(invalid?.status == 1)
            #expect(invalid?.stdout.contains("INVALID: proof 2:") == true)
            #expect(invalid?.stdout.hasSuffix("INVALID: 1 of 3 proofs: 2\n") == true)

            try FileManager.default.removeItem(at: directory.appendingPathComponent("verification_key.json"))
            let bad = try Self.provernet(["verify", directory.path])
            #expect(bad?.status == 2)
            #expect(bad?.stderr.contains("no verification_key.json") == true)
        }
    }

    @Test func badInputExitsTwoBeforeAnyConnection() throws {
        try withTemporaryDirectory { directory in
            let malformed = directory.appendingPathComponent("bad.json")
            try Data("{\"x\": \"3\",}".utf8).write(to: malformed)
            // Port 1 has no gateway: these must fail on the input, not on the connection.
            guard
                let run = try Self.provernet(
                    ["submit", "--gateway", "localhost:1", "--circuit", "c", "--input", malformed.path])
            else { return }
            #expect(run.status == 2)
            #expect(
                run.stderr
                    == "error: \(malformed.path): not valid JSON: line 1, column 11: expected a member name in double quotes\n"
            )
            #expect(run.stdout.isEmpty)

            let noGateway = try Self.provernet(["status", "req-1"])
            #expect(noGateway?.status == 2)
            #expect(noGateway?.stderr == "error: no gateway: pass --gateway HOST:PORT or set PROVERNET_GATEWAY\n")

            let noCA = try Self.provernet(
                ["status", "req-1"],
                environment: ["PROVERNET_GATEWAY": "localhost:1", "PROVERNET_CA": "/nonexistent/ca.pem"])
            #expect(noCA?.status == 2)
            #expect(noCA?.stderr == "error: cannot read the CA certificate /nonexistent/ca.pem: no such file\n")
        }
    }

    @Test func anUnreachableGatewayExitsTwoWithTheReason() throws {
        guard let run = try Self.provernet(["wait", "req-1", "--gateway", "localhost:1", "--timeout", "30"]) else {
            return
        }
        #expect(run.status == 2)
        #expect(run.stderr.contains("error: gateway unreachable (WatchRequest)"))
    }
}
