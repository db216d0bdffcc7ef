import Foundation
import TestSupport
import Testing

/// `provernet bench load` (issue 18, item 1) as a user runs it, at a small size: a gateway process, light provers
/// on real TLS connections answering with real proofs made before the run, clients submitting at a rate.
extension NetworkTests {
    /// The JSON lines of a run, each parsed (a line that is not a JSON object fails the test).
    func loadLines(_ run: CommandRun) -> [[String: Any]] {
        let text = run.stdout.split(separator: "\n")
        let lines = text.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(!lines.isEmpty && lines.count == text.count, "not every line is a JSON object: \(run.stdout)")
        return lines
    }

    func number(_ line: [String: Any]?, _ field: String) -> Double {
        (line?[field] as? NSNumber)?.doubleValue ?? .nan
    }

    @Test func loadBenchVerifiesEveryJobOfFiftyLightProvers() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-load-test-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: cache) }
        let arguments = [
            "bench", "load", "--provers", "50", "--rate", "20", "--seconds", "4", "--inputs", "2", "--distinct", "8",
            "--heartbeat-ms", "1000", "--drain-seconds", "120", "--proof-cache", cache.path,
        ]
        let run = try CommandRun.run(BuiltBinary.provernet, arguments)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = loadLines(run)
        #expect(lines.allSatisfy { $0["op"] as? String == "load" && number($0, "provers") == 50 }, "\(run.stdout)")
        func metric(_ name: String) -> [String: Any]? { lines.first { $0["metric"] as? String == name } }
        for name in [
            "connect", "memory", "proofs", "throughput", "first_assignment_ms", "request_latency_ms", "round",
            "gateway_cpu", "saturation",
        ] {
            #expect(metric(name) != nil, "no \(name) line: \(run.stdout)")
        }
        // Eight proofs made before the run (the cache was empty), every submitted job verified, none refused.
        #expect(number(metric("proofs"), "made") == 8, "\(run.stdout)")
        let throughput = metric("throughput")
        #expect(number(throughput, "submitted_total") >= 40, "\(run.stdout)")
        #expect(number(throughput, "verified_total") == number(throughput, "submitted_total"), "\(run.stdout)")
        #expect(number(throughput, "rejected_total") == 0 && number(throughput, "refused_submissions") == 0)
        #expect(number(throughput, "verified_per_second") > 0)
        #expect(number(metric("first_assignment_ms"), "p50") >= 0, "\(run.stdout)")
        #expect(
            number(metric("request_latency_ms"), "p99") > 0 && number(metric("request_latency_ms"), "unfinished") == 0)
        #expect(number(metric("round"), "market_passes") >= 1, "\(run.stdout)")
        // The gateway's CPU, and its parts from its /metrics: statements at submission, a verification per job.
        let cpu = metric("gateway_cpu")
        #expect(number(cpu, "cpu_seconds") > 0 && number(cpu, "verification_seconds") > 0, "\(run.stdout)")
        #expect(number(cpu, "statement_seconds") > 0 && number(cpu, "database_seconds") > 0, "\(run.stdout)")
        #expect(number(metric("memory"), "gateway_rss_connected_bytes") > 0, "\(run.stdout)")
        #expect(metric("saturation")?["rule"] is String)

        // The proofs are kept by the hash of the gateway's proving key: one directory, named by a SHA-256.
        let keys = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(keys.count == 1 && keys[0].count == 64, "\(keys)")
    }

    @Test func loadBenchLightProversThatSendWrongProofsAreRefused() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-load-test-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: cache) }
        // Every light prover answers with the proof of another input: a valid proof, of the wrong statement.
        let run = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "bench", "load", "--provers", "4", "--wrong-provers", "4", "--rate", "4", "--seconds", "2", "--inputs",
                "1", "--distinct", "4", "--heartbeat-ms", "1000", "--drain-seconds", "3", "--proof-cache", cache.path,
            ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = loadLines(run)
        func metric(_ name: String) -> [String: Any]? { lines.first { $0["metric"] as? String == name } }
        let throughput = metric("throughput")
        #expect(number(throughput, "verified_total") == 0, "\(run.stdout)")
        #expect(number(throughput, "rejected_total") >= 1, "\(run.stdout)")
        #expect(throughput?["sustained"] as? Bool == false)
        let reasons = metric("rejections")?["reasons"] as? [String: Any]
        #expect(
            reasons?.keys.contains { $0.contains("public") || $0.contains("verify") || $0.contains("invalid") } == true,
            "\(run.stdout)")
    }
}
