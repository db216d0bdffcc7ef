import ArgumentParser
import BN254
import Dispatch
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks; each prints one JSON object per line.",
        subcommands: [
            Arithmetic.self, Groth16Bench.self, VerifyBench.self, VerifyPathBench.self, SnarkPackBench.self,
            NetworkBench.self, StatementBench.self, LoadBench.self,
        ],
        defaultSubcommand: Arithmetic.self
    )
}

struct Arithmetic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn254",
        abstract: "Measure the BN254 arithmetic (the default benchmark).",
        discussion: """
            Each line is {"op": "...", "size": n, "threads": t, "ns_per_op": x}. For MSM, ns_per_op is per point;
            for NTT it is per transform. Operations: \(BN254Bench.allOperations.joined(separator: ", ")).
            """
    )

    @Option(name: .customLong("op"), parsing: .upToNextOption, help: "Operations to run (default: all).")
    var operations: [String] = []

    @Option(
        name: .customLong("size"), parsing: .upToNextOption,
        help: "Sizes for msm_g1, msm_g2 and ntt, as counts or as 2^k (default: the issue's sizes).")
    var sizes: [String] = []

    @Option(
        name: .customLong("threads"), parsing: .upToNextOption,
        help: "Thread counts for msm and ntt (default: 1 and all cores).")
    var threads: [Int] = []

    @Option(help: "Minimum seconds spent measuring each operation.")
    var seconds: Double = 0.5

    func validate() throws {
        for op in operations where !(BN254Bench.allOperations + BN254Bench.diagnosticOperations).contains(op) {
            throw ValidationError("unknown operation \(op); known: \(BN254Bench.allOperations.joined(separator: ", "))")
        }
        for t in threads where t < 1 { throw ValidationError("--threads must be at least 1, got \(t)") }
        for s in sizes where BN254Bench.parseSize(s) == nil {
            throw ValidationError("--size \(s) is not a count or 2^k")
        }
    }

    func run() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let bench = BN254Bench(
            stopwatch: Stopwatch(minimumSeconds: seconds),
            sizes: sizes.compactMap(BN254Bench.parseSize),
            threadCounts: threads.isEmpty ? Array(Set([1, cores])).sorted() : threads
        )
        for op in operations.isEmpty ? BN254Bench.allOperations : operations {
            for result in bench.run(op) {
                print(result.json)
                fflush(nil)
            }
        }
    }
}
