import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A network of real `provernet` processes on loopback, as a user runs it: `provernet gateway` with
/// development TLS and `provernet prover` processes, each with its own key, data directory and log under
/// one directory. The gateway can be killed and started again on the same port and data directory;
/// provers killed (with their workers), paused, resumed, stopped gracefully and started again with the
/// same key and data directory. Every process is killed by `stopAll()`.
actor ProcessNetwork {
    /// How the processes are started. The defaults make faults show quickly: a lease lasts
    /// `leaseHeartbeats` × `heartbeatMillis` = 2 s.
    struct Settings: Sendable {
        /// The provers' heartbeat interval, which the gateway announces.
        var heartbeatMillis = 500
        /// Heartbeats a lease survives without one.
        var leaseHeartbeats = 4
        /// The longest time between two market rounds.
        var roundIntervalMillis = 100
        /// How long a gateway's graceful shutdown waits for running jobs.
        var gatewayDrainSeconds = 2.0
        /// How long a prover's graceful shutdown lets its running jobs finish.
        var proverDrainSeconds = 5.0
        /// log₂ of the size of the proof a prover times at start: small, so that a restarted prover is
        /// back quickly.
        var calibrationLog2Size = 10
        /// More `provernet gateway` arguments.
        var gatewayArguments: [String] = []

        /// How long a lease lasts without a heartbeat, in milliseconds.
        var leaseMillis: Int { heartbeatMillis * leaseHeartbeats }
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

    let root: URL
    let executable: URL
    let settings: Settings
    let logger: Logger
    let gatewayDirectory: URL
    private(set) var gateway: ChildProcess?
    /// The gateway's port: 0 until its first start, then the same on every restart.
    private(set) var port = 0
    private(set) var gatewayStarts = 0
    private var provers: [String: Prover] = [:]

    init(root: URL, executable: URL, settings: Settings, logger: Logger) {
        self.root = root
        self.executable = executable
        self.settings = settings
        self.logger = logger
        self.gatewayDirectory = root.appendingPathComponent("gateway", isDirectory: true)
    }

    var caPath: String { gatewayDirectory.appendingPathComponent("tls/ca.pem").path }
    var databasePath: String { gatewayDirectory.appendingPathComponent("gateway.sqlite").path }
    var endpoint: GatewayEndpoint { GatewayEndpoint(host: "127.0.0.1", port: port, caCertificatePath: caPath) }
    var gatewayLog: URL { root.appendingPathComponent("gateway.log") }

    // MARK: The gateway

    /// Starts the gateway: the first time on a free port, which it reports on its first line of output;
    /// after that on the same port, retrying while the port is still held by the process that died.
    func startGateway(timeout: Duration = .seconds(60)) async throws(ChaosError) {
        if let gateway, gateway.isRunning { return }
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
                logger.warning("gateway did not start; trying again", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    private func startGatewayOnce(deadline: ContinuousClock.Instant, seconds: Double) async throws(ChaosError) {
        do {
            try FileManager.default.createDirectory(at: gatewayDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: gatewayDirectory.path, reason: "cannot create the gateway's directory: \(error)")
        }
        let offset = Self.size(of: gatewayLog)
        let arguments =
            [
                "gateway", "--data-dir", gatewayDirectory.path, "--port", "\(port)", "--dev-tls",
                "--heartbeat-ms", "\(settings.heartbeatMillis)", "--lease-heartbeats", "\(settings.leaseHeartbeats)",
                "--round-interval-ms", "\(settings.roundIntervalMillis)", "--drain-seconds", "\(settings.gatewayDrainSeconds)",
            ] + settings.gatewayArguments
        let process = try ChildProcess.start(name: "gateway", executable: executable, arguments: arguments, log: gatewayLog)
        gateway = process
        gatewayStarts += 1
        // Its first line on standard output: {"event":"listening","host":…,"port":N}.
        while ContinuousClock.now < deadline {
            if let listening = Self.listeningPort(in: gatewayLog, from: offset) {
                port = listening
                logger.info(
                    "gateway listening",
                    metadata: ["port": "\(port)", "pid": "\(process.pid)", "start": "\(gatewayStarts)"])
                return
            }
            if !process.isRunning { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await process.killAndWait()
        throw .gatewayDidNotListen(
            seconds: seconds, log: gatewayLog.path, tail: Self.tail(of: gatewayLog, from: offset, lines: 15))
    }

    /// SIGKILLs the gateway and waits for it to be gone.
    func killGateway() async {
        guard let gateway else { return }
        logger.notice("killing the gateway (SIGKILL)", metadata: ["pid": "\(gateway.pid)"])
        await gateway.killAndWait()
    }

    /// Freezes the gateway (SIGSTOP): it holds its sockets but handles nothing.
    func pauseGateway() {
        guard let gateway else { return }
        logger.notice("pausing the gateway (SIGSTOP)", metadata: ["pid": "\(gateway.pid)"])
        gateway.signal(SIGSTOP)
    }

    /// Asks the gateway to shut down gracefully (SIGTERM) and waits for it; returns how it ended.
    func terminateGateway(timeout: Duration = .seconds(30)) async throws(ChaosError) -> String {
        guard let gateway else { return "not running" }
        logger.notice("stopping the gateway gracefully (SIGTERM)", metadata: ["pid": "\(gateway.pid)"])
        gateway.signal(SIGTERM)
        guard await gateway.waitForExit(timeout: timeout) else {
            throw .didNotExit(process: "the gateway", signal: "SIGTERM", seconds: Self.seconds(timeout), log: gatewayLog.path)
        }
        return gateway.exitDescription
    }

    var gatewayIsRunning: Bool { gateway?.isRunning ?? false }

    // MARK: Provers

    /// Makes keys for provers and allowlists them in the gateway's database (before the gateway's first
    /// start, or while it runs, as `provernet admin allow-prover` does). Each prover's data directory and
    /// log are named after it.
    func addProvers(_ names: [String], arguments: [String: [String]] = [:]) async throws(ChaosError) {
        do {
            try FileManager.default.createDirectory(at: gatewayDirectory, withIntermediateDirectories: true)
        } catch {
            throw .file(path: gatewayDirectory.path, reason: "cannot create the gateway's directory: \(error)")
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: databasePath)
        } catch {
            throw .database(path: databasePath, reason: "\(error)")
        }
        for name in names {
            let directory = root.appendingPathComponent(name, isDirectory: true)
            let keyPath = root.appendingPathComponent("\(name).key").path
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                let identity = try ProverIdentity.loadOrCreate(at: keyPath)
                try await store.allowProver(
                    id: identity.proverID, publicKeyHex: identity.publicKey.hex, name: name, atMillis: Clock.nowMillis())
                provers[name] = Prover(
                    name: name, id: identity.proverID, keyPath: keyPath, directory: directory, address: nil,
                    arguments: arguments[name] ?? [])
            } catch {
                throw .file(path: keyPath, reason: "cannot make or allowlist the key of \(name): \(error)")
            }
        }
    }

    /// Makes a prover connect through `address` (a forwarder) from its next start on.
    func route(_ name: String, through address: String) throws(ChaosError) {
        guard provers[name] != nil else { throw .unknownProver(name) }
        provers[name]?.address = address
    }

    /// Starts a prover (again, after a kill or a graceful stop: same key, same data directory).
    func startProver(_ name: String) throws(ChaosError) {
        guard var prover = provers[name] else { throw .unknownProver(name) }
        if let process = prover.process, process.isRunning { return }
        let arguments =
            [
                "prover", "--gateway", prover.address ?? "127.0.0.1:\(port)", "--ca", caPath, "--key", prover.keyPath,
                "--data-dir", prover.directory.path, "--name", name, "--slots", "1", "--threads", "1",
                "--drain-seconds", "\(settings.proverDrainSeconds)",
                "--calibration-log2-size", "\(settings.calibrationLog2Size)",
            ] + prover.arguments
        let process = try ChildProcess.start(name: name, executable: executable, arguments: arguments, log: log(of: name))
        prover.process = process
        prover.starts += 1
        provers[name] = prover
        logger.info("prover started", metadata: ["prover": "\(name)", "pid": "\(process.pid)", "start": "\(prover.starts)"])
    }

    /// SIGKILLs a prover and its worker processes, as when its machine dies, and waits for it.
    func killProver(_ name: String) async throws(ChaosError) {
        guard let prover = provers[name] else { throw .unknownProver(name) }
        guard let process = prover.process, process.isRunning else { return }
        logger.notice("killing a prover and its workers (SIGKILL)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        await process.killAndWait()
    }

    /// Freezes a prover's node process (SIGSTOP), not its workers: it sends nothing, not even heartbeats,
    /// while its connection stays open.
    func pauseProver(_ name: String) throws(ChaosError) {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice("pausing a prover (SIGSTOP)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGSTOP)
    }

    /// Lets a paused prover go on (SIGCONT).
    func resumeProver(_ name: String) throws(ChaosError) {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice("resuming a prover (SIGCONT)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGCONT)
    }

    /// Asks a prover to shut down gracefully (SIGTERM), waits for it and returns how it ended.
    func terminateProver(_ name: String, timeout: Duration = .seconds(30)) async throws(ChaosError) -> String {
        guard let process = provers[name]?.process else { throw .unknownProver(name) }
        logger.notice("stopping a prover gracefully (SIGTERM)", metadata: ["prover": "\(name)", "pid": "\(process.pid)"])
        process.signal(SIGTERM)
        guard await process.waitForExit(timeout: timeout) else {
            throw .didNotExit(process: name, signal: "SIGTERM", seconds: Self.seconds(timeout), log: log(of: name).path)
        }
        return process.exitDescription
    }

    /// The names of the provers, in order.
    var proverNames: [String] { provers.keys.sorted() }

    func proverID(_ name: String) throws(ChaosError) -> ProverID {
        guard let prover = provers[name] else { throw .unknownProver(name) }
        return prover.id
    }

    /// The prover's name for an id (the id's first digits for one this network does not know).
    func name(of id: ProverID?) -> String {
        guard let id else { return "nobody" }
        return provers.values.first { $0.id == id }?.name ?? String(id.prefix(12))
    }

    /// Names by prover id.
    var namesByID: [ProverID: String] { Dictionary(uniqueKeysWithValues: provers.values.map { ($0.id, $0.name) }) }

    func isRunning(_ name: String) -> Bool { provers[name]?.process?.isRunning ?? false }

    nonisolated func log(of name: String) -> URL { root.appendingPathComponent("\(name).log") }

    /// Waits until the gateway lists every named prover as connected.
    func waitForProvers(_ names: [String], timeout: Duration = .seconds(60)) async throws(ChaosError) {
        let ids = try names.map { (name) throws(ChaosError) -> ProverID in try proverID(name) }
        let deadline = ContinuousClock.now + timeout
        var connected: Set<ProverID> = []
        while ContinuousClock.now < deadline {
            connected = (try? await Self.connectedProvers(endpoint)) ?? []
            if ids.allSatisfy(connected.contains) { return }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw .proversNotConnected(
            expected: names, connected: connected.map { name(of: $0) }.sorted(), seconds: Self.seconds(timeout),
            directory: root.path)
    }

    /// The provers the gateway lists as connected, through its admin service.
    static func connectedProvers(_ endpoint: GatewayEndpoint) async throws -> Set<ProverID> {
        try await withGRPCClient(transport: try endpoint.makeTransport()) { client in
            let response = try await Provernet_V1_AdminService.Client(wrapping: client).listProvers(
                .init(), options: .provernet())
            return Set(response.provers.filter(\.connected).map { ProverID($0.proverID) })
        }
    }

    // MARK: The end

    /// Lets every paused process go on (SIGCONT), so that a scenario that stopped half-way leaves none
    /// frozen while its requests are waited for.
    func resumeAll() {
        gateway?.signal(SIGCONT)
        for prover in provers.values { prover.process?.signal(SIGCONT) }
    }

    /// Kills every process of the network (and the provers' workers) and waits for them.
    func stopAll() async {
        for prover in provers.values {
            if let process = prover.process { await process.killAndWait() }
        }
        if let gateway { await gateway.killAndWait() }
    }

    // MARK: Logs

    static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.uint64Value ?? 0
    }

    /// The text of a log from a byte offset.
    static func text(of url: URL, from offset: UInt64 = 0) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    static func tail(of url: URL, from offset: UInt64 = 0, lines: Int) -> String {
        text(of: url, from: offset).split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
            .joined(separator: "\n")
    }

    /// The port of the gateway's `{"event":"listening",…,"port":N}` line, if the log has one after `offset`.
    static func listeningPort(in log: URL, from offset: UInt64) -> Int? {
        for line in text(of: log, from: offset).split(separator: "\n") where line.hasPrefix("{\"event\":\"listening\"") {
            guard let range = line.range(of: "\"port\":") else { continue }
            if let port = Int(line[range.upperBound...].prefix { $0.isNumber }), port > 0 { return port }
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
