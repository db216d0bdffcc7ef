import ArgumentParser
import BN254
import Foundation
import ProofSystems
import ProverNetCore
import ProverNode

/// `provernet prover worker`: proves jobs in a child process of the node (hidden; the node runs it).
/// With `--serve` (what the node runs) it reads one job per line on standard input until its end, keeping
/// the last circuit's key in memory, and answers each with progress lines and an end line on standard
/// output. Without it, it proves the one job its options name: progress as JSON lines on standard output,
/// `proof.json` and `public.json` in `--out`, exit 0 on success and 1 with a one-line reason on standard
/// error otherwise.
struct ProverWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Prove one job (run by the prover node in a child process).",
        shouldDisplay: false)

    @Flag(help: "Prove the jobs read from standard input, one JSON line each, until its end.") var serve = false
    @Option(help: "The proving key (.zkey).") var zkey: String?
    @Option(help: "The circom witness generator (.wasm).") var wasm: String?
    @Option(help: "The built-in synthetic circuit of this many constraints, instead of a wasm.")
    var syntheticConstraints: Int?
    @Option(help: "The input JSON file.") var input: String?
    @Option(help: "Where to write proof.json and public.json.") var out: String?
    @Option(help: "Threads.") var threads: Int = MSM.defaultThreads
    @Option(
        help:
            "Lower this process's priority to this niceness first (0…19; default: as started with --serve, 10 without)."
    )
    var nice: Int?

    func validate() throws {
        if serve {
            guard zkey == nil, wasm == nil, syntheticConstraints == nil, input == nil, out == nil else {
                throw ValidationError("--serve reads its jobs from standard input: give no job options with it")
            }
            return
        }
        guard zkey != nil, input != nil, out != nil else { throw ValidationError("give --zkey, --input and --out") }
        guard (wasm == nil) != (syntheticConstraints == nil) else {
            throw ValidationError("give exactly one of --wasm and --synthetic-constraints")
        }
    }

    func run() async throws {
        // The node starts `--serve` under nice(1) at its configured niceness; a one-job run lowers itself.
        if let niceness = nice ?? (serve ? nil : 10) { ProofWorker.lowerPriority(to: niceness) }
        if serve {
            ProofWorker.exitWithParent()
            ProofWorker.serve(
                systems: .standard(), readLine: { Swift.readLine(strippingNewline: true) }, writeLine: writeLine)
            return
        }
        guard let zkey, let input, let out else { return }
        var files: [ArtifactRole: URL] = [.zkey: URL(commandLinePath: zkey)]
        if let wasm { files[.wasm] = URL(commandLinePath: wasm) }
        let task = ProvingTask(
            jobKind: Groth16ProofSystem.jobKind, circuitKind: wasm == nil ? .synthetic : .circom,
            constraints: UInt64(max(1, syntheticConstraints ?? 1)), files: files, input: URL(commandLinePath: input),
            proofs: 0, checkpoint: nil, threads: threads)
        do {
            let output = try Groth16ProofSystem().prove(task) { progress in
                writeLine(WorkerProgress(stage: progress.stage, fraction: progress.fraction).line)
            }
            let directory = URL(commandLinePath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data((output.payload.proofJSON ?? "").utf8).write(
                to: directory.appendingPathComponent("proof.json"), options: .atomic)
            try Data((output.payload.publicJSON ?? "").utf8).write(
                to: directory.appendingPathComponent("public.json"), options: .atomic)
        } catch {
            throw failure("\(error)", code: 1)
        }
    }
}
