import Ethereum
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ServiceLifecycle
import Store
import Synchronization

/// The gateway as a `Service`: gRPC over TLS (client, prover, artifact and admin services), the market
/// loop and the lease reaper, over any `GatewayStore` (the composition root chooses it: SQLite by default). `run()` returns after a graceful shutdown: it stops assigning, waits up to
/// `drainSeconds` for running jobs to come in, tells provers, stops the server and closes the database.
public final class GatewayServer: Service {
    public let configuration: GatewayConfiguration
    public let store: any GatewayStore
    public let coordinator: Coordinator
    let circuits: CircuitRegistry
    let artifacts: ArtifactStore
    let logger: Logger
    let tls: (certificate: String, key: String)
    /// The CA file to give provers and clients, when the gateway made development certificates.
    public let developmentCAPath: String?
    /// Called once with the port the server listens on.
    let onListening: @Sendable (String, Int) -> Void
    /// Where `run()` stands, for the health endpoints.
    let status = GatewayStatus()
    /// The data directory's lock, held for as long as the server lives: one gateway per data directory.
    let lock: DataDirectoryLock
    /// Seals administrators' TOTP secrets (`DATA_DIR/secrets.key`).
    let sealer: SecretSealer
    /// Signs the audit log's head now and then, and at shutdown.
    public let auditSigner: AuditSigner
    /// The operators, when the store keeps them (every store of this package does).
    public let operators: OperatorRegistry?
    /// The port this gateway listens on once it has listened (it may have asked for port 0): a gateway that
    /// relayed to the market's leader serves on the same port once it leads (`relayToLeader`).
    let boundPort = Mutex<Int?>(nil)
    /// While this gateway follows (`relayToLeader`): reads the address of the leader it follows, for `/health`.
    let followedLeader = Mutex<(@Sendable () async throws -> String?)?>(nil)
    /// Called once the gateway listens (not while it relays): a gateway on a shared database advertises its
    /// address there, for the gateways that relay to it.
    let onServing: @Sendable (String, Int) async -> Void
    /// With EigenLayer and a slasher key: the queue that sends slashes to the chain.
    public let chainSlasher: ChainSlasher?
    /// With several gateways on one database: where provers connected to the others are read from while this
    /// one leads, and where this one serves its own provers from while it follows (`SharedMarket.swift`).
    let sharedMarket: (any SharedMarketStore)?
    /// This gateway in the rows and notices of `sharedMarket`.
    public let gatewayName = GatewayName.make()

    /// - Parameter proofSystems: the proof systems whose circuits and jobs this gateway handles (the
    ///   `provernet` command hands it Groth16 and SnarkPack).
    public init(
        configuration: GatewayConfiguration, store: any GatewayStore, proofSystems: ProofSystemRegistry,
        logger: Logger, metrics: GatewayMetrics = GatewayMetrics(),
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in },
        onServing: @escaping @Sendable (String, Int) async -> Void = { _, _ in },
        sharedMarket: (any SharedMarketStore)? = nil
    ) throws {
        try configuration.validate()
        self.sharedMarket = sharedMarket
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.onServing = onServing
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        guard let lock = try DataDirectoryLock.acquire(dataDirectory: configuration.dataDirectory) else {
            throw GatewayError.configuration(
                "\(configuration.dataDirectory) is in use: another gateway, or a `provernet admin` command, holds its "
                    + "\(DataDirectoryLock.fileName) (one gateway per data directory)")
        }
        self.lock = lock
        sealer = try SecretSealer.loadOrCreate(dataDirectory: configuration.dataDirectory)
        if configuration.developmentTLS, configuration.tlsCertificatePath == nil {
            let certificates = try DevelopmentCertificates.ensure(
                in: (configuration.dataDirectory as NSString).appendingPathComponent("tls"),
                names: DevelopmentCertificates.names(listeningOn: configuration.host, extra: configuration.tlsNames))
            tls = (certificates.serverCertificatePath, certificates.serverKeyPath)
            developmentCAPath = certificates.caCertificatePath
        } else if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            tls = (certificate, key)
            developmentCAPath = nil
        } else {
            throw GatewayError.configuration("no TLS certificate")
        }
        self.store = store
        auditSigner = try AuditSigner(
            dataDirectory: configuration.dataDirectory, store: store, every: configuration.auditHeadEvery,
            logger: logger)
        artifacts = try ArtifactStore(directory: configuration.artifactsDirectory)
        circuits = CircuitRegistry(
            store: store, artifacts: artifacts, proofSystems: proofSystems, limits: configuration.limits,
            logger: logger)
        var aggregation: AggregationSetup?
        if let path = configuration.snarkpackSRSPath {
            guard let system = proofSystems.aggregation else {
                throw GatewayError.configuration("an aggregation setup was given, but no proof system aggregates")
            }
            aggregation = try AggregationSetup.load(path: path, system: system, artifacts: artifacts, logger: logger)
        }
        coordinator = Coordinator(
            store: store, circuits: circuits, artifacts: artifacts, aggregation: aggregation,
            configuration: configuration,
            logger: logger, metrics: metrics)
        if let operatorStore = store as? any OperatorStore {
            operators = OperatorRegistry(
                policy: configuration.operators, store: operatorStore,
                source: try OperatorRegistry.source(for: configuration.operators), logger: logger)
        } else if configuration.operators.required {
            throw GatewayError.configuration("operators are required, but this store keeps no operators")
        } else {
            operators = nil
        }
        if case .eigenLayer(let settings) = configuration.operators.source,
            let slashing = configuration.operators.slashing
        {
            guard let slashStore = store as? any SlashQueueStore & EconomicsStore else {
                throw GatewayError.configuration("slashing on the chain needs a store that keeps a slash queue")
            }
            chainSlasher = try ChainSlasher(
                store: slashStore, settings: settings, slashing: slashing, bonds: configuration.bonds, logger: logger)
        } else {
            chainSlasher = nil
        }
    }

    /// The port to listen on: the one listened on before (as a follower), else the configured one.
    var listeningPort: Int { boundPort.withLock { $0 } ?? configuration.port }

    /// The TLS transport the gateway listens on, leading or relaying: its port, its certificate, and the message
    /// size bound.
    func serverTransport() -> HTTP2ServerTransport.Posix {
        HTTP2ServerTransport.Posix(
            address: .ipv4(host: configuration.host, port: listeningPort),
            transportSecurity: .tls(
                certificateChain: [.file(path: tls.certificate, format: .pem)],
                privateKey: .file(path: tls.key, format: .pem)),
            config: .defaults {
                $0.rpc.maxRequestPayloadSize = MessageSizeInterceptor.transportLimit(
                    configuration.limits.maxMessageBytes)
            })
    }

    public func run() async throws {
        let logger = self.logger
        let onListening = self.onListening
        let configuration = self.configuration
        let coordinator = self.coordinator
        let status = self.status
        status.starting()
        defer { status.stopped() }
        try await coordinator.recover()
        let keyRing = try await KeyRing(store: store, sealer: sealer, logger: logger)
        if keyRing.all.isEmpty {
            logger.warning(
                "this gateway has no API key yet, so no client or administrator can call it: run `provernet admin init --data-dir \(configuration.dataDirectory)` while it is stopped"
            )
        }
        let checker = ResultChecker(
            circuits: circuits, aggregation: coordinator.aggregation, limits: configuration.limits,
            batcher: VerificationBatcher(settings: configuration.verification, metrics: coordinator.metrics))
        let transport = serverTransport()
        let proverService = ProverServiceHandler(
            coordinator: coordinator, circuits: circuits, checker: checker, store: store,
            configuration: configuration,
            logger: logger, operators: operators)
        let artifactService = ArtifactServiceHandler(artifacts: artifacts, limits: configuration.limits)
        let remoteProvers = sharedMarket.map {
            RemoteProvers(
                market: $0, coordinator: coordinator, handler: proverService, operators: self.operators,
                gateway: gatewayName, heartbeatMillis: configuration.heartbeatMillis, logger: logger)
        }
        let sizeLimit = MessageSizeInterceptor(maxMessageBytes: configuration.limits.maxMessageBytes)
        // With a client CA for provers, they have a port of their own where their certificate is mandatory.
        var proverServer: (GRPCServer<HTTP2ServerTransport.Posix>, HTTP2ServerTransport.Posix)?
        if let clientCA = configuration.proverClientCAPath {
            let proverTransport = HTTP2ServerTransport.Posix(
                address: .ipv4(host: configuration.host, port: configuration.proverPort),
                transportSecurity: .mTLS(
                    certificateChain: [.file(path: tls.certificate, format: .pem)],
                    privateKey: .file(path: tls.key, format: .pem)
                ) { mtls in
                    mtls.trustRoots = .certificates([.file(path: clientCA, format: .pem)])
                    mtls.clientCertificateVerification = .noHostnameVerification
                },
                config: .defaults {
                    $0.rpc.maxRequestPayloadSize = MessageSizeInterceptor.transportLimit(
                        configuration.limits.maxMessageBytes)
                })
            proverServer = (
                GRPCServer(
                    transport: proverTransport, services: [proverService, artifactService], interceptors: [sizeLimit]),
                proverTransport
            )
        }
        let clientServices: [any RegistrableRPCService] = [
            ClientServiceHandler(
                coordinator: coordinator, circuits: circuits, artifacts: artifacts, configuration: configuration,
                logger: logger),
            artifactService,
            AdminServiceHandler(
                coordinator: coordinator, store: store, keyRing: keyRing, operators: operators,
                settlementFeeBps: configuration.settlementFeeBps),
        ]
        let server = GRPCServer(
            transport: transport,
            services: proverServer == nil ? clientServices + [proverService] : clientServices,
            interceptors: [
                sizeLimit,
                AuthorizationInterceptor(
                    keyRing: keyRing, limits: CallLimits(limits: configuration.access), policy: .standard,
                    logger: logger),
            ])
        let developmentCAPath = self.developmentCAPath
        let auditSigner = self.auditSigner
        let operators = self.operators
        await operators?.setOnChange { _, status, provers in
            // An operator out of order suspends its provers (running leases finish); back in order resumes them.
            var reason: String?
            if case .suspended(let why) = status { reason = "\(why)" }
            for prover in provers { await coordinator.setSuspension(prover, reason: reason) }
        }
        // Every reading of an operator's stake: what its provers' bonds are locked from.
        let bonds = configuration.bonds
        await operators?.setOnStake { address, stake in
            await coordinator.setOperatorStake(address.lowercased, bonds.amount(ofStake: stake))
        }
        let store = self.store
        let chainSlasher = self.chainSlasher
        if configuration.operators.source == .standalone {
            // Slashes, from the ledger: what `stake:OPERATOR` gave out (it is a source, so its balance is negative).
            await operators?.setSlashedStake { address in
                let balance = (try? await store.balance(of: .stake(address.lowercased))) ?? .zero
                return bonds.stake(of: Amount.zero - balance)
            }
        } else if let chainSlasher {
            // The chain's stake less the slashes it does not have yet (queued, or sent and not confirmed).
            await operators?.setSlashedStake { address in await chainSlasher.pendingStake(of: address) }
        }
        if let operators {
            await coordinator.setOnSlash { address in
                // Queued first, so that the reading after it already subtracts the slash.
                _ = try? await chainSlasher?.scan()
                if let parsed = try? Address(address) { await operators.refresh(parsed) }
            }
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            if let remoteProvers { group.addTask { await remoteProvers.run() } }
            // The keys, from the store every second (another gateway's revocation counts too), beside the market
            // loop rather than in it: a slow read must not delay a round.
            group.addTask {
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: .seconds(1))
                    do {
                        try await keyRing.refresh()
                    } catch {
                        logger.warning("API keys not refreshed", metadata: ["error": "\(error)"])
                    }
                }
            }
            if let (provers, proverTransport) = proverServer {
                group.addTask { try await provers.serve() }
                group.addTask {
                    let address = try await proverTransport.listeningAddress
                    let port = address.ipv4?.port ?? address.ipv6?.port ?? configuration.proverPort
                    logger.info(
                        "prover port listening: provers must present a TLS client certificate of the configured CA",
                        metadata: ["address": "\(configuration.host):\(port)", "tls": "mutual"])
                }
            }
            if let operators {
                logger.info(
                    "operator registry",
                    metadata: [
                        "source": "\(configuration.operators.source.name)",
                        "network": "\(configuration.operators.network)",
                        "required": "\(configuration.operators.required)",
                        "minimum_stake": "\(configuration.operators.minimumStake)",
                    ])
                group.addTask { await operators.runRefreshLoop() }
            }
            if let chainSlasher {
                logger.info(
                    "slashes go to the chain after their veto window",
                    metadata: [
                        "slasher": "\(chainSlasher.slasher)",
                        "veto_seconds": "\(configuration.operators.slashing?.vetoSeconds ?? 0)",
                    ])
                group.addTask { await chainSlasher.run() }
            }
            group.addTask {
                let address = try await transport.listeningAddress
                let port = address.ipv4?.port ?? address.ipv6?.port ?? configuration.port
                logger.info("gateway listening", metadata: ["address": "\(configuration.host):\(port)", "tls": "on"])
                status.listening(port: port)
                self.boundPort.withLock { $0 = port }
                do {
                    try GatewayAddressFile(host: configuration.host, port: port, ca: developmentCAPath)
                        .write(toDataDirectory: configuration.dataDirectory)
                } catch {
                    logger.warning("admin commands will need --gateway and --ca", metadata: ["error": "\(error)"])
                }
                onListening(configuration.host, port)
                await self.onServing(configuration.host, port)
            }
            // The market and the leases, until a graceful shutdown (or cancellation).
            var lastReap = ContinuousClock.now
            var firstRound = true
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                await coordinator.runRounds()
                if firstRound {
                    // What a takeover's bound is measured to (docs/architecture.md).
                    logger.notice("the market's first round ran")
                    firstRound = false
                }
                if ContinuousClock.now - lastReap >= .seconds(1) {
                    await coordinator.tick()
                    await auditSigner.signIfDue()
                    lastReap = .now
                }
                // The next round: at once if something changed that could trade, else after the interval.
                await coordinator.waitForMarketChange(upTo: configuration.roundInterval)
                status.marketLoopRan()
            }
            // Drain: no new assignments; running jobs may still come in for a while.
            status.draining()
            await coordinator.stopAssigning()
            let deadline = ContinuousClock.now + .milliseconds(Int(configuration.drainSeconds * 1000))
            var remaining = await coordinator.leasedJobCount()
            if remaining > 0 { logger.info("draining: waiting for running jobs", metadata: ["jobs": "\(remaining)"]) }
            while remaining > 0, ContinuousClock.now < deadline, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                remaining = await coordinator.leasedJobCount()
            }
            if remaining > 0 {
                logger.info(
                    "shutting down with jobs still leased; they return to the market when their leases lapse",
                    metadata: ["jobs": "\(remaining)"])
            }
            await coordinator.disconnectAll()
            server.beginGracefulShutdown()
            proverServer?.0.beginGracefulShutdown()
            try? await Task.sleep(for: .seconds(2))
            group.cancelAll()
        }
        await coordinator.flush()
        await auditSigner.signNow()
        try await store.close()
        logger.info("gateway stopped; database closed")
    }
}
