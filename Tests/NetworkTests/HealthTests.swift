import Foundation
import ProverNetTesting
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The health endpoints over real HTTP, as an orchestrator's probes or `curl` see them: a gateway and a
/// prover process, the prover's state following its connection as the gateway stops and comes back.
@Suite(.serialized) struct HealthTests {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.connectionProxyDictionary = [:]
        return URLSession(configuration: configuration)
    }()

    /// GET http://127.0.0.1:PORT/PATH; nil when nothing answers.
    static func get(_ port: Int, _ path: String) async -> (status: Int, body: String)? {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)"),
            let (data, response) = try? await session.data(for: URLRequest(url: url)),
            let http = response as? HTTPURLResponse
        else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// GET /health as a JSON object.
    static func health(_ port: Int) async throws -> [String: Any] {
        guard let (status, body) = await get(port, "/health") else {
            throw NetworkTestError("nothing answers on \(port)")
        }
        #expect(status == 200)
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw NetworkTestError("/health is not a JSON object: \(body)")
        }
        return object
    }

    /// Polls /health until `condition` holds; returns that report.
    static func waitFor(
        _ port: Int, _ what: String, timeout: Double = 20, _ condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        // Asked once more after the deadline: a starved task may wake only after it.
        while true {
            if let report = try? await health(port) {
                if condition(report) { return report }
                last = report
            }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NetworkTestError("\(what) did not happen in \(timeout) s; last report: \(last)")
    }

    static func waitForState(_ port: Int, _ state: String, timeout: Double = 20) async throws -> [String: Any] {
        try await waitFor(port, "state \(state)", timeout: timeout) { $0["state"] as? String == state }
    }

    /// The port a prover's health endpoints listen on, from its log (it calibrates before it serves them).
    static func proverHealthPort(_ network: ProcessNetwork, _ name: String, timeout: Double = 60) async throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        let marker = "health endpoints listening on http://127.0.0.1:"
        while true {
            let log = network.logText(of: name)
            if let range = log.range(of: marker), let port = Int(log[range.upperBound...].prefix { $0.isNumber }) {
                return port
            }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NetworkTestError("the prover did not log its health port; log: \(network.logText(of: name))")
    }

    @Test func theGatewayAndAProverAnswerTheirProbesAndTheProverFollowsItsConnection() async throws {
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--health-port", "0"]))
        let port = await network.port
        let gatewayHealth = try #require(await network.healthPort, "the gateway's first line has no health_port")
        #expect(gatewayHealth != port)

        // The gateway: live, ready, and its details.
        #expect(await Self.get(gatewayHealth, "/livez")?.status == 200)
        let ready = await Self.get(gatewayHealth, "/readyz")
        #expect(ready?.status == 200 && ready?.body == "ok\n")
        #expect(await Self.get(gatewayHealth, "/elsewhere")?.status == 404)
        var report = try await Self.health(gatewayHealth)
        #expect(
            report["state"] as? String == "ready" && report["live"] as? Bool == true && report["ready"] as? Bool == true
        )
        #expect(report["grpc_port"] as? Int == port && report["database"] as? String == "ok")
        #expect(report["draining"] as? Bool == false && (report["version"] as? String)?.isEmpty == false)
        #expect(report["connected_provers"] as? Int == 0 && report["open_requests"] as? Int == 0)
        #expect(report["leased_jobs"] as? Int == 0 && report["pending_jobs"] as? Int == 0)

        // A prover: idle once the gateway welcomes it, and the gateway counts it.
        try await network.startNewProver("prover-h", extra: ["--health-port", "0"])
        let proverHealth = try await Self.proverHealthPort(network, "prover-h")
        report = try await Self.waitForState(proverHealth, "idle")
        #expect(report["connection"] as? String == "connected" && report["gateway"] as? String == "127.0.0.1:\(port)")
        #expect((report["jobs"] as? [Any])?.isEmpty == true && report["free_slots"] as? Int == 1)
        #expect(report["ready"] as? Bool == true && report["live"] as? Bool == true)
        #expect(await Self.get(proverHealth, "/readyz")?.status == 200)
        #expect(await Self.get(proverHealth, "/livez")?.status == 200)
        #expect(try await Self.health(gatewayHealth)["connected_provers"] as? Int == 1)
        // The heartbeat goes out at once after the welcome, then every interval (500 ms here).
        report = try await Self.waitFor(proverHealth, "a heartbeat", timeout: 5) {
            $0["last_heartbeat_seconds_ago"] != nil
        }
        #expect(report["heartbeat_interval_seconds"] as? Double == 0.5)

        // The gateway shuts down: its readiness says draining while it drains, and the prover is disconnected:
        // not ready, still live (reconnecting is its job).
        await network.signalGateway(SIGTERM)
        var sawDraining = false
        let stopDeadline = Date().addingTimeInterval(20)
        while Date() < stopDeadline, let answer = await Self.get(gatewayHealth, "/readyz") {
            if answer.status == 503 && answer.body == "draining\n" { sawDraining = true }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await network.terminateGateway()
        #expect(sawDraining)
        report = try await Self.waitForState(proverHealth, "disconnected")
        #expect(report["ready"] as? Bool == false && report["live"] as? Bool == true)
        #expect(["connecting", "backing_off"].contains(report["connection"] as? String))
        let notReady = await Self.get(proverHealth, "/readyz")
        #expect(notReady?.status == 503 && notReady?.body == "disconnected\n")
        #expect(await Self.get(proverHealth, "/livez")?.status == 200)

        // The gateway comes back on the same port: the prover reconnects and is idle again.
        try await network.startGateway()
        report = try await Self.waitForState(proverHealth, "idle")
        #expect(report["connection"] as? String == "connected" && report["failed_attempts"] as? Int == 0)
        await network.clean()
    }
}
