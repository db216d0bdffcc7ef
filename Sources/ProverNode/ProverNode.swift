import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ServiceLifecycle

/// A prover node: one stream to a gateway, kept up with reconnection and backoff (to the next of its gateways
/// when it has several), over which it takes
/// assignments and sends back proofs, each proven in a worker process. A `Service`: on graceful shutdown
/// it stops taking work, lets running jobs finish for `drainSeconds`, hands back the rest as failures
/// ("prover shutting down"), closes its stream and returns.
public struct ProverNode: Service {
    public let configuration: ProverNodeConfiguration
    public let identity: ProverIdentity
    public let capabilities: Capabilities
    /// The proof systems this node proves with (the composition root hands them in).
    public let proofSystems: ProofSystemRegistry
    let logger: Logger
    let jobs: JobTable
    let outbox = Outbox()
    let lifecycle = NodeLifecycle()
    let connectionState = ConnectionState()
    /// What `GET /metrics` on the health port shows.
    public let metrics: ProverMetrics

    public init(
        configuration: ProverNodeConfiguration, identity: ProverIdentity, capabilities: Capabilities,
        proofSystems: ProofSystemRegistry, logger: Logger, metrics: ProverMetrics = ProverMetrics()
    ) {
        self.metrics = metrics
        self.proofSystems = proofSystems
        self.configuration = configuration
        self.identity = identity
        self.capabilities = capabilities
        var logger = logger
        logger[metadataKey: "prover"] = "\(identity.proverID.prefix(16))"
        self.logger = logger
        self.jobs = JobTable(slots: configuration.slots)
    }

    /// Runs until shut down gracefully (then returns) or refused by the gateway (then throws
    /// `ProverNodeError.refused`).
    public func run() async throws {
        let transports = try configuration.gateways.map { try $0.makeTransport() }
        let workers = WorkerPool(
            command: configuration.workerCommand, niceness: configuration.workerNiceness,
            directory: configuration.workersDirectory, systems: proofSystems)
        // Worker processes started before the first job (when some system proves in them); a failure to start
        // one now is logged, and the job that needs it reports it.
        if proofSystems.systems.contains(where: { $0.isolation == .workerProcess }) {
            do {
                try await workers.prewarm(configuration.slots)
            } catch {
                logger.error("cannot start the worker processes", metadata: ["error": "\(error)"])
            }
        }
        do {
            try await serve(transports: transports, workers: workers)
        } catch {
            await workers.shutdown()
            throw error
        }
        await workers.shutdown()
        logger.info("prover stopped")
    }

    private func serve<Transport: ClientTransport>(transports: [Transport], workers: WorkerPool) async throws {
        // One client per gateway, each connecting (and reconnecting) on its own; the stream and the artifact
        // downloads go to the gateway of the moment.
        let clients = transports.map { GRPCClient(transport: $0) }
        let gateways = GatewayRotation(count: clients.count)
        try await withThrowingDiscardingTaskGroup { connections in
            for client in clients { connections.addTask { try await client.runConnections() } }
            defer { for client in clients { client.beginGracefulShutdown() } }
            try await serve(clients: clients, gateways: gateways, workers: workers)
        }
    }

    private func serve<Transport: ClientTransport>(
        clients: [GRPCClient<Transport>], gateways: GatewayRotation, workers: WorkerPool
    ) async throws {
        do {
            let runner = JobRunner(
                configuration: configuration, jobs: jobs,
                cache: ArtifactCache(directory: configuration.artifactsDirectory, logger: logger),
                source: RotatingArtifactSource(
                    sources: clients.map { GRPCArtifactSource(client: $0) }, gateways: gateways),
                outbox: outbox, workers: workers, systems: proofSystems,
                metrics: metrics, logger: logger)
            let (assignments, sink) = AsyncStream<(JobAssignment, WorkerHandle)>.makeStream()
            defer { sink.finish() }
            // Jobs a crash interrupted: held again (the hello names them, so the gateway keeps their leases
            // if they are still this node's) and proven again, resuming from their checkpoints.
            for assignment in JobRunner.interruptedAssignments(in: configuration.jobsDirectory, logger: logger) {
                if case .admitted(let handle) = jobs.admit(job: assignment.job, epoch: assignment.epoch) {
                    sink.yield((assignment, handle))
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await withDiscardingTaskGroup { running in
                        for await (assignment, handle) in assignments {
                            running.addTask { await runner.run(assignment, handle: handle) }
                        }
                    }
                }
                group.addTask { try await keepConnected(clients: clients, gateways: gateways, assignments: sink) }
                group.addTask {
                    do {
                        try await gracefulShutdown()
                    } catch {
                        return
                    }
                    await drain()
                }
                // Whichever ends first (the connection loop after a drain or a refusal, or the drain's
                // own time limit) ends the node; cancelling the rest kills any worker still running.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Connects, and reconnects after each dropped stream with exponential backoff (reset by a welcome),
    /// until the node stops; with several gateways, each reconnection goes to the next one (round-robin). A
    /// refusal (unknown key, bad signature, wrong version) ends it with an error; a refusal for its
    /// operator's suspension is retried.
    private func keepConnected<Transport: ClientTransport>(
        clients: [GRPCClient<Transport>], gateways: GatewayRotation,
        assignments: AsyncStream<(JobAssignment, WorkerHandle)>.Continuation
    ) async throws {
        let session = GatewaySession(
            identity: identity, configuration: configuration, capabilities: capabilities, jobs: jobs, outbox: outbox,
            connectionState: connectionState, assignments: assignments, proofSystems: proofSystems, metrics: metrics,
            logger: logger)
        defer { connectionState.ended() }
        var backoff = configuration.initialBackoff
        // Streams lost in a row since the last welcome: the back-off grows only after a whole round of the
        // gateways failed, so that a prover whose gateway died reaches a live one of its list (and keeps its
        // leases) within a few initial back-offs instead of a doubled one per dead gateway.
        var lost = 0
        var pause: Duration {
            (lost + 1) % gateways.count == 0 ? backoff : min(backoff, configuration.initialBackoff)
        }
        while lifecycle.current != .stopping, !Task.isCancelled {
            let index = gateways.current
            let gateway = configuration.gateways[index]
            connectionState.connecting(to: "\(gateway.host):\(gateway.port)")
            // Whatever ends this stream (except a refusal for good), the next try goes to the next gateway: a
            // gateway that died, or a follower whose leader died, may take a while to answer again, and the
            // network's other gateways serve the same market.
            defer { gateways.advance(from: index) }
            do {
                if try await session.run(client: clients[index], gateway: gateway) {
                    backoff = configuration.initialBackoff
                    lost = 0
                }
                if lifecycle.current == .stopping { return }
                logger.warning("the gateway closed the stream; reconnecting", metadata: ["after": "\(pause)"])
                connectionState.lost(error: nil, retryAfter: pause)
            } catch let error as RPCError
                where error.code == .unavailable && Self.isSuspension(error)
            {
                // The operator is out of order (revoked, deregistered, below the minimum stake, registry
                // unreadable): this ends when the operator is back in order, so keep knocking with the back-off.
                if lifecycle.current == .stopping || Task.isCancelled { return }
                logger.warning(
                    "the gateway refused this prover for now (its operator is suspended); retrying",
                    metadata: ["reason": "\(error.message)", "after": "\(pause)"])
                connectionState.lost(error: error.message, retryAfter: pause)
            } catch let error as RPCError where Self.refusals.contains(error.code) {
                let refusal = ProverNodeError.refused(code: error.code, reason: error.message)
                logger.error("\(refusal)")
                throw refusal
            } catch {
                if lifecycle.current == .stopping || Task.isCancelled { return }
                if let problem = GatewayTLSProblem.diagnose(error, endpoint: gateway) {
                    // A certificate that does not name the gateway, or that another CA signed, stays so:
                    // reported once, and the node stops instead of retrying forever.
                    let failure = ProverNodeError.tls(problem)
                    logger.error("\(failure)")
                    throw failure
                }
                logger.warning(
                    "connection to the gateway lost; reconnecting",
                    metadata: ["gateway": "\(gateway)", "error": "\(error)", "after": "\(pause)"])
                connectionState.lost(error: "\(error)", retryAfter: pause)
            }
            let fullRound = (lost + 1) % gateways.count == 0
            try await Task.sleep(for: pause)
            lost += 1
            if fullRound { backoff = min(backoff * 2, configuration.maximumBackoff) }
        }
    }

    /// Whether the gateway refused the hello because the prover's operator is suspended (a temporary refusal).
    static func isSuspension(_ error: RPCError) -> Bool {
        error.metadata[stringValues: ProtocolMetadata.suspension].contains { _ in true }
    }

    /// The codes with which a gateway refuses a prover for good.
    static let refusals: Set<RPCError.Code> = [.permissionDenied, .unauthenticated, .failedPrecondition]

    /// Stops taking work, waits for running jobs up to the drain time, stops the rest (their runners report
    /// them as failures), then closes the stream after what it holds and gives the gateway a moment to end it.
    private func drain() async {
        lifecycle.advance(to: .draining)
        jobs.stopAcceptingWork()
        let running = jobs.jobs.count
        logger.info(
            "shutting down: taking no more work",
            metadata: ["running_jobs": "\(running)", "drain_seconds": "\(configuration.drainSeconds)"])
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.drainSeconds * 1000))
        while !jobs.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if !jobs.isEmpty {
            logger.warning("drain time is up: stopping running jobs", metadata: ["running_jobs": "\(jobs.jobs.count)"])
            jobs.stopAll()
            let stopDeadline = ContinuousClock.now + .seconds(5)
            while !jobs.isEmpty, ContinuousClock.now < stopDeadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        lifecycle.advance(to: .stopping)
        outbox.close()
        try? await Task.sleep(for: .seconds(3))
    }
}

extension ProverNode: CustomStringConvertible {
    /// What the service group's logs name this service by.
    public var description: String {
        "ProverNode(prover: \(identity.proverID.prefix(16)), gateway: \(configuration.gateway))"
    }
}
