import Foundation
import Gateway
import Logging
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import Store
import StorePostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A network of real `provernet` processes on loopback, as a user runs it: `provernet gateway` with
/// development TLS and `provernet prover` processes, each with its own key, data directory and log under
/// one directory. The gateway can be killed and started again on the same port and data directory;
/// provers killed (with their workers), paused, resumed, stopped gracefully and started again with the
/// same key and data directory. Every process is killed by `stopAll()` (and, as a last resort, when the
/// network is released). The chaos runner, `Tests/NetworkTests` and `Tests/ChaosTests` use it.
public actor ProcessNetwork {
    /// How the processes are started. The defaults make faults show quickly: a lease lasts
    /// `leaseHeartbeats` × `heartbeatMillis` = 2 s.
    public struct Settings: Sendable {
        /// The provers' heartbeat interval, which the gateway announces.
        public var heartbeatMillis = 500
        /// Heartbeats a lease survives without one.
        public var leaseHeartbeats = 4
        /// The longest time between two market rounds.
        public var roundIntervalMillis = 100
        /// How long a gateway's graceful shutdown waits for running jobs.
        public var gatewayDrainSeconds = 2.0
        /// How long a prover's graceful shutdown lets its running jobs finish.
        public var proverDrainSeconds = 5.0
        /// log₂ of the size of the proof a prover times at start: small, so that a restarted prover is
        /// back quickly.
        public var calibrationLog2Size = 10
        /// More `provernet gateway` arguments.
        public var gatewayArguments: [String] = []
        /// The gateway's PostgreSQL database (`--database postgres://…`), or nil for SQLite in its data directory:
        /// the harness makes the keys and allowlists provers offline in the same database.
        public var database: String?
        /// The API keys' limits (`provernet gateway` arguments): high by default, so that tests and the chaos
        /// runner are not held back by them; a test of the limits sets its own.
        public var keyLimitArguments = [
            "--key-calls-per-second", "100000", "--key-call-burst", "100000", "--key-submissions-per-second",
            "100000", "--key-submission-burst", "100000",
        ]
        /// The address the gateway listens on (`--host`; default 127.0.0.1). Provers and clients reach it
        /// there, or at 127.0.0.1 when it listens on every address (0.0.0.0).
        public var host = "127.0.0.1"
        /// Whether the gateways check the ledger's invariants after every transaction that moves money
        /// (`PROVERNET_VERIFY_LEDGER=1`): on for tests and the chaos runner, off for a bench.
        public var verifiesLedger = true

        /// Where provers and clients reach the gateway.
        var reachableHost: String { host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host }

        /// How long a lease lasts without a heartbeat, in milliseconds.
        public var leaseMillis: Int { heartbeatMillis * leaseHeartbeats }

        /// The defaults, with more `provernet gateway` arguments.
        public init(gatewayArguments: [String] = [], database: String? = nil) {
            self.gatewayArguments = gatewayArguments
            self.database = database
        }
    }

    /// A prover of the network, running or not.
    struct Prover: Sendable {
        let name: String
        let id: ProverID
        let keyPath: String
        let directory: URL
        /// `HOST:PORT` the prover connects to instead of the gateway's own (a forwarder), if any.
        var address: String?
        /// More `provernet prover` arguments (`--ask 0.5`).
        var arguments: [String]
        var process: ChildProcess?
        var starts = 0
    }

    /// The directory that holds every process's directory and log.
    public nonisolated let root: URL
    /// The `provernet` binary that every process runs.
    public nonisolated let executable: URL
    /// How its processes are started.
    public nonisolated let settings: Settings
    let logger: Logger
    /// The gateway's data directory.
    public nonisolated let gatewayDirectory: URL
    private(set) var gateway: ChildProcess?
    /// The gateway's port: 0 until its first start, then the same on every restart.
    public private(set) var port = 0
    /// The port of the gateway's health endpoints, when its arguments ask for them (`--health-port 0`).
    public private(set) var healthPort: Int?
    private(set) var gatewayStarts = 0
    private var provers: [String: Prover] = [:]
    /// The other gateways on the network's PostgreSQL database, by name (`ProcessNetwork+Peers.swift`).
    var peers: [String: PeerGateway] = [:]
    /// The network's API keys (admin with its TOTP secret, client, viewer), made before the gateway's first
    /// start, in `root/keys`.
    public private(set) var keys: DevelopmentKeys?
    /// The last TOTP time step whose code this harness handed out: each code is accepted once.
    private var lastOneTimeStep: Int64 = -1

    /// A network whose files go under `root`, running `executable` (`provernet`). Nothing starts yet.
    public init(root: URL, executable: URL, settings: Settings = .init(), logger: Logger) {
        self.root = root
        self.executable = executable
        self.settings = settings
        self.logger = logger
        self.gatewayDirectory = root.appendingPathComponent("gateway", isDirectory: true)
    }

    /// A network in a fresh directory under the temporary directory (`provernet-net-XXXXXXXX`), its gateway
    /// started: what a test wants. `clean()` removes it.
    public static func started(
        executable: URL, settings: Settings = .init(), logger: Logger = Logger(label: "provernet.testing")
    ) async throws(HarnessError) -> ProcessNetwork {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-net-\(UUID().uuidString.prefix(8))", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .file(path: root.path, reason: "cannot create the network's directory: \(error)")
        }
        let network = ProcessNetwork(root: root, executable: executable, settings: settings, logger: logger)
        try await network.startGateway()
        return network
    }

    /// Kills what is still running when nobody called `stopAll()` (a test that threw half-way).
    deinit {
        gateway?.signalTree(SIGKILL)
        for peer in peers.values { peer.process?.signalTree(SIGKILL) }
        for prover in provers.values { prover.process?.signalTree(SIGKILL) }
    }

    /// The CA certificate of the gateway's development TLS.
    public var caPath: String { gatewayDirectory.appendingPathComponent("tls/ca.pem").path }
    /// The gateway's SQLite database.
    public var databasePath: String { gatewayDirectory.appendingPathComponent("gateway.sqlite").path }
    /// Where the gateway listens (once started), with its CA, presenting the admin key (which may call
    /// everything; changes also need `oneTimeCode()`).
    public var endpoint: GatewayEndpoint {
        GatewayEndpoint(host: settings.reachableHost, port: port, caCertificatePath: caPath, apiKey: keys?.admin)
    }
    /// The same, presenting the client key.
    public var clientEndpoint: GatewayEndpoint { endpoint.presenting(keys?.client) }
    /// The same, presenting the viewer key.
    public var viewerEndpoint: GatewayEndpoint { endpoint.presenting(keys?.viewer) }

    /// A one-time code of the admin key that has not been used: the current step's, or, when that was
    /// handed out already, the next one (accepted one step early), waiting for a later step if need be; the
    /// previous step's first, while it has at least 15 s to live (a code handed out at the last moment could
    /// lapse before it is used on a busy machine).
    public func oneTimeCode() async -> String {
        let totp = TOTP(secret: keys?.adminTOTP ?? [])
        while true {
            let now = Clock.nowMillis() / 1000
            let current = totp.step(atUnixSeconds: now)
            // The previous step's code too, while it has at least 15 s to live (until the current step ends).
            let earliest = now % totp.period < 15 ? current - 1 : current
            let step = max(earliest, lastOneTimeStep + 1)
            if step <= current + 1 {
                lastOneTimeStep = step
                return totp.code(step: step)
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    /// The gateway's store, opened while no gateway runs (the caller holds the data directory's lock): its
    /// SQLite file, or its PostgreSQL database, whose one writer the harness is meanwhile.
    private func openOffline() async throws -> any GatewayStore {
        if let database = settings.database {
            return try await PostgresStore.open(url: database, writer: "provernet test harness (offline)")
        }
        return try SQLiteStore(path: databasePath)
    }

    /// Makes the network's keys in the gateway's database (offline, before its first start).
    private func makeKeysIfNeeded() async throws(HarnessError) {
        guard keys == nil else { return }
        do {
            guard let lock = try DataDirectoryLock.acquire(dataDirectory: gatewayDirectory.path) else {
                throw HarnessError.database(path: databasePath, reason: "a gateway holds its data directory")
            }
            defer { withExtendedLifetime(lock) {} }
            let store = try await openOffline()
            keys = try await DevelopmentKeys.make(
                store: store, dataDirectory: gatewayDirectory.path, directory: root.appendingPathComponent("keys").path)
            try await store.close()
        } catch let error as HarnessError {
            throw error
        } catch {
            throw .database(path: databasePath, reason: "cannot make the network's keys: \(error)")
        }
    }
    /// The gateway's log: every start appends to it after a marker line.
    public var gatewayLog: URL { root.appendingPathComponent("gateway.log") }

    // MARK: The gateway

    /// Starts the gateway: the first time on a free port, which it reports on its first line of output;
    /// after that on the same port, retrying while the port is still held by the process that died.
    public func startGateway(timeout: Duration = .seconds(60)) async throws(HarnessError) {
        if let gateway, gateway.isRunning { return }
        // The keys first, outside the start's time limit: a database made on a busy disk can take a while.
        do {
            try FileManager.default.createDirectory(at: gatewayDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: gatewayDirectory.path, reason: "cannot create the gateway's directory: \(error)")
        }
        try await makeKeysIfNeeded()
        let deadline = ContinuousClock.now + timeout
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await startGatewayOnce(deadline: deadline, seconds: Self.seconds(timeout))
                return
            } catch {
                // A restart on a port that the dead gateway's sockets still hold: try again shortly.
                guard port != 0, attempt < 20, ContinuousClock.now < deadline else { throw error }
                logger.warning(
                    "gateway did not start; trying again", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    private func startGatewayOnce(deadline: ContinuousClock.Instant, seconds: Double) async throws(HarnessError) {
        do {
            try FileManager.default.createDirectory(at: gatewayDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: gatewayDirectory.path, reason: "cannot create the gateway's directory: \(error)")
        }
        let offset = Self.size(of: gatewayLog)
        let arguments =
            ["gateway", "--data-dir", gatewayDirectory.path, "--port", "\(port)", "--dev-tls"] + commonGatewayArguments
        // The test networks' gateways check the ledger's invariants after every transaction (docs/economics.md).
        let process = try ChildProcess.start(
            name: "gateway", executable: executable, arguments: arguments, log: gatewayLog,
            environment: ["PROVERNET_VERIFY_LEDGER": settings.verifiesLedger ? "1" : "0"])
        gateway = process
        gatewayStarts += 1
        // Its first line on standard output: {"event":"listening","host":…,"port":N}. The log is read once
        // more after the deadline: a test process whose cooperative threads were all busy (2 cores, CPU-bound
        // tests beside it) may wake from its sleep only after the deadline, long after the line came.
        while true {
            if let listening = Self.listeningPort(in: gatewayLog, from: offset) {
                port = listening
                healthPort = Self.listeningNumber("health_port", in: gatewayLog, from: offset)
                logger.info(
                    "gateway listening",
                    metadata: ["port": "\(port)", "pid": "\(process.pid)", "start": "\(gatewayStarts)"])
                return
            }
            if !process.isRunning || ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await process.killAndWait()
        throw .gatewayDidNotListen(
            seconds: seconds, log: gatewayLog.path, tail: Self.tail(of: gatewayLog, from: offset, lines: 15))
    }

    /// The arguments of every gateway of the network (the first and its peers), after its data directory, port and
    /// TLS.
    var commonGatewayArguments: [String] {
        [
            "--host", settings.host,
            "--heartbeat-ms", "\(settings.heartbeatMillis)", "--lease-heartbeats", "\(settings.leaseHeartbeats)",
            "--round-interval-ms", "\(settings.roundIntervalMillis)", "--drain-seconds",
            "\(settings.gatewayDrainSeconds)",
        ] + settings.keyLimitArguments + (settings.database.map { ["--database", $0] } ?? [])
            + settings.gatewayArguments
    }

    /// SIGKILLs the gateway and waits for it to be gone.
    public func killGateway() async {
        guard let gateway else { return }
        logger.notice("killing the gateway (SIGKILL)", metadata: ["pid": "\(gateway.pid)"])
        await gateway.killAndWait()
    }

    /// Freezes the gateway (SIGSTOP): it holds its sockets but handles nothing.
    public func pauseGateway() {
        guard let gateway else { return }
        logger.notice("pausing the gateway (SIGSTOP)", metadata: ["pid": "\(gateway.pid)"])
        gateway.signal(SIGSTOP)
    }

    /// Sends `signal` to the gateway alone (SIGTERM to start its graceful shutdown without waiting for it).
    public func signalGateway(_ signal: Int32) {
        gateway?.signal(signal)
    }

    /// Asks the gateway to shut down gracefully (SIGTERM) and waits for it; returns how it ended.
    @discardableResult
    public func terminateGateway(timeout: Duration = .seconds(30)) async throws(HarnessError) -> String {
        guard let gateway else { return "not running" }
        logger.notice("stopping the gateway gracefully (SIGTERM)", metadata: ["pid": "\(gateway.pid)"])
        gateway.signal(SIGTERM)
        guard await gateway.waitForExit(timeout: timeout) else {
            throw .didNotExit(
                process: "the gateway", signal: "SIGTERM", seconds: Self.seconds(timeout), log: gatewayLog.path)
        }
        return gateway.exitDescription
    }

    public var gatewayIsRunning: Bool { gateway?.isRunning ?? false }

    // MARK: Provers

    /// Makes keys for provers and allowlists them, as an operator does with `provernet admin allow-prover`:
    /// through the running gateway's admin service with the admin key and a one-time code, or, before the gateway's
    /// first start (or while it is down), in its database directly, holding the data directory's lock.
    /// Each prover's data directory and log are named after it. With `allow` false the keys are made but
    /// not allowlisted (a stranger).
    public func addProvers(
        _ names: [String], arguments: [String: [String]] = [:], allow: Bool = true
    ) async throws(HarnessError) {
        do {
            try FileManager.default.createDirectory(at: gatewayDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: gatewayDirectory.path, reason: "cannot create the gateway's directory: \(error)")
        }
        var identities: [(name: String, identity: ProverIdentity)] = []
        for name in names {
            let directory = root.appendingPathComponent(name, isDirectory: true)
            let keyPath = root.appendingPathComponent("\(name).key").path
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let identity = try ProverIdentity.loadOrCreate(at: keyPath)
                identities.append((name, identity))
                provers[name] = Prover(
                    name: name, id: identity.proverID, keyPath: keyPath, directory: directory, address: nil,
                    arguments: arguments[name] ?? [])
            } catch {
                throw .file(path: keyPath, reason: "cannot make the key of \(name): \(error)")
            }
        }
        guard allow, !identities.isEmpty else { return }
        if gatewayIsRunning {
            try await allowThroughGateway(identities)
        } else {
            try await allowOffline(identities)
        }
    }

    /// Allowlists through the running gateway's `AllowProver` call.
    private func allowThroughGateway(_ identities: [(name: String, identity: ProverIdentity)])
        async throws(HarnessError)
    {
        do {
            for (name, identity) in identities {
                // Each change its own code, taken just before it: a code taken early may be stale by its turn.
                let code = await oneTimeCode()
                try await ProverNetClient.withClient(endpoint: endpoint) { client in
                    _ = try await client.allowProver(publicKey: identity.publicKey, name: name, otp: code)
                }
            }
        } catch {
            throw .call("AllowProver", reason: "\(error)")
        }
    }

    /// Allowlists in the database of a gateway that is not running, holding its data directory's lock.
    private func allowOffline(_ identities: [(name: String, identity: ProverIdentity)]) async throws(HarnessError) {
        do {
            guard let lock = try DataDirectoryLock.acquire(dataDirectory: gatewayDirectory.path) else {
                throw HarnessError.database(path: databasePath, reason: "a gateway holds its data directory")
            }
            defer { withExtendedLifetime(lock) {} }
            let store = try await openOffline()
            for (name, identity) in identities {
                _ = try await store.allowProver(
                    id: identity.proverID, publicKeyHex: identity.publicKey.hex, name: name, atMillis: Clock.nowMillis()
                )
            }
            try await store.close()
        } catch let error as HarnessError {
            throw error
        } catch {
            throw .database(path: databasePath, reason: "\(error)")
        }
    }

    /// Makes a prover connect through `address` (a forwarder) from its next start on.
    public func route(_ name: String, through address: String) throws(HarnessError) {
        guard provers[name] != nil else { throw .unknownProver(name) }
        provers[name]?.address = address
    }

    /// Starts a prover (again, after a kill or a graceful stop: same key, same data directory), with
    /// `extra` arguments after those given to `addProvers`; returns its process.
    @discardableResult
    public func startProver(_ name: String, extra: [String] = []) throws(HarnessError) -> ChildProcess {
        guard var prover = provers[name] else { throw .unknownProver(name) }
        if let process = prover.process, process.isRunning { return process }
        let arguments =
            ProverArguments(
                gateway: prover.address ?? "\(settings.reachableHost):\(port)", caPath: caPath, keyPath: prover.keyPath,
                dataDirectory: prover.directory.path, name: name
            ).arguments
            + [
                "--drain-seconds", "\(settings.proverDrainSeconds)",
                "--calibration-log2-size", "\(settings.calibrationLog2Size)",
            ] + prover.arguments + extra
        let process = try ChildProcess.start(
            name: name, executable: executable, arguments: arguments, log: log(of: name))
        prover.process = process
        prover.starts += 1
        provers[name] = prover
        logger.info(
            "prover started", metadata: ["prover": "\(name)", "pid": "\(process.pid)", "start": "\(prover.starts)"])
        return process
    }

    /// SIGKILLs a prover and its worker processes, as when its machine dies, and waits for it.
    public func killProver(_ name: String) async throws(HarnessError) {
        guard let prover = provers[name] else { throw .unknownProver(name) }
        guard let process = prover.process, process.isRunning else { return }
        logger.notice(
            "killing a prover and its workers (SIGKILL)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        await process.killAndWait()
    }

    /// Freezes a prover's node process (SIGSTOP), not its workers: it sends nothing, not even heartbeats,
    /// while its connection stays open.
    public func pauseProver(_ name: String) throws(HarnessError) {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice("pausing a prover (SIGSTOP)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGSTOP)
    }

    /// Lets a paused prover go on (SIGCONT).
    public func resumeProver(_ name: String) throws(HarnessError) {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice("resuming a prover (SIGCONT)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGCONT)
    }

    /// Asks a prover to shut down gracefully (SIGTERM), waits for it and returns how it ended.
    public func terminateProver(_ name: String, timeout: Duration = .seconds(30)) async throws(HarnessError) -> String {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice(
            "stopping a prover gracefully (SIGTERM)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGTERM)
        guard await process.waitForExit(timeout: timeout) else {
            throw .didNotExit(process: name, signal: "SIGTERM", seconds: Self.seconds(timeout), log: log(of: name).path)
        }
        return process.exitDescription
    }

    /// The names of the provers, in order.
    public var proverNames: [String] { provers.keys.sorted() }

    /// The id of a named prover.
    public func proverID(_ name: String) throws(HarnessError) -> ProverID {
        guard let prover = provers[name] else { throw .unknownProver(name) }
        return prover.id
    }

    /// The prover's name for an id (the id's first digits for one this network does not know).
    public func name(of id: ProverID?) -> String {
        guard let id else { return "nobody" }
        return provers.values.first { $0.id == id }?.name ?? String(id.prefix(12))
    }

    /// Names by prover id.
    public var namesByID: [ProverID: String] {
        Dictionary(uniqueKeysWithValues: provers.values.map { ($0.id, $0.name) })
    }

    /// Whether the named prover's process runs.
    public func isRunning(_ name: String) -> Bool { provers[name]?.process?.isRunning ?? false }

    /// The log of a process of the network (`gateway`, a prover's name).
    public nonisolated func log(of name: String) -> URL { root.appendingPathComponent("\(name).log") }

    /// The text of a process's log, or "(no log)" when it has none.
    public nonisolated func logText(of name: String) -> String {
        (try? String(contentsOf: log(of: name), encoding: .utf8)) ?? "(no log \(log(of: name).path))"
    }

    /// The key file of a named prover.
    public func keyPath(of name: String) throws(HarnessError) -> String {
        guard let prover = provers[name] else { throw .unknownProver(name) }
        return prover.keyPath
    }

    /// Waits until the gateway lists every named prover as connected.
    public func waitForProvers(_ names: [String], timeout: Duration = .seconds(60)) async throws(HarnessError) {
        let ids = try names.map { (name) throws(HarnessError) -> ProverID in try proverID(name) }
        let deadline = ContinuousClock.now + timeout
        var connected: Set<ProverID> = []
        // Asked once more after the deadline (a starved task may wake only after it).
        while true {
            connected = (try? await Self.connectedProvers(endpoint)) ?? []
            if ids.allSatisfy(connected.contains) { return }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw .proversNotConnected(
            expected: names, connected: connected.map { name(of: $0) }.sorted(), seconds: Self.seconds(timeout),
            directory: root.path)
    }

    /// The provers the gateway lists as connected, through its admin service.
    public static func connectedProvers(_ endpoint: GatewayEndpoint) async throws -> Set<ProverID> {
        try await ProverNetClient.withClient(endpoint: endpoint) { client in
            Set(try await client.listProvers().filter(\.connected).map(\.id))
        }
    }

    // MARK: The end

    /// Lets every paused process go on (SIGCONT), so that a scenario that stopped half-way leaves none
    /// frozen while its requests are waited for.
    public func resumeAll() {
        gateway?.signal(SIGCONT)
        for peer in peers.values { peer.process?.signal(SIGCONT) }
        for prover in provers.values { prover.process?.signal(SIGCONT) }
    }

    /// Kills every process of the network (and the provers' workers) and waits for them.
    public func stopAll() async {
        for prover in provers.values {
            if let process = prover.process { await process.killAndWait() }
        }
        if let gateway { await gateway.killAndWait() }
        for peer in peers.values {
            if let process = peer.process { await process.killAndWait() }
        }
    }

    /// Kills every process and removes the network's directory (at the end of a passing test; a failing
    /// one keeps its logs by not calling it).
    public func clean() async {
        await stopAll()
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: Logs

    /// The size of a file, 0 if it cannot be read.
    public static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }

    /// The text of a log from a byte offset.
    public static func text(of url: URL, from offset: UInt64 = 0) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// The last `lines` lines of a log after `offset`.
    public static func tail(of url: URL, from offset: UInt64 = 0, lines: Int) -> String {
        text(of: url, from: offset).split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
            .joined(separator: "\n")
    }

    /// The port of the gateway's `{"event":"listening",…,"port":N}` line, if the log has one after `offset`.
    static func listeningPort(in log: URL, from offset: UInt64) -> Int? {
        listeningNumber("port", in: log, from: offset)
    }

    /// A positive number of the gateway's `{"event":"listening",…}` line after `offset` (`port`, `health_port`).
    static func listeningNumber(_ key: String, in log: URL, from offset: UInt64) -> Int? {
        for line in text(of: log, from: offset).split(separator: "\n") where line.hasPrefix("{\"event\":\"listening\"")
        {
            guard let range = line.range(of: "\"\(key)\":") else { continue }
            if let number = Int(line[range.upperBound...].prefix { $0.isNumber }), number > 0 { return number }
        }
        return nil
    }

    /// A duration in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
