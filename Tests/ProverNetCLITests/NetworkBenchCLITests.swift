import Foundation
import TestSupport
import Testing

/// `provernet bench network --gateways`: what it refuses before it starts anything (the runs themselves are in
/// `NetworkTests.aGatewayOnPostgreSQLBench…`, which needs PostgreSQL).
@Suite struct NetworkBenchCLITests {
    @Test func severalGatewaysOnSQLiteAreRefusedWithAClearError() throws {
        let onSQLite = try CLI.run(["bench", "network", "--gateways", "1,2"])
        #expect(onSQLite.status == 2, "\(onSQLite.stderr)")
        #expect(
            onSQLite.stderr.contains("--gateways 2 needs a PostgreSQL database (--database postgres://…)"),
            "\(onSQLite.stderr)")
        #expect(onSQLite.stdout.isEmpty, "nothing ran: \(onSQLite.stdout)")

        // SQLite among the databases of a run of several gateways is refused as well.
        let mixed = try CLI.run([
            "bench", "network", "--gateways", "3", "--database", "postgres://nobody@127.0.0.1:1/none",
            "--database", "sqlite",
        ])
        #expect(
            mixed.status == 2 && mixed.stderr.contains("--gateways 3 needs a PostgreSQL database"), "\(mixed.stderr)")

        for bad in ["0", "1,,2", "two", "17"] {
            let run = try CLI.run(["bench", "network", "--gateways", bad])
            #expect(run.status == 2, "--gateways \(bad): \(run.stderr)")
            #expect(
                run.stderr.contains(
                    "--gateways must be a count from 1 to 16, or a list of them such as 1,2,3, not '\(bad)'"),
                "\(run.stderr)")
        }
    }

    /// The in-process bench with several warm-up requests and more jobs than the development client could escrow
    /// at a high maximum price: every job verified (at 1,000,000 credits a job the second request was refused).
    @Test func theInProcessBenchRunsWarmUpsAndSeveralRequestsToTheEnd() throws {
        let run = try CLI.run([
            "bench", "network", "--provers", "1", "--requests", "2", "--inputs", "2", "--circuit", "synth:2^4",
            "--warmup", "2", "--threads", "1", "--timeout", "300",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let throughput = run.stdout.split(separator: "\n").first { $0.contains(#""metric": "throughput""#) }
        #expect(throughput?.contains(#""jobs": 4,"#) == true, "\(run.stdout)")
    }
}
