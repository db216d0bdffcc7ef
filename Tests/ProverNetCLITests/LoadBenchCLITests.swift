import Foundation
import TestSupport
import Testing

/// `provernet bench load`: what it refuses before it starts anything (its runs are in
/// `NetworkTests.loadBench…`).
@Suite struct LoadBenchCLITests {
    @Test func badSettingsAreRefusedBeforeAnythingStarts() throws {
        let cases: [([String], String)] = [
            (["--gateways", "2"], "--gateways 2 needs a PostgreSQL database (--database postgres://…)"),
            (["--database", "mysql://x"], "--database must be sqlite or a postgres:// URL"),
            (["--provers", "3", "--wrong-provers", "4"], "--wrong-provers must be from 0 to --provers (3)"),
            (["--constraints", "0"], "--constraints must be from 1 to 65536, not 0"),
            (["--rate", "0"], "must be positive"),
            (["--search", "--step", "1"], "--step must be over 1"),
        ]
        for (arguments, message) in cases {
            let run = try CLI.run(["bench", "load"] + arguments)
            // A usage error (ArgumentParser's validation): exit status 64, EX_USAGE.
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "nothing ran: \(run.stdout)")
        }
    }
}
