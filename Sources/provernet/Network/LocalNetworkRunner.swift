import Foundation
import Gateway
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ServiceLifecycle
import Store
import UnixSignals

/// A network on this machine, as `devnet` and `bench network` run it: the gateway in this process (on an
/// embedded SQLite database, development TLS, logging to ROOT/gateway.log) and prover processes, each
/// allowlisted, with its own directory and log.
struct LocalNetworkRunner {
    let server: GatewayServer
    let services: ServiceGroup
    let gatewayTask: Task<Void, any Error>
    let endpoint: GatewayEndpoint
    let children: [Process]
    /// Prover names by prover id.
    let names: [ProverID: String]
    let gatewayLog: URL

    static func start(
        root: URL, configuration base: GatewayConfiguration, provers: Int, threadsPerProver: Int? = nil,
        logLevel: Logger.Level, say: (String) -> Void
    ) async throws -> LocalNetworkRunner {
        let gatewayLog = root.appendingPathComponent("gateway.log")
        FileManager.default.createFile(atPath: gatewayLog.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: gatewayLog)
        LoggingSystem.bootstrap { label in
            var handler = FileLogHandler(label: label, handle: logHandle)
            handler.logLevel = logLevel
            return handler
        }
        var configuration = base
        configuration.developmentTLS = true
        configuration.heartbeatInterval = .seconds(1)
        configuration.roundInterval = .milliseconds(200)
        configuration.drainSeconds = 5
        let (listening, listened) = AsyncStream<Int>.makeStream()
        let server = try badInputExits {
            try GatewayServer(
                configuration: configuration, store: try SQLiteStore(path: configuration.databasePath),
                logger: Logger(label: "provernet.gateway")
            ) { _, port in
                listened.yield(port)
                listened.finish()
            }
        }
        let services = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "provernet.devnet")))
        let gatewayTask = Task { try await services.run() }
        var iterator = listening.makeAsyncIterator()
        guard let port = await iterator.next(), let ca = server.developmentCAPath else {
            gatewayTask.cancel()
            throw failure("the gateway did not start; see \(gatewayLog.path)")
        }
        let endpoint = GatewayEndpoint(host: "127.0.0.1", port: port, caCertificatePath: ca)
        say("gateway    listening on 127.0.0.1:\(port) over TLS (CA \(ca)), database \(configuration.databasePath)")
        let threads = threadsPerProver ?? max(1, ProcessInfo.processInfo.activeProcessorCount / min(provers, 2))
        var children: [Process] = []
        var names: [ProverID: String] = [:]
        for i in 1...max(1, provers) {
            let home = root.appendingPathComponent("prover-\(i)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let keyPath = home.appendingPathComponent("prover.key").path
            let identity = try ProverIdentity.loadOrCreate(at: keyPath)
            try await server.store.allowProver(
                id: identity.proverID, publicKeyHex: identity.publicKey.hex, name: "prover-\(i)", atMillis: Clock.nowMillis())
            names[identity.proverID] = "prover-\(i)"
            let log = home.appendingPathComponent("prover.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ownExecutable())
            process.arguments = [
                "prover", "--gateway", "127.0.0.1:\(port)", "--ca", ca, "--key", keyPath,
                "--data-dir", home.path, "--name", "prover-\(i)", "--slots", "1", "--threads", "\(threads)",
                "--ask", String(format: "%.2f", 0.05 * Double(i)),
            ]
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            children.append(process)
            say("prover-\(i)   pid \(process.processIdentifier), id \(identity.proverID.prefix(12))…, log \(log.path)")
        }
        return LocalNetworkRunner(
            server: server, services: services, gatewayTask: gatewayTask, endpoint: endpoint, children: children,
            names: names, gatewayLog: gatewayLog)
    }

    /// Waits until `count` provers are connected to the gateway.
    func waitForProvers(_ count: Int, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await server.coordinator.connectedProverCount() >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw failure("fewer than \(count) provers connected within \(Int(timeout)) s; see their logs")
    }

    /// Stops the gateway (gracefully) and the provers.
    func stop() async {
        await services.triggerGracefulShutdown()
        _ = try? await gatewayTask.value
        for child in children where child.isRunning { child.terminate() }
        for child in children { child.waitUntilExit() }
    }

    /// The path of the running `provernet` binary, so that provers run the same build.
    static func ownExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments[0]
    }
}

/// A swift-log handler writing to a file.
struct FileLogHandler: LogHandler {
    let label: String
    let handle: FileHandle
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, handle: FileHandle) {
        self.label = label
        self.handle = handle
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = ISO8601DateFormatter().string(from: Date())
        handle.write(Data("\(stamp) \(level) \(label): \(message) \(fields)\n".utf8))
    }
}
