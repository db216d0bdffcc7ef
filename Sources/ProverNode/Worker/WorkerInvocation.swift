import Foundation

/// How to run one proof in a worker process: `provernet prover worker --zkey Z [--wasm W |
/// --synthetic-constraints N] --input FILE --out DIR --threads T --nice N`.
public struct WorkerInvocation: Sendable, Equatable {
    /// The binary that has the `prover worker` subcommand.
    public var executable: URL
    public var zkey: URL
    public var witness: ProofWorker.WitnessSource
    /// The input JSON file.
    public var input: URL
    /// Where the worker writes `proof.json` and `public.json`; the node keeps its output and errors there
    /// too.
    public var outputDirectory: URL
    public var threads: Int
    /// The worker lowers its own priority to this niceness first.
    public var niceness: Int

    public init(
        executable: URL, zkey: URL, witness: ProofWorker.WitnessSource, input: URL, outputDirectory: URL,
        threads: Int, niceness: Int = 10
    ) {
        self.executable = executable
        self.zkey = zkey
        self.witness = witness
        self.input = input
        self.outputDirectory = outputDirectory
        self.threads = threads
        self.niceness = niceness
    }

    /// The command-line arguments after the executable.
    public var arguments: [String] {
        var arguments = ["prover", "worker", "--zkey", zkey.path]
        switch witness {
        case .wasm(let url): arguments += ["--wasm", url.path]
        case .synthetic(let constraints): arguments += ["--synthetic-constraints", String(constraints)]
        }
        arguments += [
            "--input", input.path, "--out", outputDirectory.path, "--threads", String(threads), "--nice",
            String(niceness),
        ]
        return arguments
    }

    /// The program and arguments to start: under `nice -n NICENESS` where `/usr/bin/nice` exists, so that
    /// every thread of the worker runs at the lower priority from its first instruction (`nice` execs the
    /// worker, so the process id is the worker's own).
    var command: (executable: URL, arguments: [String]) {
        let nice = URL(fileURLWithPath: "/usr/bin/nice")
        guard niceness > 0, FileManager.default.isExecutableFile(atPath: nice.path) else { return (executable, arguments) }
        return (nice, ["-n", String(niceness), executable.path] + arguments)
    }

    /// Where the worker's standard output (its progress lines) and standard error are kept.
    var progressFile: URL { outputDirectory.appendingPathComponent("progress.jsonl") }
    var errorFile: URL { outputDirectory.appendingPathComponent("stderr.log") }
}
