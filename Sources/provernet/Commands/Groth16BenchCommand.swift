import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

#if canImport(Glibc)
    import Glibc
#endif

/// `provernet bench groth16`: the prove time per phase, and rapidsnark's time on the same files in the same
/// run when the environment variable RAPIDSNARK names its prover binary.
struct Groth16Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groth16",
        abstract: "Time a Groth16 proof per phase; compare with rapidsnark when $RAPIDSNARK names its prover.",
        discussion: """
            Lines: {"op": "groth16_<phase>", "size": <domain size>, "threads": t, "ns_per_op": x} for load, h, \
            msm_a, msm_b1, msm_b2, msm_c, msm_h and prove (the whole proof, the best of --runs); \
            peak_rss_kib for this process; with $RAPIDSNARK, rapidsnark_prove (wall time of its binary, best of \
            --runs, with OMP_NUM_THREADS and RAPIDSNARK_NUM_THREADS set to the thread count), its peak RSS, and \
            ratio lines (ours / rapidsnark).
            """
    )

    @Option(help: "The proving key (.zkey).") var zkey: String
    @Option(help: "The witness (.wtns).") var wtns: String
    @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads
    @Option(help: "Proofs to time (the best counts).") var runs: Int = 3

    func run() async throws {
        let t = max(1, threads)
        var clock = DispatchTime.now().uptimeNanoseconds
        let (key, witness) = try badInputExits {
            (
                try ZKeyFile(contentsOf: URL(commandLinePath: zkey), options: .prover).provingKey,
                try WitnessFile(contentsOf: URL(commandLinePath: wtns)).values
            )
        }
        let n = key.domainSize
        func emit(_ op: String, _ ns: Double) {
            print(
                "{\"op\": \"\(op)\", \"size\": \(n), \"threads\": \(t), \"ns_per_op\": \(String(format: "%.0f", ns))}")
            fflush(nil)
        }
        emit("groth16_load", Double(DispatchTime.now().uptimeNanoseconds - clock))
        var best = ProverTimings()
        best.total = .infinity
        for _ in 0..<max(1, runs) {
            var timings = ProverTimings()
            let proof = try badInputExits {
                try Prover.prove(key: key, witness: witness, r: .random(), s: .random(), threads: t, timings: &timings)
            }
            guard
                try badInputExits({
                    try Verifier.verify(
                        key: key.verificationKey, publicSignals: proof.publicSignals, proof: proof.proof)
                })
            else {
                throw failure("the proof made in the benchmark does not verify", code: 1)
            }
            if timings.total < best.total { best = timings }
        }
        emit("groth16_h", best.abEvaluation + best.hPolynomial)
        emit("groth16_msm_a", best.msmA)
        emit("groth16_msm_b1", best.msmB1)
        emit("groth16_msm_b2", best.msmB2)
        emit("groth16_msm_c", best.msmC)
        emit("groth16_msm_h", best.msmH)
        emit("groth16_prove", best.total)
        let ours = peakResidentKiB()
        print("{\"op\": \"peak_rss_kib\", \"who\": \"provernet\", \"size\": \(n), \"kib\": \(ours)}")

        guard let rapidsnark = ProcessInfo.processInfo.environment["RAPIDSNARK"], !rapidsnark.isEmpty else { return }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var bestRapidsnark = Double.infinity
        var rapidsnarkPeak: Int?
        // Foundation starts children by fork, so RUSAGE_CHILDREN would report this process's own peak: GNU
        // time (/usr/bin/time, Debian's `time`), when present, reports the child's.
        let gnuTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil
        let peakFile = scratch.appendingPathComponent("peak.txt")
        for _ in 0..<max(1, runs) {
            let process = Process()
            let proverArguments = [
                zkey, wtns, scratch.appendingPathComponent("proof.json").path,
                scratch.appendingPathComponent("public.json").path,
            ]
            if let gnuTime {
                process.executableURL = URL(commandLinePath: gnuTime)
                process.arguments = ["-f", "%M", "-o", peakFile.path, rapidsnark] + proverArguments
            } else {
                process.executableURL = URL(commandLinePath: rapidsnark)
                process.arguments = proverArguments
            }
            var environment = ProcessInfo.processInfo.environment
            environment["OMP_NUM_THREADS"] = "\(t)"
            environment["RAPIDSNARK_NUM_THREADS"] = "\(t)"
            process.environment = environment
            clock = DispatchTime.now().uptimeNanoseconds
            try process.run()
            process.waitUntilExit()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - clock)
            guard process.terminationStatus == 0 else {
                throw failure("\(rapidsnark) exited with status \(process.terminationStatus)", code: 1)
            }
            bestRapidsnark = min(bestRapidsnark, elapsed)
            if let text = try? String(contentsOf: peakFile, encoding: .utf8),
                let kib = Int(text.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) ?? "")
            {
                rapidsnarkPeak = max(rapidsnarkPeak ?? 0, kib)
            }
        }
        emit("rapidsnark_prove", bestRapidsnark)
        print(
            "{\"op\": \"ratio_prove_time\", \"size\": \(n), \"threads\": \(t), \"ours_over_rapidsnark\": \(String(format: "%.3f", best.total / bestRapidsnark))}"
        )
        if let rapidsnarkPeak {
            print("{\"op\": \"peak_rss_kib\", \"who\": \"rapidsnark\", \"size\": \(n), \"kib\": \(rapidsnarkPeak)}")
            print(
                "{\"op\": \"ratio_peak_rss\", \"size\": \(n), \"ours_over_rapidsnark\": \(String(format: "%.3f", Double(ours) / Double(max(1, rapidsnarkPeak))))}"
            )
        } else {
            note("rapidsnark's peak memory is not measured: install GNU time (apt-get install time) for it")
        }
    }

    /// The peak resident set size of this process, in KiB.
    func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}
