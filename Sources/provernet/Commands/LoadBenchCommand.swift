import ArgumentParser
import Foundation
import Gateway
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import ProverNetTesting
import ProverNode
import StorePostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `provernet bench load`: one gateway (or several) as a real process, many light provers in this process, each a
/// real prover identity on its own TLS connection that answers its assignments at once with a real proof made
/// beforehand, and clients submitting at a set rate: what the gateway carries.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract:
            "Connect many light provers to a real gateway, submit jobs at a set rate, and print what the gateway sustained.",
        discussion: """
            Prints JSON lines ("op": "load"). The gateway is a `provernet gateway` process (SQLite in its data \
            directory, or --database postgres://…; --gateways N on PostgreSQL starts N of them, the light provers \
            and the clients spread round-robin). The light provers are allowlisted in the gateway's database \
            before it starts, as `provernet admin allow-prover` does offline, and prove who they are with their \
            Ed25519 key on every connection. Before the run, --distinct real Groth16 proofs of a synthetic \
            circuit with one public signal are made with the proving key the gateway made for it (kept in \
            --proof-cache by the key's hash); the light provers answer with them, so the gateway verifies real \
            proofs. --wrong-provers N of them answer with the proof of another input instead, which the gateway \
            must refuse. Lines: connect (time to connect every prover), memory (the gateway's RSS with no prover \
            and with every prover connected and idle, per prover), then per rate: throughput (jobs verified per \
            second over the steady window: the run less its first fifth, at most 5 s), first_assignment_ms \
            (submission to the first assignment a light prover received), request_latency_ms (submission to the \
            last accepted verdict of its jobs), round (market passes from the gateway's /metrics), gateway_cpu \
            (its CPU over the window from /proc, split by its /metrics histogram sums: statement, verification, \
            database, market; transport is the rest), saturation (what ran out first, by the rule it states). \
            With --search, the rate starts at --rate and grows by --step until a rate is not sustained (verified \
            under 95% of offered, the backlog growing, or p99 latency over --max-p99-ms), and a last line \
            says the highest rate sustained.
            """)

    @Option(help: "Light provers (prover identities, one TLS connection each).") var provers: Int = 100
    @Option(help: "Jobs submitted per second.") var rate: Double = 100
    @Option(help: "Seconds each rate is offered.") var seconds: Double = 10
    @Option(help: "Inputs (jobs) per request.") var inputs: Int = 10
    @Option(help: "Distinct inputs, each with a proof made before the run.") var distinct: Int = 64
    @Option(help: "Constraints of the synthetic circuit (one public signal).") var constraints: Int = 30
    @Option(help: "Client connections that submit.") var clients: Int = 4
    @Option(help: "The gateway's store: sqlite, or a postgres:// URL.") var database: String = "sqlite"
    @Option(help: "Gateway processes (more than one needs PostgreSQL).") var gateways: Int = 1
    @Option(help: "Milliseconds between market rounds.") var roundIntervalMs: Int = 100
    @Option(help: "Milliseconds between prover heartbeats.") var heartbeatMs: Int = 2000
    @Option(help: "Jobs each light prover takes at once.") var slots: Int = 4
    @Option(help: "The gateway's log level.") var gatewayLogLevel: String = "notice"
    @Flag(help: "Step the rate up from --rate until it is not sustained.") var search = false
    @Option(help: "With --search: each rate is the last times this.") var step: Double = 1.5
    @Option(help: "With --search: the highest rate tried.") var maxRate: Double = 20000
    @Option(help: "A rate is not sustained when its p99 request latency is over this.") var maxP99Ms: Double = 2000
    @Option(help: "Seconds to wait after a rate for its jobs to be verified.") var drainSeconds: Double = 30
    @Option(help: "Where the prepared proofs are kept (default: the temporary directory's provernet-load-proofs).")
    var proofCache: String?
    @Option(help: "Light provers that answer with the proof of another input (the gateway must refuse it).")
    var wrongProvers: Int = 0
    @Option(
        help:
            "The provernet binary the gateways run (default: this one): a release build's gateway measured by any build's harness."
    )
    var gatewayExecutable: String?

    /// The most a job may cost: the harness's development client key holds 1,000,000 credits, and a request
    /// escrows its maximum cost until it ends.
    static let maxPricePerJob: Amount = 1

    func validate() throws {
        guard provers >= 1, rate > 0, seconds > 0, inputs >= 1, distinct >= 2, clients >= 1, slots >= 1 else {
            throw ValidationError(
                "--provers, --rate, --seconds, --inputs, --clients and --slots must be positive and --distinct at least 2"
            )
        }
        guard (1...(1 << 16)).contains(constraints) else {
            throw ValidationError("--constraints must be from 1 to 65536, not \(constraints)")
        }
        guard database == "sqlite" || PostgresStoreConfiguration.isPostgresURL(database) else {
            throw ValidationError(
                "--database must be sqlite or a postgres:// URL, not \(PostgresStoreConfiguration.redacted(database))")
        }
        guard (1...16).contains(gateways) else { throw ValidationError("--gateways must be from 1 to 16") }
        guard gateways == 1 || database != "sqlite" else {
            throw ValidationError(
                "--gateways \(gateways) needs a PostgreSQL database (--database postgres://…): SQLite is one gateway's own file"
            )
        }
        guard (0...provers).contains(wrongProvers) else {
            throw ValidationError("--wrong-provers must be from 0 to --provers (\(provers))")
        }
        guard step > 1, maxP99Ms > 0, drainSeconds >= 0 else {
            throw ValidationError("--step must be over 1, --max-p99-ms positive, --drain-seconds not negative")
        }
    }

    /// The first fields of every line: what ran.
    var head: String {
        let store = database == "sqlite" ? "sqlite" : "postgres"
        return
            "\"op\": \"load\", \"database\": \"\(store)\", \"gateways\": \(gateways), \"provers\": \(provers), \"circuit\": \"synth:\(constraints)\", \"inputs\": \(inputs), \"distinct\": \(distinct), \"clients\": \(clients), \"round_interval_ms\": \(roundIntervalMs), \"heartbeat_ms\": \(heartbeatMs), \"wrong_provers\": \(wrongProvers)"
    }

    /// Prints one line; a figure that could not be measured (NaN, infinite) is written as null.
    func emit(_ body: String) {
        var line = body
        for word in ["-nan", "nan", "-inf", "inf"] {
            line = line.replacingOccurrences(of: ": \(word),", with: ": null,")
            if line.hasSuffix(": \(word)") { line = String(line.dropLast(word.count)) + "null" }
        }
        print("{\(head), \(line)}")
        fflush(nil)
    }

    func run() async throws {
        let fileLimit = LightProverFleet.raiseOpenFileLimit()
        if fileLimit < UInt64(provers + 256) {
            note("warning: the open-file limit is \(fileLimit), under \(provers + 256) for \(provers) provers")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-load-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var url: String?
        if database != "sqlite" {
            let fresh = "provernet_load_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
            do {
                url = try await PostgresStore.createDatabase(named: fresh, onServerOf: database)
            } catch {
                throw failure("cannot make the bench's database (its user needs CREATEDB): \(error)")
            }
        }
        var settings = ProcessNetwork.Settings(
            gatewayArguments: ["--health-port", "0", "--log-level", gatewayLogLevel], database: url)
        settings.roundIntervalMillis = roundIntervalMs
        settings.heartbeatMillis = heartbeatMs
        settings.leaseHeartbeats = 4
        // A bench measures the gateway, not the tests' check of the ledger after every transaction.
        settings.verifiesLedger = false
        settings.keyLimitArguments += [
            "--key-max-open-requests", "10000000", "--key-max-inputs-in-flight", "100000000",
        ]
        var logger = Logger(label: "provernet.bench.load")
        logger.logLevel = .warning
        let network = ProcessNetwork(
            root: root,
            executable: gatewayExecutable.map { URL(fileURLWithPath: $0) } ?? ProverNodeConfiguration.currentExecutable,
            settings: settings, logger: logger)
        do {
            try await measure(network)
        } catch {
            await network.stopAll()
            if let url { try? await PostgresStore.dropDatabase(url, through: database) }
            note("the network's logs are kept in \(root.path)")
            if error is ExitCode { throw error }
            throw failure("\(error)")
        }
        await network.stopAll()
        if let url { try? await PostgresStore.dropDatabase(url, through: database) }
        await network.clean()
    }

    func measure(_ network: ProcessNetwork) async throws {
        let fileLimit = LightProverFleet.raiseOpenFileLimit()
        let names = (1...provers).map { "light-\($0)" }
        // Allowlisted in the database before the first gateway starts, as an operator does offline.
        try await network.addProvers(names)
        try await network.startGateway()
        let keys = await network.keys
        var endpoints = [await network.clientEndpoint]
        for index in stride(from: 2, through: gateways, by: 1) {
            _ = try await network.startPeerGateway("gateway-\(index)")
            endpoints.append(await network.peerEndpoint("gateway-\(index)").presenting(keys?.client))
        }
        let identities = try await names.asyncMap { name in
            try ProverIdentity.loadOrCreate(at: try await network.keyPath(of: name))
        }
        let pids = await network.gatewayProcesses.map(\.pid)
        let healthPort = await network.healthPort

        // The circuit, then the gateway's memory with no prover connected.
        let registered = try await ProverNetClient.withClient(endpoint: endpoints[0]) { client in
            try await client.registerSyntheticCircuit(constraints: UInt64(constraints), name: "load")
        }
        let jobClass = JobClass.groth16(domainSize: registered.domainSize).description
        try await Task.sleep(for: .seconds(1))
        let idleRSS = pids.compactMap(GatewayProbe.residentBytes).reduce(0, +)

        // The light provers, all connected, then idle for two heartbeats.
        let recorder = LoadRecorder()
        var fleetSettings = LightProverFleet.Settings(jobClass: jobClass)
        fleetSettings.slots = slots
        let proofs = ProofBook()
        let fleet = LightProverFleet(
            endpoints: endpoints.map { $0.presenting(nil) }, identities: identities, settings: fleetSettings,
            proofs: proofs, recorder: recorder, wrong: Set(0..<wrongProvers))
        let fleetTask = Task { try await fleet.run() }
        defer { fleetTask.cancel() }
        let connectStart = recorder.now()
        let connectDeadline = connectStart + 60 + Double(provers) * 0.1
        while recorder.welcomes < provers {
            if recorder.now() > connectDeadline || recorder.disconnects.refusals.count > 0 {
                throw failure(
                    "\(recorder.welcomes) of \(provers) light provers connected in \(Int(recorder.now() - connectStart)) s; refusals: \(recorder.disconnects.refusals)"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let connectSeconds = (recorder.lastWelcome ?? recorder.now()) - connectStart
        emit(
            String(
                format: "\"metric\": \"connect\", \"seconds\": %.3f, \"per_second\": %.1f, \"open_file_limit\": %d",
                connectSeconds, Double(provers) / max(connectSeconds, 1e-9), fileLimit))
        try await Task.sleep(for: .milliseconds(2 * heartbeatMs + 500))
        let connectedRSS = pids.compactMap(GatewayProbe.residentBytes).reduce(0, +)
        let harnessRSS = GatewayProbe.residentBytes(of: getpid()) ?? 0
        emit(
            String(
                format:
                    "\"metric\": \"memory\", \"gateway_rss_idle_bytes\": %d, \"gateway_rss_connected_bytes\": %d, \"per_prover_kib\": %.1f, \"harness_rss_bytes\": %d",
                idleRSS, connectedRSS, (Double(connectedRSS) - Double(idleRSS)) / Double(provers) / 1024, harnessRSS))

        let clientList = try endpoints.indices.flatMap { gateway in
            try (0..<max(1, clients / endpoints.count)).map { _ in
                try ProverNetClient(endpoints: [endpoints[gateway]])
            }
        }
        for client in clientList { client.start() }
        defer { Task { for client in clientList { await client.close() } } }
        let inputList = Self.inputs(count: distinct)
        let generator = LoadGenerator(
            clients: clientList, circuit: registered.id, inputs: inputList, inputsPerRequest: inputs,
            maxPricePerJob: Self.maxPricePerJob, recorder: recorder)

        // The proofs: one request of one input shows the light prover that gets it the circuit's proving key.
        try await prepare(fleet: fleet, generator: generator, client: clientList[0], endpoint: endpoints[0])

        var currentRate = rate
        var best: Double?
        var offset = 1
        while true {
            let sustained = try await runRate(
                currentRate, generator: generator, recorder: recorder, offset: offset, pids: pids,
                healthPort: healthPort)
            offset += Int(currentRate * seconds)
            if sustained { best = currentRate }
            guard search, sustained, currentRate * step <= maxRate else { break }
            currentRate = (currentRate * step).rounded()
        }
        if search {
            emit(
                "\"metric\": \"rate_search\", \"max_sustained_rate\": \(best.map { String(format: "%.0f", $0) } ?? "null"), \"first_unsustained_rate\": \(best == currentRate ? "null" : String(format: "%.0f", currentRate))"
            )
        }
        fleetTask.cancel()
    }

    /// Submits one request of the first input, waits for the light prover that got it to park it, downloads the
    /// circuit's zkey, makes (or reads) every input's proof, and lets the parked assignment be answered.
    func prepare(
        fleet: LightProverFleet, generator: LoadGenerator, client: ProverNetClient, endpoint: GatewayEndpoint
    ) async throws {
        let inputList = generator.inputs
        await generator.submit([inputList[0]], on: client)
        let deadline = ContinuousClock.now + .seconds(120)
        var parked = fleet.firstParked
        while parked == nil {
            guard ContinuousClock.now < deadline else {
                throw failure("no light prover was assigned the first job in 120 s")
            }
            try await Task.sleep(for: .milliseconds(50))
            parked = fleet.firstParked
        }
        let cache =
            proofCache.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("provernet-load-proofs")
        let prepared = try await Self.prepareProofs(
            inputs: inputList, constraints: constraints, artifacts: parked?.artifacts ?? [], endpoint: endpoint,
            cache: cache)
        fleet.proofs.install(prepared.proofs)
        fleet.answerParked()
        emit(
            String(
                format: "\"metric\": \"proofs\", \"distinct\": %d, \"made\": %d, \"seconds\": %.3f, \"cache\": \"%@\"",
                prepared.proofs.count, prepared.made, prepared.seconds, cache.path))
        // The first job settled (verified, or refused for a wrong prover) before the measured runs.
        while fleet.recorder.acceptedCount + fleet.recorder.rejections.count < 1 {
            guard ContinuousClock.now < deadline else { throw failure("the first job got no verdict in 120 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension Array {
    /// The elements transformed one after the other by an async function.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
