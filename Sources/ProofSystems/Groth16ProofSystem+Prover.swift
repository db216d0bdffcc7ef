import BN254
import Circom
import Foundation
import Groth16
import ProverNetCore

extension Groth16ProofSystem {
    public func checkWork(_ work: JobWork, limits: NetworkLimits) throws(ProverNetError) {
        guard work.inputJSON.utf8.count <= limits.maxInputBytes else {
            throw .invalidInput(
                index: nil,
                reason: "input of \(work.inputJSON.utf8.count) bytes is over the limit of \(limits.maxInputBytes)")
        }
        guard work.artifact(.zkey) != nil else { throw .invalidCircuit(reason: "no zkey artifact") }
        switch work.circuitKind {
        case .circom?:
            guard work.artifact(.wasm) != nil else {
                throw .invalidCircuit(reason: "a circom circuit needs its wasm artifact")
            }
        case .synthetic?:
            guard work.constraints > 0, work.constraints <= limits.maxSyntheticConstraints else {
                throw .invalidCircuit(reason: "a synthetic circuit of \(work.constraints) constraints is out of range")
            }
        default:
            throw .invalidCircuit(reason: "unknown circuit kind \(work.circuitKind?.rawValue ?? "(none)")")
        }
    }

    /// Proves one input: the proving key and the witness generator come from the cache when they are of the
    /// last job's circuit. With a checkpoint directory, the witness and every finished stage are kept
    /// there as they are done, an interrupted proof resumes from what is there, and the directory is
    /// removed once the proof is made.
    public func prove(_ task: ProvingTask, progress: (ProvingProgress) -> Void) throws -> ProvingOutput {
        lock.lock()
        defer { lock.unlock() }
        let start = ContinuousClock.now
        progress(ProvingProgress(stage: "loading key", fraction: 0.02))
        let (key, read) = try cache.provingKey(try task.file(.zkey))
        let keyDone = ContinuousClock.now
        progress(ProvingProgress(stage: read ? "key read" : "key in memory", fraction: 0.04))
        let checkpoint = task.checkpoint.map { ProofCheckpoint(directory: $0) }
        progress(ProvingProgress(stage: "witness", fraction: 0.05))
        let witness: [Fr]
        if let checkpoint, case .loaded(let saved) = checkpoint.loadWitness(for: key) {
            witness = saved
            progress(ProvingProgress(stage: "resumed witness from the checkpoint", fraction: 0.1))
        } else {
            let witnesses: Groth16Circuit.Witnesses
            switch task.circuitKind {
            case .circom?: witnesses = .circom(try cache.witnessCalculator(try task.file(.wasm)))
            case .synthetic?: witnesses = .synthetic(constraints: Int(task.constraints))
            default:
                throw ProverNetError.proving(reason: "unknown circuit kind \(task.circuitKind?.rawValue ?? "(none)")")
            }
            witness = try witnesses.witness(inputJSON: try task.inputJSON())
            // A failure to save only costs the chance to skip the witness after a crash.
            try? checkpoint?.saveWitness(witness, for: key)
            progress(ProvingProgress(stage: "witness", fraction: 0.1))
        }
        let provingStart = ContinuousClock.now
        let proof: Data
        let signals: Data
        if let checkpoint {
            progress(ProvingProgress(stage: "proving", fraction: 0.3))
            // The stages in the order the prover runs them, for a fraction of the way.
            let order: [ProofCheckpoint.Stage] = [.h, .msmH, .msmA, .msmB1, .msmB2, .msmC]
            (proof, signals) = try Self.prove(key: key, witness: witness, threads: task.threads, checkpoint: checkpoint)
            { event in
                let done = Double((order.firstIndex(of: event.stage) ?? 0) + 1) / Double(order.count)
                let fraction = 0.3 + 0.65 * done
                switch event {
                case .resumed:
                    progress(ProvingProgress(stage: "resumed \(event.stage) from the checkpoint", fraction: fraction))
                case .computed: progress(ProvingProgress(stage: "proving", fraction: fraction))
                case .rejected, .saveFailed:
                    progress(ProvingProgress(stage: "checkpoint: \(event)", fraction: fraction))
                }
            }
        } else {
            (proof, signals) = try Self.prove(key: key, witness: witness, threads: task.threads) { stage, fraction in
                progress(ProvingProgress(stage: stage, fraction: fraction))
            }
        }
        let done = ContinuousClock.now
        try? checkpoint?.remove()
        return ProvingOutput(
            payload: ProofPayload(
                proofJSON: String(decoding: proof, as: UTF8.self), publicJSON: String(decoding: signals, as: UTF8.self)),
            keySeconds: Self.seconds(keyDone - start), witnessSeconds: Self.seconds(provingStart - keyDone),
            proveSeconds: Self.seconds(done - provingStart))
    }

    public func checkEncoding(_ payload: ProofPayload, limits: NetworkLimits) throws(ProverNetError) {
        guard let proofJSON = payload.proofJSON, let publicJSON = payload.publicJSON else {
            throw .invalidProof(reason: "no proof and public signals")
        }
        guard proofJSON.utf8.count <= limits.maxProofJSONBytes, publicJSON.utf8.count <= limits.maxProofJSONBytes else {
            throw .invalidProof(reason: "the proof is larger than \(limits.maxProofJSONBytes) bytes")
        }
        _ = try Groth16Circuit.decode(proofJSON: proofJSON, publicJSON: publicJSON)
    }

    /// Proves a synthetic circuit of a 2^`log2Size` domain twice (the first warms caches and thread pools)
    /// and keeps the faster.
    public func measure(log2Size: Int, threads: Int) throws -> ProvingMeasurement? {
        // A domain of 2^k holds the constraints plus one row per public signal and the constant.
        let constraints = max(1, (1 << log2Size) - 2)
        let (r1cs, witness) = SyntheticCircuit.make(constraints: constraints)
        let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: threads)
        var best = Double.infinity
        for _ in 0..<2 {
            let start = ContinuousClock.now
            _ = try Prover.prove(key: key, witness: witness, threads: threads)
            best = min(best, Self.seconds(ContinuousClock.now - start))
        }
        return ProvingMeasurement(seconds: best, size: UInt64(key.domainSize))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// What a worker keeps between jobs: the proving key and the witness generator of the last circuit it
    /// proved. One of each, because a key is the largest thing a prover holds; a job of another circuit
    /// replaces them.
    struct ProverCache {
        var key = FileSlot<ProvingKey>()
        var calculator = FileSlot<WitnessCalculator>()

        /// The proving key, and whether it had to be read (false: it was in memory from an earlier job).
        mutating func provingKey(_ zkey: URL) throws -> (key: ProvingKey, read: Bool) {
            let (value, read) = try key.value(for: zkey) { try Groth16ProofSystem.loadProvingKey($0) }
            return (value, read)
        }

        mutating func witnessCalculator(_ wasm: URL) throws -> WitnessCalculator {
            try calculator.value(for: wasm) { try WitnessCalculator(wasmFile: $0) }.value
        }
    }
}

/// One value read from a file, kept while the file is the same (its path, size and modification time:
/// a file replaced under the same name is read again).
struct FileSlot<Value> {
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
}
