import BN254
import Circom
import Foundation
import ProverNetCore

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

    /// Proves one input and writes the outputs to `outputDirectory`.
    public static func run(
        zkey: URL, witness source: WitnessSource, inputJSON: String, outputDirectory: URL, threads: Int,
        progress: (WorkerProgress) -> Void
    ) throws {
        let start = ContinuousClock.now
        progress(WorkerProgress(stage: "witness", fraction: 0.05))
        let witnesses: Groth16Circuit.Witnesses
        switch source {
        case .wasm(let url):
            witnesses = .circom(try WitnessCalculator(wasmFile: url))
        case .synthetic(let constraints):
            witnesses = .synthetic(constraints: constraints)
        }
        let witness = try witnesses.witness(inputJSON: inputJSON)
        progress(WorkerProgress(stage: "witness", fraction: 0.1))
        let witnessDone = ContinuousClock.now
        var provingStart = witnessDone
        let (proof, signals) = try Groth16ProofSystem.prove(zkey: zkey, witness: witness, threads: threads) {
            stage, fraction in
            if stage == "proving" { provingStart = .now }
            progress(WorkerProgress(stage: stage, fraction: fraction))
        }
        let provingDone = ContinuousClock.now
        let timings = WorkerTimings(
            witnessSeconds: Calibration.seconds(witnessDone - start), keySeconds: Calibration.seconds(provingStart - witnessDone),
            proveSeconds: Calibration.seconds(provingDone - provingStart))
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try proof.write(to: outputDirectory.appendingPathComponent(proofFile), options: .atomic)
        try signals.write(to: outputDirectory.appendingPathComponent(publicFile), options: .atomic)
        try JSONEncoder().encode(timings).write(to: outputDirectory.appendingPathComponent(timingsFile), options: .atomic)
        progress(WorkerProgress(stage: "done", fraction: 1))
    }
}

extension ProofWorker {
    /// Lowers this process's CPU priority, so that the node's own work (its heartbeats) and the machine
    /// stay responsive while it proves on every core. On Linux a niceness belongs to each thread (and a new
    /// thread inherits its creator's), so every thread that exists now is lowered, not just the caller.
    public static func lowerPriority(to niceness: Int) {
        #if os(Linux)
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap { UInt32($0) }
        for thread in threads ?? [0] {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, Int32(clamping: niceness))
        }
        #else
        _ = setpriority(PRIO_PROCESS, 0, Int32(clamping: niceness))
        #endif
    }
}
