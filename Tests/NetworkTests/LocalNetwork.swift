import Foundation
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import TestSupport
import Testing

/// A network of real processes on loopback for a test: `provernet gateway` with development TLS, and
/// `provernet prover` processes, each with its own directory; everything is killed when the test ends.
final class LocalNetwork: @unchecked Sendable {
    static let binary: URL = BuiltBinary.provernet

    let root: URL
    let gatewayDirectory: URL
    let gatewayArguments: [String]
    private(set) var gateway: Process?
    private(set) var provers: [String: Process] = [:]
    private(set) var port = 0
    /// The port of the gateway's health endpoints, when it was started with `--health-port`.
    private(set) var healthPort: Int?

    init(gatewayArguments: [String] = []) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-net-\(UUID().uuidString.prefix(8))")
        gatewayDirectory = root.appendingPathComponent("gateway")
        self.gatewayArguments = gatewayArguments
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try startGateway(port: 0, log: "gateway.log")
    }

    /// Starts the gateway on `port` (0: a free one) and reads the port it reports.
    private func startGateway(port requested: Int, log name: String) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "gateway", "--data-dir", gatewayDirectory.path, "--port", "\(requested)", "--dev-tls", "--heartbeat-ms", "500",
            "--round-interval-ms", "100", "--drain-seconds", "2",
        ] + gatewayArguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try Self.logHandle(root.appendingPathComponent(name))
        try process.run()
        gateway = process
        // The first line on standard output says where it listens.
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self)
        func number(_ key: String) -> Int? {
            guard let range = line.range(of: "\"\(key)\":") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        guard let port = number("port") else {
            stop()
            throw NetworkTestError("the gateway did not report its port: \(line); log: \(log(name))")
        }
        self.port = port
        healthPort = number("health_port")
    }

    /// Stops the gateway gracefully (SIGTERM) and waits for it to exit; the provers keep running.
    func stopGateway() {
        guard let gateway else { return }
        if gateway.isRunning { gateway.terminate() }
        gateway.waitUntilExit()
        self.gateway = nil
    }

    /// Starts the gateway again on the same port and data directory (its log is `log`).
    func restartGateway(log: String = "gateway-restarted.log") throws {
        stopGateway()
        try startGateway(port: port, log: log)
    }

    deinit { stop() }

    var caPath: String { gatewayDirectory.appendingPathComponent("tls/ca.pem").path }
    var endpoint: GatewayEndpoint { GatewayEndpoint(host: "127.0.0.1", port: port, caCertificatePath: caPath) }

    static func logHandle(_ url: URL) throws -> FileHandle {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        return try FileHandle(forWritingTo: url)
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)) ?? "(no \(name))"
    }

    /// Runs the CLI to completion.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Makes a prover key; allowlists it unless `allow` is false. Returns the key path and prover id.
    func makeProverKey(_ name: String, allow: Bool = true) throws -> (key: String, id: String) {
        let key = root.appendingPathComponent("\(name).key").path
        let created = try Self.run(["prover", "key", "--key", key])
        let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String]
        guard let publicKey = object?["public_key"], let id = object?["prover_id"] else {
            throw NetworkTestError("prover key printed \(created.stdout) \(created.stderr)")
        }
        if allow {
            let allowed = try Self.run([
                "admin", "allow-prover", "--data-dir", gatewayDirectory.path, "--public-key", publicKey, "--name", name,
            ])
            guard allowed.status == 0 else { throw NetworkTestError("allow-prover failed: \(allowed.stderr)") }
        }
        return (key, id)
    }

    /// Starts a prover process (its log is NAME.log).
    @discardableResult
    func startProver(_ name: String, key: String, extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "prover", "--gateway", "127.0.0.1:\(port)", "--ca", caPath, "--key", key,
            "--data-dir", root.appendingPathComponent(name).path, "--name", name, "--slots", "1", "--threads", "1",
        ] + extra
        let handle = try Self.logHandle(root.appendingPathComponent("\(name).log"))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        provers[name] = process
        return process
    }

    /// Waits until the gateway lists `count` connected provers.
    func waitForProvers(_ count: Int, timeout: Double = 120) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let listed = try Self.run(["admin", "provers", "--gateway", "127.0.0.1:\(port)", "--ca", caPath])
            if listed.stdout.components(separatedBy: "\"connected\":true").count - 1 >= count { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw NetworkTestError("fewer than \(count) provers connected in \(timeout) s")
    }

    func stop() {
        for process in provers.values where process.isRunning { process.terminate() }
        for process in provers.values { process.waitUntilExit() }
        provers = [:]
        stopGateway()
    }

    /// Removes the directory (call at the end of a passing test; a failing one keeps its logs).
    func clean() {
        stop()
        try? FileManager.default.removeItem(at: root)
    }
}

struct NetworkTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Synthetic inputs {"x": …, "y": …}.
func syntheticInputs(_ count: Int, offset: Int = 0) -> [String] {
    (0..<count).map { "{\"x\": \"\($0 + 3 + offset)\", \"y\": \"\($0 * 7 + 11)\"}" }
}
