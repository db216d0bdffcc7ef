import ArgumentParser
import Configuration
import Ethereum
import Foundation
import HealthHTTP
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ProverNode
import ServiceLifecycle
import UnixSignals

/// `provernet prover [run] --gateway HOST:PORT --ca CA.pem --key prover.key --data-dir DIR …`: calibrates,
/// connects, and proves what the gateway assigns until SIGINT/SIGTERM.
struct ProverRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a prover node (the default subcommand).",
        discussion: """
            Settings come from flags, then environment variables PROVERNET_PROVER_<KEY> (PROVERNET_PROVER_GATEWAY, \
            PROVERNET_PROVER_DATA_DIR, PROVERNET_PROVER_SLOTS, PROVERNET_PROVER_ASK_CLASS="groth16-bn254/2^16=2.5,…"), \
            then the "prover" section of the --config JSON file ({"prover": {"gateway": "127.0.0.1:7443", "slots": 2}}); \
            the clients' PROVERNET_GATEWAY and PROVERNET_CA serve when the prover's own are unset. \
            On start it prints {"public_key": …, "prover_id": …}; allowlist the public key on the gateway with \
            `provernet admin allow-prover --public-key HEX`. Exit status: 0 after a graceful shutdown, 1 when the \
            gateway refuses the prover (unknown key, bad signature, incompatible version), 2 for bad settings. \
            With --health-port it serves, over plain HTTP, GET /livez (200 while the node's loops run), GET /readyz \
            (200 when connected and neither stuck nor draining; else 503 with the state) and GET /health (JSON: \
            state idle, proving, stuck, disconnected or draining; jobs; gateway; last heartbeat) and GET /metrics \
            (Prometheus's text format: jobs, proofs, seconds by phase, slots, state, CPU, memory), and logs the port.
            """)

    @Option(
        help:
            "The gateway's address, HOST:PORT; several gateways of one network (on one PostgreSQL): repeat it or give a comma list, and the prover moves to the next whenever its gateway is lost."
    ) var gateway: [String] = []
    @Option(help: "The CA certificate (PEM) that signed the gateway's TLS certificate (default: system roots).")
    var ca: String?
    @Option(
        help:
            "The DNS name the gateway's certificate must carry, when it is not the host of --gateway (an address is checked as itself)."
    )
    var tlsServerName: String?
    @Option(
        help:
            "A TLS client certificate (PEM) to present: a gateway started with --prover-client-ca asks for one on its prover port."
    )
    var clientCert: String?
    @Option(help: "The private key (PEM) of --client-cert.") var clientKey: String?
    @Option(help: "The prover's Ed25519 identity key file (created if absent).") var key: String?
    @Option(help: "Where the node keeps its artifact cache and job files.") var dataDir: String?
    @Option(help: "A name for the gateway's logs and listings (default: the host name).") var name: String?
    @Flag(help: "Do not take SnarkPack aggregation jobs (by default a prover announces that it aggregates).")
    var noAggregation = false
    @Option(help: "Jobs at once (default 1).") var slots: Int?
    @Option(help: "Threads per job (default: cores / slots).") var threads: Int?
    @Option(help: "Price asked per unit of work (one 2^12 proof) for classes without an --ask-class (default 1.0).")
    var ask: Amount?
    @Option(help: "Price asked per job for one class, CLASS=PRICE (groth16-bn254/2^16=2.5); repeatable.")
    var askClass: [String] = []
    @Option(help: "Seconds that running jobs may finish after SIGINT/SIGTERM before they are handed back (default 30).")
    var drainSeconds: Double?
    @Option(help: "A JSON configuration file with a \"prover\" section.") var config: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).") var logLevel: String?
    @Option(help: "text, or json for one JSON object per line with the same metadata keys (default text).")
    var logFormat: String?
    @Option(
        help:
            "Serve /livez, /readyz, /health and /metrics (Prometheus) over HTTP on this port (0 picks a free one; default: off)."
    )
    var healthPort: Int?
    @Option(help: "The address of the health endpoints (default 127.0.0.1).") var healthHost: String?
    @Option(
        help:
            "Seconds without progress after which a job is stuck, at least (default 60; 3× its predicted time if longer)."
    )
    var stuckSeconds: Double?
    @Option(
        help: ArgumentHelp(
            "The command that starts a worker process, \"PATH ARG…\" (default: this binary's `prover worker --serve`).",
            discussion: "Split at white space; in the --config file it may be a JSON array of words."))
    var workerCommand: String?
    @Option(help: .hidden) var calibrationLog2Size: Int?
    /// FOR TESTING THE GATEWAY ONLY: `wrong-proof` sends proofs that do not verify; `other-input` proves
    /// another input than the one assigned. Hidden from the help.
    @Option(help: .hidden) var misbehave: String?
    @Option(help: "The operator's authorization of this prover's key (`provernet operator authorize -o FILE`).")
    var authorization: String?

    func run() async throws {
        let settings = try await badInputExitsAsync { try await readSettings() }
        settings.logFormat.bootstrap(level: settings.logLevel)
        var logger = Logger(label: "provernet.prover")
        logger.logLevel = settings.logLevel
        let identity = try badInputExits { try ProverIdentity.loadOrCreate(at: settings.keyPath) }
        writeLine(identityJSON(identity))
        var nodeConfiguration = settings.node
        if let authorization {
            nodeConfiguration.operatorAuthorization = try badInputExits {
                try Self.readAuthorization(authorization, publicKey: identity.publicKey)
            }
        }
        let configuration = nodeConfiguration
        if let misbehavior = configuration.misbehavior {
            logger.warning(
                "TESTING ONLY: this prover misbehaves on purpose", metadata: ["misbehave": "\(misbehavior.rawValue)"])
        }

        let proofSystems = ProofSystemRegistry.standard()
        let capabilities = try badInputExits {
            try Calibration.run(
                systems: proofSystems, log2Size: configuration.calibrationLog2Size,
                threads: configuration.threadsPerJob,
                slots: configuration.slots, bytesPerConstraint: configuration.bytesPerConstraint,
                aggregates: !noAggregation)
        }
        logger.info(
            "calibrated",
            metadata: [
                "prover_id": "\(identity.proverID)", "seconds": "\(capabilities.measuredSeconds)",
                "domain_size": "\(capabilities.measuredDomainSize)",
                "max_constraints": "\(capabilities.maxConstraints)",
                "slots": "\(configuration.slots)", "threads_per_job": "\(configuration.threadsPerJob)",
            ])

        let node = ProverNode(
            configuration: configuration, identity: identity, capabilities: capabilities, proofSystems: proofSystems,
            logger: logger)
        var services: [any Service] = []
        if let health = settings.health {
            // Before the node: services stop in reverse order, so the endpoints answer (draining) while it drains.
            services.append(
                try badInputExits {
                    try HealthServer(configuration: health, logger: logger, metrics: { node.metricsExposition() }) {
                        let health = node.health()
                        return HealthReport(
                            live: health.live, ready: health.ready, state: health.state.rawValue, details: health)
                    }
                })
        }
        services.append(node)
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            // A refusal by the gateway (ProverNodeError.refused), a TLS problem that retrying cannot heal
            // (ProverNodeError.tls), or a failure to set up the connection.
            throw failure("\(error)", code: 1)
        }
    }

    /// The settings, from flags over environment over the configuration file, checked.
    private func readSettings() async throws -> ProverSettings {
        var flags: [String: String?] = [
            "prover.gateway": gateway.isEmpty ? nil : gateway.joined(separator: ","), "prover.ca": ca,
            "prover.tlsServerName": tlsServerName, "prover.key": key,
            "prover.clientCertificate": clientCert, "prover.clientKey": clientKey,
            "prover.dataDir": dataDir,
            "prover.name": name, "prover.slots": slots.map(String.init), "prover.threads": threads.map(String.init),
            "prover.ask": ask.map(\.description), "prover.drainSeconds": drainSeconds.map { String($0) },
            "prover.logLevel": logLevel, "prover.logFormat": logFormat, "prover.misbehave": misbehave,
            "prover.calibrationLog2Size": calibrationLog2Size.map(String.init),
            "prover.healthPort": healthPort.map(String.init), "prover.healthHost": healthHost,
            "prover.stuckSeconds": stuckSeconds.map { String($0) }, "prover.workerCommand": workerCommand,
        ]
        if !askClass.isEmpty { flags["prover.askClass"] = askClass.joined(separator: ",") }
        let reader = try await ConfigurationSources.reader(file: config, flags: flags)
        return try ProverSettings(reader: reader)
    }

    /// The authorization file's bytes, after checking that it is one. One that names another prover key is sent
    /// anyway (the gateway decides, and says why it refuses), with a warning here.
    static func readAuthorization(_ path: String, publicKey: [UInt8]) throws -> Data {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let authorization = try ProverAuthorization.decode(data)
        if authorization.proverKeyBytes != publicKey {
            note(
                "warning: \(path) authorizes prover key \(authorization.proverKey), not this prover's "
                    + "\(Hex.encode(publicKey)): the gateway will refuse it")
        }
        return data
    }
}
