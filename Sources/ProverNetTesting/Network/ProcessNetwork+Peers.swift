import Foundation
import Logging
import ProverNetAPI

/// Another gateway of a network on PostgreSQL: a `provernet gateway` process on the same database, which follows
/// the one that leads the market (relaying its callers there) and takes over when that one dies.
struct PeerGateway: Sendable {
    let directory: URL
    var process: ChildProcess?
    /// 0 until its first start, then the same on every restart.
    var port = 0
    /// The port of its health endpoints, when its arguments ask for them (`--health-port 0`).
    var healthPort: Int?
}

extension ProcessNetwork {
    /// Starts (or starts again, on the same port) another gateway named `name` on the network's PostgreSQL
    /// database, in its own data directory `root/name`, logging to `name.log`. It shares with the first gateway
    /// what gateways on one database must share (docs/deployment.md): the artifacts directory, the key files
    /// that seal administrators' secrets and sign the audit log, and here the first gateway's TLS certificate
    /// (so provers and clients trust both with one CA, which the peer trusts for its relay too). The first gateway
    /// must have started once. Returns the peer's port.
    @discardableResult
    public func startPeerGateway(_ name: String, timeout: Duration = .seconds(60)) async throws(HarnessError) -> Int {
        guard settings.database != nil else {
            throw .gatewayDidNotStart(reason: "a peer gateway shares the network's PostgreSQL database; it has none")
        }
        var peer = peers[name] ?? PeerGateway(directory: root.appendingPathComponent(name, isDirectory: true))
        if let process = peer.process, process.isRunning { return peer.port }
        let log = log(of: name)
        do {
            try FileManager.default.createDirectory(at: peer.directory, withIntermediateDirectories: true)
            for file in ["secrets.key", "audit.key", "audit.pub"] {
                let target = peer.directory.appendingPathComponent(file)
                if !FileManager.default.fileExists(atPath: target.path) {
                    try FileManager.default.copyItem(at: gatewayDirectory.appendingPathComponent(file), to: target)
                }
            }
        } catch {
            throw .file(path: peer.directory.path, reason: "cannot prepare the peer gateway's directory: \(error)")
        }
        let tls = gatewayDirectory.appendingPathComponent("tls")
        let arguments =
            [
                "gateway", "--data-dir", peer.directory.path, "--port", "\(peer.port)",
                "--tls-cert", tls.appendingPathComponent("server.pem").path,
                "--tls-key", tls.appendingPathComponent("server-key.pem").path, "--peer-ca", caPath,
                "--artifacts-dir", gatewayDirectory.appendingPathComponent("artifacts").path,
            ] + commonGatewayArguments
        let offset = Self.size(of: log)
        let process = try ChildProcess.start(
            name: name, executable: executable, arguments: arguments, log: log,
            environment: ["PROVERNET_VERIFY_LEDGER": settings.verifiesLedger ? "1" : "0"])
        peer.process = process
        peers[name] = peer
        let deadline = ContinuousClock.now + timeout
        while true {
            if let listening = Self.listeningPort(in: log, from: offset) {
                peer.port = listening
                peer.healthPort = Self.listeningNumber("health_port", in: log, from: offset)
                peers[name] = peer
                logger.info("peer gateway listening", metadata: ["name": "\(name)", "port": "\(listening)"])
                return listening
            }
            if !process.isRunning || ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        await process.killAndWait()
        throw .gatewayDidNotListen(
            seconds: Self.seconds(timeout), log: log.path, tail: Self.tail(of: log, from: offset, lines: 15))
    }

    /// The process id of a gateway while it runs: the first (`gateway`) or a peer's.
    public func gatewayPID(_ name: String) -> Int32? {
        let process = name == "gateway" ? gateway : peers[name]?.process
        guard let process, process.isRunning else { return nil }
        return process.pid
    }

    /// Whether a peer gateway's process runs.
    public func peerIsRunning(_ name: String) -> Bool { peers[name]?.process?.isRunning ?? false }

    /// The port of a peer gateway's health endpoints, when the network's gateways serve them.
    public func peerHealthPort(_ name: String) -> Int? { peers[name]?.healthPort }

    /// SIGKILLs a peer gateway and waits for it to be gone.
    public func killPeerGateway(_ name: String) async {
        guard let process = peers[name]?.process else { return }
        logger.notice("killing a peer gateway (SIGKILL)", metadata: ["name": "\(name)", "pid": "\(process.pid)"])
        await process.killAndWait()
    }

    /// Where a peer gateway listens, with the network's CA, presenting the admin key (as `endpoint` does).
    public func peerEndpoint(_ name: String) -> GatewayEndpoint {
        var endpoint = self.endpoint
        endpoint.port = peers[name]?.port ?? 0
        return endpoint
    }

    /// The port of a peer gateway (0 before its first start).
    public func peerPort(_ name: String) -> Int { peers[name]?.port ?? 0 }
}
