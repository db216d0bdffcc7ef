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

/// `provernet bench network`: a devnet-like network (the gateway in this process, prover processes) under
/// a burst of requests, measured from the gateway's own records.
struct NetworkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract:
            "Run a local network under R requests of I inputs and print latency, time to first assignment, throughput and the share of time outside proving.",
        discussion: """
            Prints JSON lines. request_latency_ms: submission to done, per request. first_assignment_ms: \
            submission to the first lease of any of its jobs. throughput: jobs verified per second over the run. \
            outside_proving: of each job's lease time (assigned to verified), the share the prover did not \
            report as proving (auction round, messages, artifact cache, witness, key loading, verification), \
            and of each job's end-to-end time (submitted to verified, queueing included) the share outside \
            proving. With more jobs than provers, end to end includes the wait for a free prover, so \
            busy_provers also gives the share of the provers' time over the run that went to proving. Proving \
            time is what the prover reports for its worker. Before the measured requests, \
            --warmup requests of one input per prover run unmeasured, so that the numbers are those of a \
            running network (artifacts downloaded, keys loaded in the workers), not of its first job. \
            --database sqlite (the default) or postgres://… chooses the gateway's store; given several times, \
            the bench runs once per database, one after the other, each in a process of its own, and every line \
            says which ("database"). A PostgreSQL database should be empty: the bench leaves its records there. \
            --gateways N (or a list, 1,2,3: one run each, in a process of its own, for each database) runs every \
            gateway as a `provernet gateway` process on the one database instead of the gateway in this process: \
            on PostgreSQL the first leads the market and the others relay to it; the provers connect round-robin \
            to the gateways and request r is submitted and watched on gateway r mod N. Each run gets a fresh \
            database provernet_bench_… made on the URL's server (its user needs CREATEDB) and dropped after it. \
            Its lines add "gateways", and gateway_cpu (each gateway's CPU over the measured window, from /proc), \
            process_cpu (the provers' and the machine's), leader (the leader's market passes, commits included, \
            and result checks, from its /metrics) and, on PostgreSQL, database (pg_stat_database: commits, \
            active time). More than one gateway on SQLite is refused: SQLite is one gateway's own file. \
            A table of the runs follows on standard error.
            """)

    @Option(help: "Prover processes.") var provers: Int = 2
    @Option(help: "Requests, submitted all at once.") var requests: Int = 4
    @Option(help: "Inputs (jobs) per request.") var inputs: Int = 4
    @Option(help: "The circuit: synth:N or synth:2^K (a synthetic circuit whose domain is the next power of two).")
    var circuit: String = "synth:2^12"
    @Option(help: "Milliseconds between market rounds.") var roundIntervalMs: Int = 200
    @Option(help: "Threads per prover (default: cores / provers, at least 1).") var threads: Int?
    @Option(help: "Unmeasured requests (one input per prover each) run first.") var warmup: Int = 1
    @Option(help: "Give up after this many seconds.") var timeout: Double = 900
    @Option(help: "The gateway's store: sqlite, or a postgres:// URL (repeatable: one run per database).")
    var database: [String] = ["sqlite"]
    @Option(
        help:
            "Gateway processes on the one database: a count, or a list such as 1,2,3 (one run each). Default: the gateway in this process."
    )
    var gateways: String?
    @Flag(help: .hidden) var noTable = false

    func run() async throws {
        for name in database where name != "sqlite" && !PostgresStoreConfiguration.isPostgresURL(name) {
            throw failure(
                "--database must be sqlite or a postgres:// URL, not \(PostgresStoreConfiguration.redacted(name))")
        }
        let counts = try gateways.map(Self.gatewayCounts)
        if let several = counts?.first(where: { $0 > 1 }), database.contains("sqlite") {
            throw failure(
                "--gateways \(several) needs a PostgreSQL database (--database postgres://…): several gateways share one PostgreSQL, and SQLite is one gateway's own file"
            )
        }
        let runs = database.flatMap { name in (counts ?? [0]).map { (name, $0) } }
        if runs.count > 1 {
            var lines: [String] = []
            for (name, count) in runs { lines += try runAlone(database: name, gateways: count == 0 ? nil : count) }
            if !noTable { Self.printTable(lines) }
            return
        }
        guard circuit.hasPrefix("synth:"), let k = BN254Bench.parseSize(String(circuit.dropFirst(6))), k >= 4,
            k <= 1 << 20
        else {
            throw failure("--circuit must be synth:N or synth:2^K with 16 ≤ N ≤ 2^20, not \(circuit)")
        }
        guard provers >= 1, requests >= 1, inputs >= 1 else {
            throw failure("--provers, --requests and --inputs must be at least 1")
        }
        // A power-of-two size means its domain: the synthetic circuit has 2 more rows than constraints.
        let constraints = k & (k - 1) == 0 ? k - 2 : k
        let perProver = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / provers)
        if let count = counts?.first {
            try await runGateways(count: count, database: database[0], constraints: constraints, perProver: perProver)
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var configuration = GatewayConfiguration(dataDirectory: root.appendingPathComponent("gateway").path)
        configuration.port = 0
        configuration.roundInterval = .milliseconds(roundIntervalMs)
        // The bench measures the network, not its per-key limits.
        configuration.access.callsPerSecond = 1_000_000
        configuration.access.callBurst = 1_000_000
        configuration.access.submissionsPerSecond = 1_000_000
        configuration.access.submissionBurst = 1_000_000
        let network: InProcessNetwork
        do {
            let store: (any GatewayStore)? =
                database[0] == "sqlite" ? nil : try await PostgresStore.open(url: database[0])
            network = try await InProcessNetwork.start(
                root: root, executable: ProverNodeConfiguration.currentExecutable, configuration: configuration,
                proofSystems: .standard(), store: store, provers: provers, threadsPerProver: perProver,
                logLevel: .notice
            ) { note($0) }
        } catch {
            throw failure("\(error)")
        }
        configuration = network.server.configuration
        do {
            try await network.waitForProvers(provers, timeout: 300)
            let ids = try await ProverNetClient.withClient(endpoint: network.endpoint) { client -> [RequestID] in
                let registered = try await client.registerSyntheticCircuit(
                    constraints: UInt64(constraints), name: "bench")
                for w in 0..<max(0, warmup) {
                    let list = (0..<provers).map { "{\"x\": \"\(w * 1000 + $0 + 900_000)\", \"y\": \"3\"}" }
                    let submitted = try await client.submit(
                        circuit: registered.id, inputs: list, maxPricePerJob: Self.maxPrice)
                    for try await _ in client.watch(request: submitted.id) {}
                }
                let started = Date()
                let ids = try await withThrowingTaskGroup(of: RequestID.self) { group in
                    for r in 0..<requests {
                        group.addTask {
                            let list = (0..<inputs).map { "{\"x\": \"\(r * 1000 + $0 + 2)\", \"y\": \"\($0 + 7)\"}" }
                            let submitted = try await client.submit(
                                circuit: registered.id, inputs: list, maxPricePerJob: Self.maxPrice)
                            for try await _ in client.watch(request: submitted.id) {}
                            return submitted.id
                        }
                    }
                    var ids: [RequestID] = []
                    for try await id in group {
                        ids.append(id)
                        if Date().timeIntervalSince(started) > timeout { group.cancelAll() }
                    }
                    return ids
                }
                return ids
            }
            let lines = try await reportLines(
                ids: ids, store: network.server.store, jobClass: JobClass.groth16(domainSize: UInt64(constraints + 2)),
                gateways: nil)
            for line in lines { print(line) }
            if !noTable { Self.printTable(lines) }
        } catch let error as HarnessError {
            await network.stop()
            throw failure("\(error)")
        } catch {
            await network.stop()
            throw error
        }
        await network.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// The first fields of every line: what ran.
    func lineHead(jobClass: JobClass, gateways: Int?) -> String {
        let store = database.first == "sqlite" ? "sqlite" : "postgres"
        return
            "\"op\": \"network\", \"database\": \"\(store)\", \(gateways.map { "\"gateways\": \($0), " } ?? "")\"circuit\": \"\(circuit)\", \"class\": \"\(jobClass)\", \"provers\": \(provers), \"requests\": \(requests), \"inputs\": \(inputs), \"round_interval_ms\": \(roundIntervalMs), \"warmup\": \(warmup)"
    }

    /// The lines of the in-process bench, from the gateway's records of the requests `ids`.
    func reportLines(ids: [RequestID], store: any GatewayStore, jobClass: JobClass, gateways: Int?) async throws
        -> [String]
    {
        var latency: [Double] = []
        var firstAssignment: [Double] = []
        var leaseTime = 0.0
        var endToEnd = 0.0
        var proving = 0.0
        var first = Int64.max
        var last = Int64.min
        var jobsDone = 0
        var failed = 0
        for id in ids {
            guard let request = try await store.request(id: id) else { continue }
            let jobs = try await store.jobs(requestID: id)
            first = min(first, request.createdMillis)
            guard case .done(let finished) = request.state else {
                failed += 1
                continue
            }
            last = max(last, finished)
            latency.append(Double(finished - request.createdMillis))
            if let assigned = jobs.compactMap({ $0.state.verified?.lease.grantedMillis }).min() {
                firstAssignment.append(Double(assigned - request.createdMillis))
            }
            for job in jobs {
                guard let proof = job.state.verified else { continue }
                let (verified, assigned) = (proof.verifiedMillis, proof.lease.grantedMillis)
                jobsDone += 1
                leaseTime += Double(verified - assigned)
                endToEnd += Double(verified - request.createdMillis)
                proving += Double(proof.proveMillis)
            }
        }
        func percentiles(_ values: [Double]) -> String {
            let sorted = values.sorted()
            func p(_ q: Double) -> Double {
                sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
            }
            return String(
                format: "\"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, \"max\": %.1f", p(0.5), p(0.9), p(0.99), p(1))
        }
        let head = lineHead(jobClass: jobClass, gateways: gateways)
        var lines: [String] = []
        lines.append("{\(head), \"metric\": \"request_latency_ms\", \(percentiles(latency)), \"failed\": \(failed)}")
        lines.append("{\(head), \"metric\": \"first_assignment_ms\", \(percentiles(firstAssignment))}")
        let seconds = Double(last - first) / 1000
        lines.append(
            String(
                format:
                    "{\(head), \"metric\": \"throughput\", \"jobs\": %d, \"seconds\": %.3f, \"jobs_per_second\": %.3f}",
                jobsDone, seconds, Double(jobsDone) / max(seconds, 1e-9)))
        lines.append(
            String(
                format:
                    "{\(head), \"metric\": \"outside_proving\", \"of_lease_time\": %.4f, \"of_end_to_end\": %.4f, \"mean_prove_ms\": %.1f, \"mean_lease_ms\": %.1f}",
                leaseTime > 0 ? 1 - proving / leaseTime : .nan, endToEnd > 0 ? 1 - proving / endToEnd : .nan,
                proving / Double(max(jobsDone, 1)), leaseTime / Double(max(jobsDone, 1))))
        lines.append(
            String(
                format: "{\(head), \"metric\": \"busy_provers\", \"proving_share\": %.4f}",
                seconds > 0 ? proving / 1000 / (seconds * Double(provers)) : .nan))
        return lines
    }

    /// Runs this bench on one database (with `gateways` gateway processes, if given) in a child process (a
    /// network per process: the gateway's logging is set up once per process); its lines are passed through
    /// and returned.
    func runAlone(database name: String, gateways count: Int?) throws -> [String] {
        var arguments = [
            "bench", "network", "--provers", "\(provers)", "--requests", "\(requests)", "--inputs", "\(inputs)",
            "--circuit", circuit, "--round-interval-ms", "\(roundIntervalMs)", "--warmup", "\(warmup)",
            "--timeout", "\(timeout)", "--database", name, "--no-table",
        ]
        if let threads { arguments += ["--threads", "\(threads)"] }
        if let count { arguments += ["--gateways", "\(count)"] }
        // Its lines go to a file, not a pipe: a process it started and left behind could hold a pipe open.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-bench-\(UUID().uuidString.prefix(8)).jsonl")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw failure("cannot create \(output.path)")
        }
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProverNodeConfiguration.currentExecutable.path)
        process.arguments = arguments
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try? handle.close()
        let lines = ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        for line in lines { print(line) }
        guard process.terminationStatus == 0 else {
            throw failure(
                "the bench on \(PostgresStoreConfiguration.redacted(name))\(count.map { " with \($0) gateway(s)" } ?? "") exited \(process.terminationStatus)"
            )
        }
        return lines
    }
}
