import Foundation
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetTesting
import Store
import TestSupport

/// Runs chaos scenarios, each in a directory of its own: starts its network, runs it within the time
/// limit, waits for its requests to end, checks their proofs, stops every process, and checks the
/// invariants against the gateway's database.
public struct ChaosRunner: Sendable {
    /// The `provernet` binary that the gateway and provers run.
    let executable: URL
    let circuitConstraints: UInt64
    /// How long a scenario may take, up to the end of its requests.
    let timeout: Duration
    /// A PostgreSQL server (`postgres://…`) on which each scenario on PostgreSQL gets a fresh database; nil:
    /// each starts a throwaway server of its own (`scripts/postgres-test-cluster`), as one that restarts the
    /// server always does.
    let database: String?

    /// Runs `scenario` in `directory` (made afresh: a previous run's directory is replaced, since its
    /// database would mix into this run's records) and reports on it. It never throws: a scenario that
    /// cannot run is a failed scenario, with the reason. Every process it started is killed before it returns.
    /// A runner of scenarios whose processes run `executable` (`provernet`), proving a synthetic circuit of
    /// `circuitConstraints`, each scenario within `timeout`.
    public init(executable: URL, circuitConstraints: UInt64, timeout: Duration, database: String? = nil) {
        self.database = database
        self.executable = executable
        self.circuitConstraints = circuitConstraints
        self.timeout = timeout
    }

    public func run(_ scenario: ChaosScenario, in directory: URL) async -> ScenarioReport {
        try? FileManager.default.removeItem(at: directory)
        let started = ContinuousClock.now
        let deadline = started + timeout
        var report = ScenarioReport(scenario: scenario.name, directory: directory.path)
        let logger: Logger
        do {
            logger = try Self.logger(scenario.name, directory: directory)
        } catch {
            report.failures = ["\(error)"]
            return report
        }
        logger.info("scenario starts", metadata: ["timeout": "\(timeout)"])
        var settings = scenario.settings
        var cluster: PostgresTestCluster?
        if scenario.needsPostgreSQL {
            do {
                if let database, !scenario.restartsDatabase {
                    settings.database = try PostgresTestCluster.createDatabase(on: database)
                } else {
                    let own = try PostgresTestCluster.start()
                    cluster = own
                    settings.database = own.url
                }
            } catch {
                report.failures = ["cannot get a PostgreSQL database: \(error)"]
                return report
            }
        }
        defer { cluster?.stop() }
        let network = ProcessNetwork(root: directory, executable: executable, settings: settings, logger: logger)
        var failures: [String] = []
        var context: ChaosContext?
        do {
            let ctx = try await start(
                scenario, network: network, directory: directory, deadline: deadline, cluster: cluster,
                logger: logger)
            context = ctx
            if let error = await Self.runBody(scenario, ctx, until: deadline) {
                failures.append("the scenario stopped: \(error)")
            }
            let (records, proofs) = try await settle(ctx, until: deadline)
            failures += await summarize(ctx, records: records, proofs: proofs, into: &report)
        } catch {
            failures.append("\(error)")
        }
        context?.stopWatching()
        await network.stopAll()
        report.facts = context?.facts ?? [:]
        report.failures = (context?.failures ?? []) + failures
        report.passed = report.failures.isEmpty
        report.seconds = (ProcessNetwork.seconds(ContinuousClock.now - started) * 10).rounded() / 10
        logger.info("scenario ends", metadata: ["passed": "\(report.passed)", "failures": "\(report.failures)"])
        return report
    }

    /// Allowlists the provers, starts the gateway and the provers the scenario wants running, and waits
    /// until they are connected.
    private func start(
        _ scenario: ChaosScenario, network: ProcessNetwork, directory: URL, deadline: ContinuousClock.Instant,
        cluster: PostgresTestCluster?, logger: Logger
    ) async throws(HarnessError) -> ChaosContext {
        try await network.addProvers(scenario.provers, arguments: scenario.proverArguments)
        try await network.startGateway()
        var endpoints = [await network.endpoint]
        for peer in scenario.peerGateways {
            try await network.startPeerGateway(peer)
            endpoints.append(await network.peerEndpoint(peer))
        }
        if endpoints.count > 1 {
            // prover-k is given every gateway, starting at the k-th (round-robin): the provers spread over them.
            for (k, name) in scenario.provers.enumerated() {
                let order = (0..<endpoints.count).map { endpoints[(k + 1 + $0) % endpoints.count] }
                try await network.route(name, through: order.map { "\($0.host):\($0.port)" }.joined(separator: ","))
            }
        }
        for name in scenario.startedProvers { try await network.startProver(name) }
        try await network.waitForProvers(scenario.startedProvers)
        let client = ChaosClient(endpoints: endpoints, logger: logger)
        return ChaosContext(
            scenario: scenario.name, directory: directory, network: network, client: client,
            requests: RequestTracker(client: client, logger: logger), logger: logger, deadline: deadline,
            circuitConstraints: circuitConstraints, peerGateways: scenario.peerGateways, cluster: cluster)
    }

    /// After the scenario: lets its requests end (with the gateway up and nothing frozen, whatever the
    /// scenario left), fetches and checks their proofs, stops every process, and reads the gateway's records.
    private func settle(_ context: ChaosContext, until deadline: ContinuousClock.Instant) async throws(HarnessError)
        -> (GatewayRecords, [RequestID: RequestTracker.ProofCheck])
    {
        let network = context.network
        await network.resumeAll()
        if !(await network.gatewayIsRunning) { try await network.startGateway() }
        for peer in context.peerGateways { try await network.startPeerGateway(peer) }
        if !(await context.requests.waitForFinal(until: deadline)) {
            context.logger.error("requests still open at the deadline")
        }
        let proofs = await context.requests.checkProofs(
            into: context.directory.appendingPathComponent("proofs", isDirectory: true), until: .now + .seconds(60))
        context.stopWatching()
        await context.client.close()
        await network.stopAll()
        if let database = network.settings.database {
            return (try await GatewayRecords.read(postgres: database), proofs)
        }
        return (try await GatewayRecords.read(databasePath: await network.databasePath), proofs)
    }

    /// Checks the invariants and the scenario's own end checks against the records, and fills the report's
    /// counts; returns every violation.
    private func summarize(
        _ context: ChaosContext, records: GatewayRecords, proofs: [RequestID: RequestTracker.ProofCheck],
        into report: inout ScenarioReport
    ) async -> [String] {
        let tracked = await context.requests.requests
        let refused = await context.requests.submitFailures
        let (counts, problems) = Invariants.check(
            tracked: tracked, submitFailures: refused, proofs: proofs, records: records)
        let ended = tracked.keys.compactMap { records.requests[$0] }
        report.invariants = counts
        report.submitFailures = refused
        report.completionSeconds = Self.completionSeconds(ended)
        report.latencySeconds = ScenarioReport.Latency(
            ended.compactMap { request in request.finishedMillis.map { Double($0 - request.createdMillis) / 1000 } })
        report.reasons = Self.reasons(ended, refused: refused)
        return problems + context.endChecks.flatMap { $0(records) }
    }

    /// Runs the scenario's body until it returns, throws, or the deadline passes; returns why it stopped
    /// early, if it did.
    static func runBody(_ scenario: ChaosScenario, _ context: ChaosContext, until deadline: ContinuousClock.Instant)
        async
        -> (any Error)?
    {
        let seconds = ProcessNetwork.seconds(deadline - .now)
        return await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do {
                    try await scenario.run(context)
                    return nil
                } catch {
                    return error
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return Task.isCancelled ? nil : HarnessError.timedOut(seconds: seconds, doing: "running the scenario")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Seconds from the first request's creation to the last one's end, or nil if one has not ended.
    static func completionSeconds(_ requests: [GatewayRecords.RequestRecord]) -> Double? {
        guard let first = requests.map(\.createdMillis).min() else { return nil }
        let ends = requests.map(\.finishedMillis)
        guard ends.allSatisfy({ $0 != nil }), let last = ends.compactMap({ $0 }).max() else { return nil }
        return Double(last - first) / 1000
    }

    /// How many requests ended otherwise than done, by reason, and refused submissions by the gateway's
    /// words.
    static func reasons(_ requests: [GatewayRecords.RequestRecord], refused: [String]) -> [String: Int] {
        var reasons: [String: Int] = [:]
        for request in requests where request.state != .done {
            reasons["\(request.state.rawValue): \(request.reason ?? "no reason")", default: 0] += 1
        }
        for reason in refused { reasons["not accepted: \(reason)", default: 0] += 1 }
        return reasons
    }

    /// A logger writing to `directory/chaos.log`.
    static func logger(_ scenario: String, directory: URL) throws(HarnessError) -> Logger {
        let path = directory.appendingPathComponent("chaos.log")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path.path) {
                _ = FileManager.default.createFile(atPath: path.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: path)
            try handle.seekToEnd()
            var logger = Logger(label: "provernet.chaos") { label in
                var handler = FileLogHandler(label: label, handle: handle)
                handler.logLevel = .debug
                return handler
            }
            logger[metadataKey: "scenario"] = "\(scenario)"
            return logger
        } catch {
            throw .file(path: path.path, reason: "cannot write the run's log: \(error)")
        }
    }
}
