import Ethereum
import Foundation
import Gateway
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ServiceLifecycle
import Store
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A network on this machine as `provernet devnet` and `provernet bench network` run it: the gateway in
/// this process (on an embedded SQLite database, development TLS, logging to ROOT/gateway.log) and prover
/// processes started as `ChildProcess`es, as `ProcessNetwork` starts them, each allowlisted in the
/// gateway's own store, with its own directory and log.
public struct InProcessNetwork: Sendable {
    /// The gateway running in this process.
    public let server: GatewayServer
    let services: ServiceGroup
    /// The gateway's services, running until a signal or `stop()`.
    public let gatewayTask: Task<Void, any Error>
    /// Where the gateway listens, and the CA to trust, presenting the client key.
    public let endpoint: GatewayEndpoint
    /// The network's API keys (`ROOT/keys`): admin (with its TOTP secret), client and viewer.
    public let keys: DevelopmentKeys
    let children: [ChildProcess]
    /// Prover names by prover id.
    public let names: [ProverID: String]
    /// The gateway's log file.
    public let gatewayLog: URL
    /// Each prover's log file, by name.
    public let proverLogs: [String: URL]

    /// Starts the gateway in this process with `base` (development TLS and short intervals on top), then
    /// `provers` prover processes of `executable` (`provernet`) with `proverArguments` added, telling `say`
    /// what it started. `http`, if given, makes a service that runs beside the gateway (its HTTP
    /// endpoints), started before it and stopped after it. `store`, if given, is the gateway's store (a
    /// PostgreSQL one, say); by default it is SQLite in the configuration's data directory.
    public static func start(
        root: URL, executable: URL, configuration base: GatewayConfiguration, proofSystems: ProofSystemRegistry,
        store given: (any GatewayStore)? = nil, provers: Int,
        threadsPerProver: Int? = nil, logLevel: Logger.Level, proverArguments: [String] = [],
        http: (@Sendable (GatewayServer) throws -> any Service)? = nil, operatorKey: PrivateKey? = nil,
        say: (String) -> Void
    ) async throws(HarnessError) -> InProcessNetwork {
        let gatewayLog = root.appendingPathComponent("gateway.log")
        let logHandle: FileHandle
        do {
            _ = FileManager.default.createFile(atPath: gatewayLog.path, contents: nil)
            logHandle = try FileHandle(forWritingTo: gatewayLog)
        } catch {
            throw .file(path: gatewayLog.path, reason: "cannot create the gateway's log: \(error)")
        }
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
        let server: GatewayServer
        let keys: DevelopmentKeys
        do {
            let store = try given ?? SQLiteStore(path: configuration.databasePath)
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            keys = try await DevelopmentKeys.make(
                store: store, dataDirectory: configuration.dataDirectory,
                directory: root.appendingPathComponent("keys").path)
            server = try GatewayServer(
                configuration: configuration, store: store,
                proofSystems: proofSystems, logger: Logger(label: "provernet.gateway")
            ) { _, port in
                listened.yield(port)
                listened.finish()
            }
        } catch {
            throw .gatewayDidNotStart(reason: "\(error)")
        }
        var list: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let http {
            do {
                list.append(.init(service: try http(server)))
            } catch {
                throw .gatewayDidNotStart(reason: "its HTTP endpoints: \(error)")
            }
        }
        list.append(.init(service: server))
        let services = ServiceGroup(
            configuration: .init(
                services: list, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "provernet.devnet")))
        let gatewayTask = Task { try await services.run() }
        var iterator = listening.makeAsyncIterator()
        guard let port = await iterator.next(), let ca = server.developmentCAPath else {
            gatewayTask.cancel()
            throw .gatewayDidNotStart(reason: "the gateway did not start; see \(gatewayLog.path)")
        }
        let endpoint = GatewayEndpoint(host: "127.0.0.1", port: port, caCertificatePath: ca, apiKey: keys.client)
        say(
            "gateway    listening on 127.0.0.1:\(port) over TLS (CA \(ca)), database "
                + (given == nil ? configuration.databasePath : "given by the caller"))
        if let operatorKey {
            try await registerOperator(operatorKey, server: server, say: say)
        }
        let threads = threadsPerProver ?? max(1, ProcessInfo.processInfo.activeProcessorCount / min(provers, 2))
        var children: [ChildProcess] = []
        var names: [ProverID: String] = [:]
        var logs: [String: URL] = [:]
        var authorizations: [String: String] = [:]
        for i in 1...max(1, provers) {
            let name = "prover-\(i)"
            let home = root.appendingPathComponent(name)
            let keyPath = home.appendingPathComponent("prover.key").path
            let identity: ProverIdentity
            do {
                try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
                identity = try ProverIdentity.loadOrCreate(at: keyPath)
                if let operatorKey {
                    // Its operator's EIP-712 authorization, presented in its hello, instead of an allowlisting.
                    let path = home.appendingPathComponent("authorization.json")
                    try Data(
                        try ProverAuthorization(
                            operator: operatorKey.address, proverKey: identity.publicKey,
                            network: configuration.operators.network,
                            expiresAt: UInt64(Date().timeIntervalSince1970) + 30 * 86_400,
                            nonce: UInt64.random(in: 1..<(1 << 53))
                        ).signed(with: operatorKey).json().utf8
                    ).write(to: path)
                    authorizations[name] = path.path
                } else {
                    _ = try await server.store.allowProver(
                        id: identity.proverID, publicKeyHex: identity.publicKey.hex, name: name,
                        atMillis: Clock.nowMillis())
                }
            } catch {
                throw .file(path: keyPath, reason: "cannot make or allowlist the key of \(name): \(error)")
            }
            names[identity.proverID] = name
            let log = home.appendingPathComponent("prover.log")
            let arguments =
                ProverArguments(
                    gateway: "127.0.0.1:\(port)", caPath: ca, keyPath: keyPath, dataDirectory: home.path, name: name,
                    threads: threads
                ).arguments + ["--ask", String(format: "%.2f", 0.05 * Double(i))] + proverArguments
                + (authorizations[name].map { ["--authorization", $0] } ?? [])
            let child = try ChildProcess.start(name: name, executable: executable, arguments: arguments, log: log)
            children.append(child)
            logs[name] = log
            say("\(name)   pid \(child.pid), id \(identity.proverID.prefix(12))…, log \(log.path)")
        }
        return InProcessNetwork(
            server: server, services: services, gatewayTask: gatewayTask, endpoint: endpoint, keys: keys,
            children: children,
            names: names, gatewayLog: gatewayLog, proverLogs: logs)
    }

    /// The stake the devnet's operator is registered with (at least the network's minimum): enough to bond
    /// ten thousand credits' worth of jobs at the default bond policy.
    public static let devnetStake = UInt256(10_000)

    /// Allowlists the operator and, with the standalone registry, records its stake: `devnetStake` or the
    /// network's minimum, whichever is larger (on EigenLayer its registration and stake are the chain's).
    static func registerOperator(_ key: PrivateKey, server: GatewayServer, say: (String) -> Void)
        async throws(HarnessError)
    {
        guard let operators = server.operators else {
            throw .gatewayDidNotStart(reason: "the gateway's store keeps no operators")
        }
        let address = key.address
        let stake = max(devnetStake, operators.policy.minimumStake)
        let standalone = operators.policy.source == .standalone
        do {
            _ = try await operators.store.allowOperator(
                address: address.lowercased, name: "devnet-operator", atMillis: Clock.nowMillis())
            if standalone {
                try await operators.store.setOperatorStake(
                    address: address.lowercased, stake: stake.description, atMillis: Clock.nowMillis())
            }
        } catch {
            throw .database(path: server.configuration.databasePath, reason: "cannot register the operator: \(error)")
        }
        let status = await operators.refresh(address)
        let registry =
            standalone
            ? "registered in the standalone registry (stake \(stake))"
            : "allowlisted; EigenLayer registry: \(status)"
        say(
            "operator   \(address.checksummed) \(registry); it authorized each prover's key (EIP-712) for network "
                + "'\(operators.policy.network)'")
    }

    /// The port of each prover's HTTP endpoints (started with `--health-port`), from its log: those that
    /// logged one within `timeout` seconds (a prover calibrates before it serves them).
    public func proverHTTPPorts(timeout: Double) async -> [String: Int] {
        let marker = "health endpoints listening on http://"
        let deadline = Date().addingTimeInterval(timeout)
        var ports: [String: Int] = [:]
        while true {
            for (name, log) in proverLogs where ports[name] == nil {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                guard let range = text.range(of: marker) else { continue }
                let address = text[range.upperBound...].prefix { !$0.isWhitespace }
                if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
                    ports[name] = port
                }
            }
            if ports.count == proverLogs.count || Date() >= deadline { return ports }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits until `count` provers are connected to the gateway.
    public func waitForProvers(_ count: Int, timeout: Double) async throws(HarnessError) {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if await server.coordinator.connectedProverCount() >= count { return }
            if Date() >= deadline { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw .tooFewProvers(count: count, seconds: timeout)
    }

    /// Stops the gateway (gracefully) and the provers (SIGTERM, and waits for them).
    public func stop() async {
        await services.triggerGracefulShutdown()
        _ = try? await gatewayTask.value
        for child in children { child.signal(SIGTERM) }
        for child in children {
            if !(await child.waitForExit(timeout: .seconds(60))) { await child.killAndWait() }
        }
    }
}
