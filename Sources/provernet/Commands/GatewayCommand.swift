import ArgumentParser
import Configuration
import Foundation
import Gateway
import HealthHTTP
import Logging
import ProofSystems
import ProverNetAPI
import ServiceLifecycle
import Store
import StorePostgres
import UnixSignals

/// `provernet gateway`: runs a gateway until SIGINT/SIGTERM, then drains and stops cleanly.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run a gateway: gRPC over TLS for clients and provers, the market, verification, SQLite state.",
        discussion: """
            Settings come from flags, then environment variables PROVERNET_GATEWAY_<KEY> (for example \
            PROVERNET_GATEWAY_PORT), then the JSON file given with --config ({"gateway": {"port": 7443}}), then \
            the defaults. Once listening it prints one JSON line on standard output: \
            {"event":"listening","host":…,"port":…}, with "health_port" when --health-port is set. \
            The health endpoints (plain HTTP): GET /livez (200 while the gateway's loops run), GET /readyz \
            (200 when listening, the database answers and not draining, with the role on a shared database: "ok: \
            leader" or "ok: follower of HOST:PORT"; else 503 with the state), GET /health \
            (JSON: state, connected provers, open requests, leased jobs, draining, version), GET /metrics \
            (Prometheus's text format: requests, jobs, queues, auctions, leases, verification, provers).
            """)

    @Option(help: "A JSON configuration file.") var config: String?
    @Option(help: "Where the database and the artifacts live (key gateway.dataDirectory).") var dataDir: String?
    @Option(
        help:
            "The database: a postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…] URL, for gateways that share one PostgreSQL (key gateway.database; prefer PROVERNET_GATEWAY_DATABASE or the config file for a password). Default: SQLite in DATA_DIR/gateway.sqlite."
    )
    var database: String?
    @Option(
        help:
            "Where artifacts live (key gateway.artifactsDirectory; default DATA_DIR/artifacts). Gateways on one PostgreSQL must all name one shared directory."
    )
    var artifactsDir: String?
    @Option(
        help:
            "With --database: where the other gateways on the database reach this one while it leads the market, HOST:PORT (key gateway.advertiseAddress; default: --host and the port listened on, 127.0.0.1 for 0.0.0.0)."
    )
    var advertiseAddress: String?
    @Option(
        help:
            "With --database: the CA (PEM) that signed the other gateways' certificates, trusted when this gateway relays to the one that leads (key gateway.peerCA; default: the development CA with --dev-tls, else the system's roots)."
    )
    var peerCa: String?
    @Option(help: "The address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "The port (default 7443; 0 picks a free one).") var port: Int?
    @Option(help: "The TLS certificate chain (PEM).") var tlsCert: String?
    @Option(help: "The TLS private key (PEM).") var tlsKey: String?
    @Flag(
        help:
            "Make (or reuse) a development CA and a certificate in DATA_DIR/tls naming localhost, the --host (every address of this machine for 0.0.0.0) and each --tls-name."
    )
    var devTls = false
    @Option(
        help:
            "A DNS name or address the development certificate must also carry (repeatable; key gateway.tlsNames, comma-separated)."
    )
    var tlsName: [String] = []
    @Option(
        help:
            "A CA (PEM) whose TLS client certificate every prover must present; provers then connect to --prover-port, and the main port serves clients only (default: off)."
    )
    var proverClientCa: String?
    @Option(help: "The provers' port with --prover-client-ca (default 7444; 0 picks a free one).") var proverPort: Int?
    @Option(help: "Milliseconds between market rounds (default 250).") var roundIntervalMs: Int?
    @Option(help: "Milliseconds between prover heartbeats (default 2000).") var heartbeatMs: Int?
    @Option(help: "Heartbeats a lease survives without one (default 4).") var leaseHeartbeats: Int?
    @Option(help: "Failed attempts before a job fails its request (default 3).") var maxAttempts: Int?
    @Option(help: "The reserve price per unit of work (one 2^12 proof; default 2.0).") var reservePrice: Double?
    @Option(help: "The most proofs of one circuit verified in one batch (default 64).") var verifyBatch: Int?
    @Option(help: "Verification batches run at once, each on a thread of its own (default: the cores).")
    var verifyThreads: Int?
    @Option(help: "Seconds a graceful shutdown waits for running jobs (default 30).") var drainSeconds: Double?
    @Option(
        help:
            "The SnarkPack reference string with which requests are aggregated (`provernet snarkpack srs`); without it, requests for aggregation are refused."
    )
    var snarkpackSrs: String?
    @Option(help: "Calls per second per API key (default 50; burst --key-call-burst, default 200).")
    var keyCallsPerSecond: Double?
    @Option(help: "Calls a key may make at once above its rate (default 200).") var keyCallBurst: Double?
    @Option(help: "Submissions per second per API key (default 5; burst --key-submission-burst, default 20).")
    var keySubmissionsPerSecond: Double?
    @Option(help: "Submissions a key may make at once above its rate (default 20).") var keySubmissionBurst: Double?
    @Option(help: "Open requests per API key (default 1000).") var keyMaxOpenRequests: Int?
    @Option(help: "Inputs of open requests per API key (default 100000).") var keyMaxInputsInFlight: Int?
    @Option(
        help:
            "Calls without a valid key (or with a wrong one-time code) per address per minute before it must wait, 5 s then doubling up to 300 s (default 20)."
    )
    var authFailuresPerMinute: Int?
    @Option(help: "trace, debug, info, notice, warning, error (default info).") var logLevel: String?
    @Option(help: "text, or json for one JSON object per line with the same metadata keys (default text).")
    var logFormat: String?
    @Option(
        help:
            "Serve /livez, /readyz, /health and /metrics (Prometheus) over HTTP on this port (0 picks a free one; default: off)."
    )
    var healthPort: Int?
    @Option(help: "The address of the health endpoints (default 127.0.0.1).") var healthHost: String?
    @Flag(help: "Serve the web dashboard at /dashboard/ on the health port (needs --health-port).") var dashboard =
        false
    @OptionGroup(title: "Operators") var operatorOptions: GatewayOperatorOptions
    @OptionGroup(title: "Bonds, slashing and reputation") var economicsOptions: GatewayEconomicsOptions

    func run() async throws {
        var flags: [String: String?] = [
            "gateway.dataDirectory": dataDir, "gateway.database": database,
            "gateway.artifactsDirectory": artifactsDir, "gateway.advertiseAddress": advertiseAddress,
            "gateway.peerCA": peerCa, "gateway.host": host, "gateway.port": port.map(String.init),
            "gateway.tlsCertificate": tlsCert, "gateway.tlsKey": tlsKey,
            "gateway.developmentTLS": devTls ? "true" : nil,
            "gateway.tlsNames": tlsName.isEmpty ? nil : tlsName.joined(separator: ","),
            "gateway.proverClientCA": proverClientCa, "gateway.proverPort": proverPort.map(String.init),
            "gateway.roundIntervalMillis": roundIntervalMs.map(String.init),
            "gateway.heartbeatMillis": heartbeatMs.map(String.init),
            "gateway.leaseHeartbeats": leaseHeartbeats.map(String.init),
            "gateway.maxAttempts": maxAttempts.map(String.init),
            "gateway.verifyBatch": verifyBatch.map(String.init),
            "gateway.verifyThreads": verifyThreads.map(String.init),
            "gateway.reservePrice": reservePrice.map { String($0) },
            "gateway.drainSeconds": drainSeconds.map { String($0) },
            "gateway.keyCallsPerSecond": keyCallsPerSecond.map { String($0) },
            "gateway.keyCallBurst": keyCallBurst.map { String($0) },
            "gateway.keySubmissionsPerSecond": keySubmissionsPerSecond.map { String($0) },
            "gateway.keySubmissionBurst": keySubmissionBurst.map { String($0) },
            "gateway.keyMaxOpenRequests": keyMaxOpenRequests.map(String.init),
            "gateway.keyMaxInputsInFlight": keyMaxInputsInFlight.map(String.init),
            "gateway.authFailuresPerMinute": authFailuresPerMinute.map(String.init),
            "gateway.logLevel": logLevel, "gateway.logFormat": logFormat, "gateway.snarkpackSRS": snarkpackSrs,
            "gateway.healthPort": healthPort.map(String.init), "gateway.healthHost": healthHost,
            "gateway.dashboard": dashboard ? "true" : nil,
        ]
        flags.merge(operatorOptions.flags) { a, _ in a }
        flags.merge(economicsOptions.flags) { a, _ in a }
        let reader: ConfigReader
        do {
            reader = try await ConfigurationSources.reader(file: config, flags: flags)
        } catch {
            throw failure("configuration: \(error)")
        }
        let settings = try GatewaySettings(reader.scoped(to: "gateway"))
        settings.logFormat.bootstrap(level: settings.logLevel)
        let logger = Logger(label: "provernet.gateway")
        let announcement = ListeningAnnouncement(withHealth: settings.health != nil)
        let server: GatewayServer
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let shared: SharedDatabaseGateway?
        do {
            let store = try await settings.openStore(logger: logger)
            let postgres = store as? PostgresStore
            let advertised = settings.advertiseAddress
            server = try GatewayServer(
                configuration: settings.configuration, store: store, proofSystems: .standard(), logger: logger,
                onListening: { host, port in announcement.grpc(host: host, port: port) },
                onServing: { host, port in
                    guard let postgres else { return }
                    let address = advertised ?? "\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
                    do {
                        try await postgres.advertiseWriterAddress(address)
                        logger.info("advertised to the gateways that follow", metadata: ["address": "\(address)"])
                    } catch {
                        logger.error(
                            "the address for following gateways is not advertised", metadata: ["error": "\(error)"])
                    }
                },
                sharedMarket: postgres)
            shared = postgres.map { SharedDatabaseGateway(server: server, store: $0, peerCA: settings.peerCA) }
            // Before the gateway: services stop in reverse order, so the health endpoints answer (draining)
            // until the gateway has stopped.
            if let health = settings.health {
                let endpoints = try GatewayHTTP.service(
                    server, configuration: health, dashboard: settings.dashboard, logger: logger
                ) { _, port in announcement.health(port: port) }
                services.append(.init(service: endpoints))
            }
        } catch {
            throw failure("\(error)")
        }
        let gateway: any Service = shared.map { $0 as any Service } ?? server
        services.append(.init(service: gateway))
        if let ca = server.developmentCAPath { note("development CA for provers and clients: \(ca)") }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw failure("gateway stopped: \(error)")
        }
    }
}

/// The gateway's settings as read from the configuration sources.
struct GatewaySettings {
    var configuration: GatewayConfiguration
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// Where the health endpoints listen; nil (the default) for none.
    var health: HealthServerConfiguration?
    /// Whether the health port serves the web dashboard too.
    var dashboard = false
    /// The PostgreSQL database's URL; nil (the default) for SQLite in the data directory.
    var database: String?
    /// Where the other gateways on the database reach this one while it leads; nil: where it listens.
    var advertiseAddress: String?
    /// The CA of the other gateways' certificates; nil: the development CA, else the system's roots.
    var peerCA: String?

    /// Opens the gateway's store: PostgreSQL when `database` names one (shared: whether this gateway leads is
    /// settled when it runs, `SharedDatabaseGateway`), else SQLite in the data directory.
    func openStore(logger: Logger) async throws -> any GatewayStore {
        guard let database else { return try SQLiteStore(path: configuration.databasePath) }
        var storeLogger = logger
        storeLogger[metadataKey: "database"] = "\(PostgresStoreConfiguration.redacted(database))"
        let store = try await PostgresStore.openShared(url: database, logger: storeLogger)
        logger.info("database: PostgreSQL", metadata: ["database": "\(store.configuration.description)"])
        return store
    }

    init(_ config: ConfigReader) throws {
        guard let dataDirectory = config.string(forKey: "dataDirectory") else {
            throw failure(
                "no data directory: pass --data-dir, set PROVERNET_GATEWAY_DATA_DIRECTORY or gateway.dataDirectory in --config"
            )
        }
        var c = GatewayConfiguration(dataDirectory: dataDirectory)
        c.host = config.string(forKey: "host", default: c.host)
        c.port = try Self.int(config, "port", c.port)
        c.tlsCertificatePath = config.string(forKey: "tlsCertificate")
        c.tlsKeyPath = config.string(forKey: "tlsKey")
        c.developmentTLS = config.string(forKey: "developmentTLS").map { $0 == "true" || $0 == "1" } ?? false
        c.tlsNames =
            (config.string(forKey: "tlsNames")?.split(separator: ",").map(String.init)
            ?? config.stringArray(forKey: "tlsNames") ?? [])
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        c.proverClientCAPath = config.string(forKey: "proverClientCA")
        c.proverPort = try Self.int(config, "proverPort", c.proverPort)
        c.roundInterval = .milliseconds(try Self.int(config, "roundIntervalMillis", 250))
        c.heartbeatInterval = .milliseconds(try Self.int(config, "heartbeatMillis", 2000))
        c.leaseHeartbeats = try Self.int(config, "leaseHeartbeats", c.leaseHeartbeats)
        c.maxAttempts = try Self.int(config, "maxAttempts", c.maxAttempts)
        c.verification.maxBatch = try Self.int(config, "verifyBatch", c.verification.maxBatch)
        c.verification.slots = try Self.int(config, "verifyThreads", c.verification.slots)
        c.reservePricePerUnit = try Self.double(config, "reservePrice", c.reservePricePerUnit)
        c.drainSeconds = try Self.double(config, "drainSeconds", c.drainSeconds)
        c.snarkpackSRSPath = config.string(forKey: "snarkpackSRS")
        c.sharedArtifactsDirectory = config.string(forKey: "artifactsDirectory")
        if let database = config.string(forKey: "database"), !database.isEmpty {
            guard PostgresStoreConfiguration.isPostgresURL(database) else {
                throw failure(
                    "gateway.database must be a postgres:// URL (SQLite, the default, needs no setting: DATA_DIR/gateway.sqlite)"
                )
            }
            do {
                _ = try PostgresStoreConfiguration(url: database)
            } catch {
                throw failure("gateway.database: \(error)")
            }
            self.database = database
        }
        if let address = config.string(forKey: "advertiseAddress"), !address.isEmpty {
            guard (try? GatewayEndpoint(parsing: address)) != nil else {
                throw failure("gateway.advertiseAddress = '\(address)' is not HOST:PORT")
            }
            advertiseAddress = address
        }
        if let ca = config.string(forKey: "peerCA"), !ca.isEmpty {
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw failure("gateway.peerCA: cannot read \(ca)")
            }
            peerCA = ca
        }
        if database == nil, advertiseAddress != nil || peerCA != nil {
            throw failure("--advertise-address and --peer-ca are for gateways that share a database (--database)")
        }
        c.access.callsPerSecond = try Self.double(config, "keyCallsPerSecond", c.access.callsPerSecond)
        c.access.callBurst = try Self.double(config, "keyCallBurst", c.access.callBurst)
        c.access.submissionsPerSecond = try Self.double(
            config, "keySubmissionsPerSecond", c.access.submissionsPerSecond)
        c.access.submissionBurst = try Self.double(config, "keySubmissionBurst", c.access.submissionBurst)
        c.access.maxOpenRequestsPerKey = try Self.int(config, "keyMaxOpenRequests", c.access.maxOpenRequestsPerKey)
        c.access.maxInputsInFlightPerKey = try Self.int(
            config, "keyMaxInputsInFlight", c.access.maxInputsInFlightPerKey)
        c.access.failuresPerMinute = try Self.int(config, "authFailuresPerMinute", c.access.failuresPerMinute)
        c.operators = try GatewayOperatorOptions.policy(config)
        (c.bonds, c.slashes, c.settlementFeeBps) = try GatewayEconomicsOptions.policies(config)
        c.reputation = try GatewayEconomicsOptions.reputation(config)
        do {
            try c.validate()
        } catch {
            throw failure("\(error)")
        }
        configuration = c
        if Self.text(config, "healthPort") != nil {
            let health = HealthServerConfiguration(
                host: config.string(forKey: "healthHost", default: "127.0.0.1"),
                port: try Self.int(config, "healthPort", 0))
            do {
                try health.validate()
            } catch {
                throw failure("\(error)")
            }
            self.health = health
        }
        let level = config.string(forKey: "logLevel", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw failure("log level '\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsed
        logFormat = try LogFormat(setting: config.string(forKey: "logFormat"))
        dashboard = config.string(forKey: "dashboard").map { $0 == "true" || $0 == "1" } ?? false
        if dashboard, health == nil {
            throw failure("the dashboard is served on the health port: pass --health-port with --dashboard")
        }
    }

    /// A setting as text: flags and environment variables are text, a JSON file may hold numbers.
    static func text(_ config: ConfigReader, _ key: String) -> String? {
        if let value = config.string(forKey: ConfigKey(key)) { return value }
        if let value = config.int(forKey: ConfigKey(key)) { return String(value) }
        if let value = config.double(forKey: ConfigKey(key)) { return String(value) }
        return nil
    }

    static func int(_ config: ConfigReader, _ key: String, _ fallback: Int) throws -> Int {
        guard let text = text(config, key) else { return fallback }
        guard let value = Int(text) else { throw failure("gateway.\(key) = '\(text)' is not an integer") }
        return value
    }

    static func double(_ config: ConfigReader, _ key: String, _ fallback: Double) throws -> Double {
        guard let text = text(config, key) else { return fallback }
        guard let value = Double(text), value.isFinite else {
            throw failure("gateway.\(key) = '\(text)' is not a number")
        }
        return value
    }
}
