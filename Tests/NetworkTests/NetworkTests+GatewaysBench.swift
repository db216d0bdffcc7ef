import Foundation
import TestSupport
import Testing

/// `provernet bench network --gateways 2` on PostgreSQL (issue 17, item 5), run as a user runs it, at tiny sizes:
/// two gateway processes on a fresh database, provers spread across them, requests submitted on both. The name
/// starts with `aGatewayOnPostgreSQL` so that `scripts/test` runs it with the PostgreSQL tests.
extension NetworkTests {
    @Test(
        .enabled(
            if: PostgresTestCluster.sharedURL != nil || PostgresTestCluster.required,
            "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL"))
    func aGatewayOnPostgreSQLBenchWithTwoGatewaysReportsEveryJobVerified() async throws {
        let url = try #require(PostgresTestCluster.sharedURL, "PROVERNET_TEST_POSTGRES_URL is not set")
        let (requests, inputs) = (4, 3)
        let run = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "bench", "network", "--gateways", "2", "--database", url, "--provers", "2", "--requests",
                "\(requests)", "--inputs", "\(inputs)", "--circuit", "synth:2^8", "--threads", "1",
                "--round-interval-ms", "50", "--timeout", "240",
            ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(!lines.isEmpty && lines.count == run.stdout.split(separator: "\n").count, "\(run.stdout)")
        func metric(_ name: String) -> [[String: Any]] { lines.filter { $0["metric"] as? String == name } }
        func number(_ line: [String: Any]?, _ field: String) -> Double {
            (line?[field] as? NSNumber)?.doubleValue ?? .nan
        }
        #expect(
            lines.allSatisfy {
                ($0["gateways"] as? NSNumber)?.intValue == 2 && $0["database"] as? String == "postgres"
            }, "\(run.stdout)")

        // Every job of every request verified, none failed.
        let throughput = metric("throughput").first
        #expect(number(throughput, "jobs") == Double(requests * inputs), "\(run.stdout)")
        #expect(number(throughput, "jobs_per_second") > 0)
        let latency = metric("request_latency_ms").first
        #expect(number(latency, "failed") == 0 && number(latency, "p50") > 0, "\(run.stdout)")
        for name in ["first_assignment_ms", "outside_proving", "busy_provers"] {
            #expect(metric(name).count == 1, "no \(name) line: \(run.stdout)")
        }

        // Both gateways worked: the leader, and the follower that relayed half the requests and one prover.
        let cpu = metric("gateway_cpu")
        #expect(cpu.map { $0["gateway"] as? String ?? "" } == ["gateway-1", "gateway-2"], "\(run.stdout)")
        #expect(cpu.map { $0["role"] as? String ?? "" } == ["leader", "follower"])
        #expect(cpu.allSatisfy { number($0, "cpu_seconds") > 0 }, "\(run.stdout)")
        #expect(number(metric("process_cpu").first, "provers_cpu_seconds") > 0)

        // The leader's market passes and result checks, from its /metrics; the database's own count.
        let leader = metric("leader").first
        #expect(number(leader, "market_passes") >= 1 && number(leader, "pass_mean_ms") > 0, "\(run.stdout)")
        #expect(number(leader, "result_checks") >= Double(requests * inputs), "\(run.stdout)")
        let database = metric("database").first
        #expect(number(database, "commits") > 0 && number(database, "active_seconds") > 0, "\(run.stdout)")

        // The readable table, on standard error.
        #expect(run.stderr.contains("postgres × 2"), "\(run.stderr)")
    }
}
