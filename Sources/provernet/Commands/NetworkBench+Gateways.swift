import ArgumentParser
import Foundation
import Gateway
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNode
import Store
import StorePostgres

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `provernet bench network --gateways N`: the network as several machines would run it, every gateway a
/// `provernet gateway` process (`ProcessNetwork`, as the tests start them) on one database, the provers spread
/// across the gateways round-robin and the requests too (request r is submitted and watched on gateway r mod N).
/// Beside the figures of the in-process bench it reports where the time goes: each gateway's CPU, the provers',
/// the machine's, the leader's market passes (from its `/metrics`) and the database's own count of its time.
extension NetworkBench {
    /// The most a measured request's job may cost: the development client key holds 1,000,000 credits, and a
    /// request escrows its maximum cost (at 1,000,000 a job, a second request was refused).
    static let maxPrice: Amount = 10

    /// `--gateways`: one count, or a comma-separated list of counts (one run each).
    static func gatewayCounts(_ text: String) throws -> [Int] {
        let counts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !counts.isEmpty, counts.allSatisfy({ (1...16).contains($0 ?? 0) }) else {
            throw failure("--gateways must be a count from 1 to 16, or a list of them such as 1,2,3, not '\(text)'")
        }
        return counts.compactMap { $0 }
    }

    /// One run with `count` gateway processes on `name` (sqlite: one gateway's own file; a postgres:// URL: a fresh
    /// database made on that server for the run, `provernet_bench_…`, dropped after it).
    func runGateways(count: Int, database name: String, constraints: Int, perProver: Int) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-bench-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var url: String?
        if name != "sqlite" {
            let fresh = "provernet_bench_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
            do {
                url = try await PostgresStore.createDatabase(named: fresh, onServerOf: name)
            } catch {
                throw failure(
                    "cannot make the bench's database on \(PostgresStoreConfiguration.redacted(name)) (its user needs CREATEDB): \(error)"
                )
            }
        }
        var settings = ProcessNetwork.Settings(gatewayArguments: ["--health-port", "0"], database: url)
        settings.roundIntervalMillis = roundIntervalMs
        // A bench measures the network, not the tests' check of the ledger after every transaction.
        settings.verifiesLedger = false
        var logger = Logger(label: "provernet.bench.network")
        logger.logLevel = .warning
        let network = ProcessNetwork(
            root: root, executable: ProverNodeConfiguration.currentExecutable, settings: settings, logger: logger)
        do {
            let run = try await measure(network, count: count, perProver: perProver, constraints: constraints)
            await network.stopAll()
            var databaseAfter: PostgresStore.DatabaseActivity?
            let store: any GatewayStore
            if let url {
                databaseAfter = try await PostgresStore.activity(of: url)
                store = try await PostgresStore.openShared(url: url)
            } else {
                store = try SQLiteStore(path: await network.databasePath)
            }
            let jobClass = JobClass.groth16(domainSize: UInt64(constraints + 2))
            var lines = try await reportLines(ids: run.ids, store: store, jobClass: jobClass, gateways: count)
            lines += run.lines(head: lineHead(jobClass: jobClass, gateways: count), databaseAfter: databaseAfter)
            try? await store.close()
            for line in lines { print(line) }
            if !noTable { Self.printTable(lines) }
        } catch {
            await network.stopAll()
            if let url { try? await PostgresStore.dropDatabase(url, through: name) }
            note("the network's logs are kept in \(root.path)")
            if error is ExitCode { throw error }
            throw failure("\(error)")
        }
        if let url { try? await PostgresStore.dropDatabase(url, through: name) }
        await network.clean()
    }

    /// What one run measured: the requests, and the processes' counters before and after them.
    struct GatewaysRun {
        var ids: [RequestID]
        var gateways: [(name: String, pid: pid_t)]
        var before: Sample
        var after: Sample
        var wallSeconds: Double

        /// The lines beside the in-process bench's: each gateway's CPU, the provers', the machine's, the leader's
        /// market passes and result checks, and the database's time.
        func lines(head: String, databaseAfter: PostgresStore.DatabaseActivity?) -> [String] {
            let wall = max(wallSeconds, 1e-9)
            var lines: [String] = []
            for (index, gateway) in gateways.enumerated() {
                let cpu = (after.cpu[gateway.pid] ?? 0) - (before.cpu[gateway.pid] ?? 0)
                lines.append(
                    String(
                        format:
                            "{\(head), \"metric\": \"gateway_cpu\", \"gateway\": \"gateway-%d\", \"role\": \"%@\", \"cpu_seconds\": %.3f, \"cores\": %.3f, \"window_seconds\": %.3f}",
                        index + 1, index == 0 ? "leader" : "follower", cpu, cpu / wall, wall))
            }
            let provers = after.proverCPU - before.proverCPU
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            var busy = Double.nan
            if let a = after.machine, let b = before.machine, a.total > b.total {
                busy = Double(a.busy - b.busy) / Double(a.total - b.total) * cores
            }
            lines.append(
                String(
                    format:
                        "{\(head), \"metric\": \"process_cpu\", \"provers_cpu_seconds\": %.3f, \"provers_cores\": %.3f, \"machine_busy_cores\": %.3f, \"machine_cores\": %d}",
                    provers, provers / wall, busy, Int(cores)))
            func delta(_ name: String) -> Double { (after.metrics[name] ?? 0) - (before.metrics[name] ?? 0) }
            let passes = delta("provernet_gateway_auction_duration_seconds_count")
            let passSeconds = delta("provernet_gateway_auction_duration_seconds_sum")
            let checks = delta("provernet_gateway_verification_duration_seconds_count")
            let checkSeconds = delta("provernet_gateway_verification_duration_seconds_sum")
            lines.append(
                String(
                    format:
                        "{\(head), \"metric\": \"leader\", \"market_passes\": %.0f, \"pass_mean_ms\": %.2f, \"pass_seconds\": %.3f, \"pass_share_of_wall\": %.4f, \"result_checks\": %.0f, \"check_mean_ms\": %.2f, \"check_seconds\": %.3f}",
                    passes, passes > 0 ? passSeconds / passes * 1000 : .nan, passSeconds, passSeconds / wall, checks,
                    checks > 0 ? checkSeconds / checks * 1000 : .nan, checkSeconds))
            if let start = before.database, let end = databaseAfter {
                let commits = end.commits - start.commits
                lines.append(
                    String(
                        format:
                            "{\(head), \"metric\": \"database\", \"commits\": %lld, \"commits_per_second\": %.1f, \"rollbacks\": %lld, \"active_seconds\": %.3f, \"idle_in_transaction_seconds\": %.3f, \"rows_written\": %lld, \"rows_read\": %lld}",
                        commits, Double(commits) / wall, end.rollbacks - start.rollbacks,
                        (end.activeMillis - start.activeMillis) / 1000,
                        (end.idleInTransactionMillis - start.idleInTransactionMillis) / 1000,
                        end.rowsWritten - start.rowsWritten, end.rowsRead - start.rowsRead))
            }
            return lines
        }
    }

    /// The counters read before and after the measured requests.
    struct Sample {
        /// CPU seconds by gateway process.
        var cpu: [pid_t: Double]
        /// CPU seconds of the provers and their workers together.
        var proverCPU: Double
        var machine: (busy: Int64, total: Int64)?
        /// The leader's `/metrics`, summed over labels, by name.
        var metrics: [String: Double]
        var database: PostgresStore.DatabaseActivity?
    }

    /// Starts the network (`count` gateways, the provers spread across them), warms it up, and runs the measured
    /// requests, spread across the gateways.
    func measure(_ network: ProcessNetwork, count: Int, perProver: Int, constraints: Int) async throws -> GatewaysRun {
        let names = (1...provers).map { "prover-\($0)" }
        // Allowlisted in the database before the first gateway starts (no one-time codes to wait for).
        try await network.addProvers(
            names, arguments: Dictionary(uniqueKeysWithValues: names.map { ($0, ["--threads", "\(perProver)"]) }))
        try await network.startGateway()
        let keys = await network.keys
        var addresses = ["127.0.0.1:\(await network.port)"]
        var endpoints = [await network.clientEndpoint]
        for index in stride(from: 2, through: count, by: 1) {
            let port = try await network.startPeerGateway("gateway-\(index)")
            addresses.append("127.0.0.1:\(port)")
            endpoints.append(await network.peerEndpoint("gateway-\(index)").presenting(keys?.client))
        }
        note("gateways   \(count) on \(settingsDatabase(network)): \(addresses.joined(separator: ", "))")
        for (index, name) in names.enumerated() {
            try await network.route(name, through: addresses[index % count])
            try await network.startProver(name)
        }
        try await network.waitForProvers(names, timeout: .seconds(300))
        note("provers    \(provers), \(perProver) thread(s) each, round-robin across the gateways")
        let circuit = try await ProverNetClient.withClient(endpoint: endpoints[0]) { client in
            try await client.registerSyntheticCircuit(constraints: UInt64(constraints), name: "bench").id
        }
        for w in 0..<max(0, warmup) {
            try await ProverNetClient.withClient(endpoint: endpoints[w % count]) { client in
                let list = (0..<provers).map { "{\"x\": \"\(w * 1000 + $0 + 900_000)\", \"y\": \"3\"}" }
                let submitted = try await client.submit(
                    circuit: circuit, inputs: list, maxPricePerJob: Self.maxPrice)
                for try await _ in client.watch(request: submitted.id) {}
            }
        }
        let gateways = await network.gatewayProcesses
        let healthPort = await network.healthPort
        let url = network.settings.database
        func sample() async -> Sample {
            var cpu: [pid_t: Double] = [:]
            for gateway in gateways { cpu[gateway.pid] = ProcessCPU.seconds(of: gateway.pid) }
            // Everything below this process but the gateways: the provers and their workers.
            let proverCPU = ProcessCPU.secondsBelowThisProcess(excluding: Set(gateways.map(\.pid)))
            let metrics = await Self.metrics(port: healthPort)
            let database = url == nil ? nil : try? await PostgresStore.activity(of: url!)
            return Sample(
                cpu: cpu, proverCPU: proverCPU, machine: ProcessCPU.machine(), metrics: metrics, database: database)
        }
        let before = await sample()
        let targets = endpoints
        let started = ContinuousClock.now
        let ids = try await withThrowingTaskGroup(of: RequestID.self) { group in
            for r in 0..<requests {
                group.addTask {
                    try await ProverNetClient.withClient(endpoint: targets[r % count]) { client in
                        let list = (0..<inputs).map { "{\"x\": \"\(r * 1000 + $0 + 2)\", \"y\": \"\($0 + 7)\"}" }
                        let submitted = try await client.submit(
                            circuit: circuit, inputs: list, maxPricePerJob: Self.maxPrice)
                        for try await _ in client.watch(request: submitted.id) {}
                        return submitted.id
                    }
                }
            }
            var ids: [RequestID] = []
            for try await id in group {
                ids.append(id)
                if ProcessNetwork.seconds(ContinuousClock.now - started) > timeout { group.cancelAll() }
            }
            return ids
        }
        let wall = ProcessNetwork.seconds(ContinuousClock.now - started)
        let after = await sample()
        return GatewaysRun(ids: ids, gateways: gateways, before: before, after: after, wallSeconds: wall)
    }

    private func settingsDatabase(_ network: ProcessNetwork) -> String {
        network.settings.database.map { PostgresStoreConfiguration.redacted($0) } ?? "sqlite"
    }

    /// The leader's Prometheus exposition, each metric summed over its labels (empty when it cannot be read).
    static func metrics(port: Int?) async -> [String: Double] {
        guard let port, let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
            let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url))
        else { return [:] }
        var sums: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let key = line[..<space]
            let name = String(key[..<(key.firstIndex(of: "{") ?? key.endIndex)])
            sums[name, default: 0] += value
        }
        return sums
    }
}
