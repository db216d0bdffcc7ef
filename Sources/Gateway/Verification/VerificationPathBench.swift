import Dispatch
import Foundation
import Logging
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization

/// The gateway's verification path under a burst of results, for `provernet bench verify-path`: real proofs
/// of a small synthetic circuit (made by the `prove` the command gives, as the gateway names no proof system), checked by the `ResultChecker` (so by the `VerificationBatcher`) and judged
/// by the coordinator on a real SQLite database in a scratch directory, as the prover service does for each
/// result that arrives. No network: what it measures is verification, the book and the commits.
public enum VerificationPathBench {
    /// What one pass measured.
    public struct Outcome: Sendable {
        public var proofs: Int
        public var accepted: Int
        public var seconds: Double
        /// CPU time of the whole process during the pass (every thread).
        public var cpuSeconds: Double
        public var batches: Int
        public var largestBatch: Int
        public var transactions: Int
        public var events: Int
    }

    /// A gateway in `directory` with one synthetic circuit of `constraints` constraints, `proofs` jobs leased to
    /// provers, and a valid proof made for each.
    public struct Setup: Sendable {
        let directory: URL
        let coordinator: Coordinator
        let registry: CircuitRegistry
        let request: ProofRequest
        let leases: [(prover: ProverID, job: Job, proof: ProofPayload)]
        let store: SQLiteStore
    }

    public static func prepare(
        proofs: Int, constraints: UInt64, directory: URL, proofSystems: ProofSystemRegistry, proofSystem: String,
        jobClass: (_ domainSize: UInt64) -> JobClass,
        prove: @escaping @Sendable (_ inputJSON: String, _ zkey: URL) -> ProofPayload?
    ) async throws -> Setup {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = GatewayConfiguration(dataDirectory: directory.path)
        let store = try SQLiteStore(path: configuration.databasePath)
        let artifacts = try ArtifactStore(directory: configuration.artifactsDirectory)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let registry = CircuitRegistry(
            store: store, artifacts: artifacts, proofSystems: proofSystems, limits: configuration.limits, logger: logger
        )
        let circuit = try await registry.register(
            kind: .synthetic, constraints: constraints, name: "bench", uploaded: [])
        let coordinator = Coordinator(
            store: store, circuits: registry, artifacts: artifacts, aggregation: nil, configuration: configuration,
            logger: logger)
        let jobClass = jobClass(circuit.domainSize)
        // Provers of 64 slots each: the market leases every job in one pass.
        let slots = 64
        for index in 0..<((proofs + slots - 1) / slots) {
            let key = [UInt8](hex: ContentHash.sha256Hex(Array("bench-prover-\(index)".utf8))) ?? []
            let id = ProverAuthentication.proverID(publicKey: key)
            _ = try await store.allowProver(
                id: id, publicKeyHex: key.hex, name: "p\(index)", atMillis: Clock.nowMillis())
            let hello = ProverAnnouncement(
                id: id, name: "p\(index)", slots: slots, maxConstraints: 1 << 20,
                proofSystems: [proofSystem], secondsPerJob: [jobClass: 0.01], askPerUnit: .zero,
                askByClass: [:])
            let (stream, continuation) = AsyncStream<ProverInstruction>.makeStream()
            _ = await coordinator.connect(hello, held: [], outbound: continuation)
            // The instructions are not read: the stream only buffers them.
            _ = stream
        }
        let loaded = try await registry.circuit(circuit.id).circuit
        let jobs = try (0..<proofs).map { index in
            let input = #"{"x": "\#(index + 2)", "y": "3"}"#
            return NewJob(inputJSON: input, statementJSON: try loaded.statement(inputJSON: input, index: index))
        }
        let request = try await coordinator.submit(
            circuit: circuit, jobClass: jobClass, jobs: jobs, deadlineSeconds: 3600, maxPricePerJob: Amount(whole: 100),
            redundancy: 1, aggregate: false)
        var rounds = 0
        while await coordinator.leasedJobCount() < proofs, rounds < 100 {
            await coordinator.runRounds()
            rounds += 1
        }
        let (_, leased) = try await coordinator.snapshot(request.id)
        guard
            let zkey = circuit.artifacts.first(where: { $0.role == .zkey }).flatMap({ artifacts.url(sha256: $0.sha256) }
            )
        else { throw GatewayError.configuration("the bench circuit has no zkey") }
        let made = leased.compactMap { job -> (ProverID, Job)? in job.state.lease.map { ($0.prover, job) } }
        guard made.count == proofs else {
            throw GatewayError.configuration("only \(made.count) of \(proofs) jobs were leased")
        }
        let results = Mutex<[Int: ProofPayload]>([:])
        let workers = ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: made.count, by: workers) {
                guard let payload = prove(made[index].1.inputJSON, zkey) else { continue }
                results.withLock { $0[index] = payload }
            }
        }
        let proofsMade = results.withLock { $0 }
        let leases = made.enumerated().compactMap { index, lease in
            proofsMade[index].map { (prover: lease.0, job: lease.1, proof: $0) }
        }
        return Setup(
            directory: directory, coordinator: coordinator, registry: registry, request: request, leases: leases,
            store: store)
    }

    /// Verifies every proof with the circuit on this thread: one by one (`batch` 1) or in batches of `batch`
    /// (decoding and the statement check included, as the gateway pays them). Returns seconds.
    public static func verifyDirectly(_ setup: Setup, batch: Int) async throws -> Double {
        let circuit = try await setup.registry.circuit(setup.request.circuitID).circuit
        let items = setup.leases.map { (proof: $0.proof, statement: $0.job.statementJSON) }
        let start = DispatchTime.now().uptimeNanoseconds
        var invalid = 0
        for chunk in stride(from: 0, to: items.count, by: batch) {
            let slice = Array(items[chunk..<min(items.count, chunk + batch)])
            if batch == 1 {
                if (try? circuit.verify(slice[0].proof, statement: slice[0].statement)) == nil { invalid += 1 }
            } else {
                invalid += circuit.verifyBatch(slice).compactMap { $0 }.count
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard invalid == 0 else { throw GatewayError.configuration("\(invalid) bench proofs did not verify") }
        return seconds
    }

    /// Sends every result at once through the checker and the coordinator, as the prover service would.
    public static func run(_ setup: Setup, settings: VerificationBatcher.Settings) async throws -> Outcome {
        let coordinator = setup.coordinator
        let checker = ResultChecker(
            circuits: setup.registry, aggregation: nil, limits: .default,
            batcher: VerificationBatcher(settings: settings, metrics: coordinator.metrics))
        let request = setup.request
        let before = await coordinator.commitStatistics
        let cpuBefore = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        await withTaskGroup(of: Void.self) { group in
            for lease in setup.leases {
                group.addTask {
                    let checked = await checker.check(
                        lease.proof, proveMillis: 10, job: lease.job, request: request, statements: [])
                    await coordinator.resultArrived(lease.prover, job: lease.job.id, epoch: lease.job.epoch, checked)
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = processCPUSeconds() - cpuBefore
        let after = await coordinator.commitStatistics
        let stats = await checker.batcher.statistics
        let accepted = try await setup.store.ledger(requestID: request.id).filter { $0.kind == .proverPayment }.count
        return Outcome(
            proofs: setup.leases.count, accepted: accepted, seconds: seconds, cpuSeconds: cpuSeconds,
            batches: stats.batches, largestBatch: stats.largestBatch,
            transactions: after.transactions - before.transactions, events: after.events - before.events)
    }

    /// The process's user and system CPU time.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
