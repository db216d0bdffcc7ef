import Foundation
import ProverNetTesting
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests and nested suites one after another: these start whole
// networks (and a browser); run beside the other network tests on a two-core machine they slowed one of those to
// 131 s, and it failed once.
extension NetworkTests {
    /// `--log-format json`: a gateway and a prover that log one JSON object per line, with the same metadata
    /// keys as the text format.
    @Suite struct LogFormatTests {
        /// The lines of a log that are JSON objects (the harness writes its own marker lines between starts).
        static func jsonLines(_ log: String) -> [[String: Any]] {
            log.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        @Test func theGatewayAndAProverLogJSONLinesWithTheirMetadata() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--log-format", "json"]))
            try await network.startNewProver("prover-j", extra: ["--log-format", "json"])
            try await network.waitForProvers(1)

            let gatewayLines = Self.jsonLines(network.logText(of: "gateway"))
            let listening = try #require(gatewayLines.first { $0["message"] as? String == "gateway listening" })
            #expect(listening["level"] as? String == "info" && listening["label"] as? String == "provernet.gateway")
            #expect(
                (listening["address"] as? String)?.hasPrefix("127.0.0.1:") == true
                    && listening["tls"] as? String == "on")
            #expect((listening["timestamp"] as? String)?.hasSuffix("Z") == true)
            // Every line the gateway wrote is JSON (none in the text format).
            let gatewayText = network.logText(of: "gateway").split(separator: "\n").filter {
                $0.contains("provernet.gateway") && !$0.hasPrefix("{")
            }
            #expect(gatewayText.isEmpty, "text lines: \(gatewayText)")

            let proverLines = Self.jsonLines(network.logText(of: "prover-j"))
            let calibrated = try #require(proverLines.first { $0["message"] as? String == "calibrated" })
            #expect(calibrated["prover_id"] != nil && calibrated["slots"] as? String == "1")
            // The node's own lines carry its logger's metadata: its prover id.
            #expect(proverLines.contains { ($0["prover"] as? String)?.isEmpty == false })
            await network.clean()
        }

        @Test func anUnknownLogFormatIsRefused() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "provernet-logformat-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try CommandRun.run(
                BuiltBinary.provernet, ["gateway", "--data-dir", directory.path, "--dev-tls", "--log-format", "xml"])
            #expect(
                run.status == 2 && run.stderr.contains("log format 'xml' is not one of text, json"), "\(run.stderr)")
        }
    }
}
