import BN254
import Circom
import Foundation
import Groth16
import ProofSystems
import ProverNetCore
import SnarkPack

/// What the hidden `provernet prover worker` subcommand does, in the child process: compute the witness,
/// prove, and write `proof.json` and `public.json`, reporting its stages. Kept apart from the node so that
/// a crash or an out-of-memory kill here cannot take the node or its connection down.
public enum ProofWorker {
    /// How the witness is computed.
    public enum WitnessSource: Sendable, Equatable {
        /// A circom witness generator.
        case wasm(URL)
        /// The built-in synthetic circuit of this many constraints.
        case synthetic(constraints: Int)
    }

    /// The names of the outputs in the output directory.
    public static let proofFile = "proof.json"
    public static let publicFile = "public.json"
    /// Where the worker writes how long each phase took (`WorkerTimings`).
    public static let timingsFile = "timings.json"
    /// The output of an aggregation job.
    public static let aggregateFile = "aggregate.bin"

    /// Proves one input and writes the outputs to `outputDirectory`.
    public static func run(
        zkey: URL, witness source: WitnessSource, inputJSON: String, outputDirectory: URL, threads: Int,
        progress: (WorkerProgress) -> Void
    ) throws {
        try run(
            zkey: zkey, witness: source, inputJSON: inputJSON, outputDirectory: outputDirectory, threads: threads,
            cache: Cache(), progress: progress)
    }

    /// Proves one input with what `cache` holds from earlier jobs of the same process (the proving key and
    /// the witness generator of the last circuit), and writes the outputs to `outputDirectory`. With a
    /// `checkpoint` directory, the witness and every finished stage are kept there as they are done, an
    /// interrupted proof resumes from what is there, and the directory is removed once the proof is written.
    public static func run(
        zkey: URL, witness source: WitnessSource, inputJSON: String, outputDirectory: URL, threads: Int,
        cache: Cache, checkpoint checkpointURL: URL? = nil, progress: (WorkerProgress) -> Void
    ) throws {
        let start = ContinuousClock.now
        progress(WorkerProgress(stage: "loading key", fraction: 0.02))
        let (key, read) = try cache.provingKey(zkey)
        let keyDone = ContinuousClock.now
        progress(WorkerProgress(stage: read ? "key read" : "key in memory", fraction: 0.04))
        let checkpoint = checkpointURL.map { ProofCheckpoint(directory: $0) }
        progress(WorkerProgress(stage: "witness", fraction: 0.05))
        let witness: [Fr]
        if let checkpoint, case .loaded(let saved) = checkpoint.loadWitness(for: key) {
            witness = saved
            progress(WorkerProgress(stage: "resumed witness from the checkpoint", fraction: 0.1))
        } else {
            let witnesses: Groth16Circuit.Witnesses
            switch source {
            case .wasm(let url):
                witnesses = .circom(try cache.witnessCalculator(url))
            case .synthetic(let constraints):
                witnesses = .synthetic(constraints: constraints)
            }
            witness = try witnesses.witness(inputJSON: inputJSON)
            // A failure to save only costs the chance to skip the witness after a crash.
            try? checkpoint?.saveWitness(witness, for: key)
            progress(WorkerProgress(stage: "witness", fraction: 0.1))
        }
        let provingStart = ContinuousClock.now
        let proof: Data
        let signals: Data
        if let checkpoint {
            progress(WorkerProgress(stage: "proving", fraction: 0.3))
            // The stages in the order the prover runs them, for a fraction of the way.
            let order: [ProofCheckpoint.Stage] = [.h, .msmH, .msmA, .msmB1, .msmB2, .msmC]
            (proof, signals) = try Groth16ProofSystem.prove(
                key: key, witness: witness, threads: threads, checkpoint: checkpoint
            ) {
                event in
                let done = Double((order.firstIndex(of: event.stage) ?? 0) + 1) / Double(order.count)
                switch event {
                case .resumed:
                    progress(
                        WorkerProgress(stage: "resumed \(event.stage) from the checkpoint", fraction: 0.3 + 0.65 * done)
                    )
                case .computed: progress(WorkerProgress(stage: "proving", fraction: 0.3 + 0.65 * done))
                case .rejected, .saveFailed:
                    progress(WorkerProgress(stage: "checkpoint: \(event)", fraction: 0.3 + 0.65 * done))
                }
            }
        } else {
            (proof, signals) = try Groth16ProofSystem.prove(key: key, witness: witness, threads: threads) {
                stage, fraction in
                progress(WorkerProgress(stage: stage, fraction: fraction))
            }
        }
        let provingDone = ContinuousClock.now
        let timings = WorkerTimings(
            witnessSeconds: Calibration.seconds(provingStart - keyDone),
            keySeconds: Calibration.seconds(keyDone - start),
            proveSeconds: Calibration.seconds(provingDone - provingStart))
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try proof.write(to: outputDirectory.appendingPathComponent(proofFile), options: .atomic)
        try signals.write(to: outputDirectory.appendingPathComponent(publicFile), options: .atomic)
        try JSONEncoder().encode(timings).write(
            to: outputDirectory.appendingPathComponent(timingsFile), options: .atomic)
        try? checkpoint?.remove()
        progress(WorkerProgress(stage: "done", fraction: 1))
    }

    /// Aggregates the proofs of a bundle file and writes `aggregate.bin` to `outputDirectory`.
    public static func aggregate(
        srs: URL, verificationKey: URL, proofs: URL, outputDirectory: URL, threads: Int, cache: Cache,
        progress: (WorkerProgress) -> Void
    ) throws {
        progress(WorkerProgress(stage: "loading reference string", fraction: 0.05))
        let start = ContinuousClock.now
        let referenceString = try cache.referenceString(srs)
        let bundle = try AggregationBundle(json: Data(contentsOf: proofs))
        let keyJSON = try Data(contentsOf: verificationKey)
        progress(WorkerProgress(stage: "aggregating", fraction: 0.2))
        let aggregateStart = ContinuousClock.now
        let bytes = try SnarkPackProofSystem.aggregate(
            bundle: bundle, verificationKeyJSON: keyJSON, srs: referenceString, threads: threads)
        let done = ContinuousClock.now
        let timings = WorkerTimings(
            witnessSeconds: 0, keySeconds: Calibration.seconds(aggregateStart - start),
            proveSeconds: Calibration.seconds(done - aggregateStart))
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try Data(bytes).write(to: outputDirectory.appendingPathComponent(aggregateFile), options: .atomic)
        try JSONEncoder().encode(timings).write(
            to: outputDirectory.appendingPathComponent(timingsFile), options: .atomic)
        progress(WorkerProgress(stage: "done", fraction: 1))
    }

    /// What a worker that proves many jobs keeps between them: the proving key and the witness generator of
    /// the last circuit it proved, and the last SnarkPack reference string it aggregated with, so that the
    /// next job of the same kind starts at once. One of each, because a key is the largest thing a prover
    /// holds; a job of another circuit replaces them.
    public final class Cache {
        private var key = Slot<ProvingKey>()
        private var calculator = Slot<WitnessCalculator>()
        private var srs = Slot<SRS>()

        public init() {}

        /// The proving key, and whether it had to be read (false: it was in memory from an earlier job).
        func provingKey(_ zkey: URL) throws -> (key: ProvingKey, read: Bool) {
            let (value, read) = try key.value(for: zkey) { try Groth16ProofSystem.loadProvingKey($0) }
            return (value, read)
        }

        /// A reference string, read and checked (every point, and that they are powers) once per file.
        func referenceString(_ file: URL) throws -> SRS {
            try srs.value(for: file) { try SRS(encoded: [UInt8](try Data(contentsOf: $0))) }.value
        }

        func witnessCalculator(_ wasm: URL) throws -> WitnessCalculator {
            try calculator.value(for: wasm) { try WitnessCalculator(wasmFile: $0) }.value
        }

        /// One value read from a file, kept while the file is the same.
        struct Slot<Value> {
            private var entry: (file: FileIdentity, value: Value)?

            /// The value, and whether it was read now (false: it was kept).
            mutating func value(for url: URL, load: (URL) throws -> Value) throws -> (value: Value, read: Bool) {
                let identity = try FileIdentity(url)
                if let entry, entry.file == identity { return (entry.value, false) }
                entry = nil // free the old value before reading the new one
                let loaded = try load(url)
                entry = (identity, loaded)
                return (loaded, true)
            }
        }
    }

    /// A file as the cache knows it: its path, size and modification time, so that a file replaced under
    /// the same name (the artifact cache names files by content hash, so this should not happen) is read again.
    struct FileIdentity: Equatable {
        var path: String
        var size: UInt64
        var modified: Date

        init(_ url: URL) throws {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            path = url.standardizedFileURL.path
            size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
            modified = attributes[.modificationDate] as? Date ?? .distantPast
        }
    }

    /// What `provernet prover worker --serve` does: reads one `WorkerRequest` per line from `input`, proves
    /// it with a cache kept across requests, and writes its progress lines then one `WorkerEnd` line to
    /// `output`; returns at the end of `input` (the node closed the pipe).
    public static func serve(readLine: () -> String?, writeLine: (String) -> Void) {
        let cache = Cache()
        while let line = readLine() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let end: WorkerEnd
            do {
                let request = try JSONDecoder().decode(WorkerRequest.self, from: Data(line.utf8))
                switch request.task {
                case .prove(let zkey, let witness, let input, let checkpoint):
                    let inputJSON = try String(contentsOf: input, encoding: .utf8)
                    try run(
                        zkey: zkey, witness: witness, inputJSON: inputJSON, outputDirectory: request.outputDirectory,
                        threads: request.threads, cache: cache, checkpoint: checkpoint
                    ) { progress in
                        writeLine(progress.line)
                    }
                case .aggregate(let srs, let verificationKey, let proofs):
                    try aggregate(
                        srs: srs, verificationKey: verificationKey, proofs: proofs,
                        outputDirectory: request.outputDirectory,
                        threads: request.threads, cache: cache
                    ) { progress in
                        writeLine(progress.line)
                    }
                }
                end = WorkerEnd(ok: true, error: nil)
            } catch {
                end = WorkerEnd(ok: false, error: "\(error)")
            }
            writeLine(end.line)
        }
    }
}

extension ProofWorker {
    /// Ends this process as soon as its parent (the node) is gone, checked every `interval` by a thread of
    /// its own: a node killed with SIGKILL must not leave a worker proving a job that the restarted node
    /// takes up again (from the same files).
    public static func exitWithParent(checkingEvery interval: TimeInterval = 0.5) {
        let parent = getppid()
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                if getppid() != parent { _exit(3) }
            }
        }
        thread.name = "parent-watch"
        thread.start()
    }

    /// Lowers this process's CPU priority, so that the node's own work (its heartbeats) and the machine
    /// stay responsive while it proves on every core. On Linux a niceness belongs to each thread (and a new
    /// thread inherits its creator's), so every thread that exists now is lowered, not just the caller.
    public static func lowerPriority(to niceness: Int) {
        #if os(Linux)
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap {
                UInt32($0)
            }
            for thread in threads ?? [0] {
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, Int32(clamping: niceness))
            }
        #else
            _ = setpriority(PRIO_PROCESS, 0, Int32(clamping: niceness))
        #endif
    }
}
