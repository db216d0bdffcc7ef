import ArgumentParser
import BN254
import Dispatch
import Foundation
import Groth16
import SnarkPack

/// `provernet bench snarkpack`: SnarkPack aggregation and verification against verifying the same proofs
/// one by one and in a batch.
struct SnarkPackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snarkpack",
        abstract: "Time SnarkPack aggregation and verification beside one-by-one and batch Groth16 verification.",
        discussion: """
            For each n, lines {"op": ..., "size": n, "threads": t, "ns_per_op": x} with op = snarkpack_aggregate \
            (the whole aggregate), snarkpack_decode (decoding with every point and GT check), snarkpack_verify \
            (verification after decoding) and snarkpack_decode_verify (both, what a verifier given the bytes pays), \
            the last three also with threads 1; groth16_verify_each (n single verifications, one after the other) \
            and groth16_batch_verify (Verifier.batchVerify), which use one thread; and {"op": "snarkpack_size", \
            "size": n, "bytes": b}. Verifications are the best of --runs; aggregation is the best of --runs below \
            512 proofs and one run from 512 on. The proofs are of a 2-constraint synthetic circuit with an UNSAFE \
            development setup, and the reference string is an UNSAFE development one.
            """
    )

    @Option(
        name: .customLong("size"), parsing: .upToNextOption,
        help: "Numbers of proofs, as counts or 2^k (default: 8 … 1024).")
    var sizes: [String] = []
    @Option(help: "Threads for aggregation and the multi-threaded verification (default: all cores).")
    var threads: Int = MSM.defaultThreads
    @Option(help: "Runs per measurement (the best counts).") var runs: Int = 3

    func validate() throws {
        for s in sizes {
            guard let n = BN254Bench.parseSize(s), n >= 2 else {
                throw ValidationError("--size \(s) is not a count ≥ 2 or 2^k")
            }
        }
        guard threads >= 1, runs >= 1 else { throw ValidationError("--threads and --runs must be at least 1") }
    }

    func run() async throws {
        let counts = sizes.isEmpty ? [8, 16, 32, 64, 128, 256, 512, 1024] : sizes.compactMap(BN254Bench.parseSize)
        let maxCount = counts.max() ?? 8
        let t = threads
        note("making \(maxCount) proofs and an UNSAFE development reference string for \(maxCount) proofs…")
        let circuit = SyntheticCircuit.make(constraints: 2)
        let provingKey = try badInputExits { try DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: t) }
        let key = provingKey.verificationKey
        let items = Self.prove(count: maxCount, key: provingKey, threads: t)
        let srs = try badInputExits { try SRS.unsafeDevelopment(maxProofs: maxCount, threads: t) }
        func emit(_ op: String, _ n: Int, _ threads: Int, _ ns: Double) {
            print(
                "{\"op\": \"\(op)\", \"size\": \(n), \"threads\": \(threads), \"ns_per_op\": \(String(format: "%.0f", ns))}"
            )
            fflush(nil)
        }
        for n in counts {
            let proofs = items.prefix(n).map { $0.proof }
            let signals = items.prefix(n).map { $0.publicSignals }
            let batch = Array(items.prefix(n))
            let proverKey = try badInputExits { try srs.proverKey(proofs: paddedCount(n)) }
            var aggregate: AggregateProof?
            let aggregateNs = try time(runs: n < 512 ? runs : 1) {
                aggregate = try Aggregator.aggregate(
                    proofs: proofs, publicSignals: signals, verificationKey: key, key: proverKey, threads: t)
            }
            guard let aggregate else { return }
            emit("snarkpack_aggregate", n, t, aggregateNs)
            let bytes = aggregate.encoded
            print("{\"op\": \"snarkpack_size\", \"size\": \(n), \"bytes\": \(bytes.count)}")
            for threadCount in Set([t, 1]).sorted(by: >) {
                var decoded: AggregateProof?
                let decodeNs = try time(runs: runs) {
                    decoded = try AggregateProof(encoded: bytes, threads: threadCount)
                }
                guard let decoded else { return }
                var valid = false
                let verifyNs = try time(runs: runs) {
                    valid = try AggregateVerifier.verify(
                        aggregate: decoded, publicSignals: signals, verificationKey: key, srs: srs.verifierKey,
                        threads: threadCount)
                }
                guard valid else {
                    throw failure("the aggregate of \(n) proofs made in the benchmark does not verify", code: 1)
                }
                emit("snarkpack_decode", n, threadCount, decodeNs)
                emit("snarkpack_verify", n, threadCount, verifyNs)
                emit("snarkpack_decode_verify", n, threadCount, decodeNs + verifyNs)
            }
            var allValid = true
            let eachNs = try time(runs: n <= 1024 ? runs : 1) {
                allValid = try batch.allSatisfy {
                    try Verifier.verify(key: key, publicSignals: $0.publicSignals, proof: $0.proof)
                }
            }
            var batchValid = true
            let batchNs = try time(runs: runs) { batchValid = try Verifier.batchVerify(key: key, items: batch) }
            guard allValid, batchValid else { throw failure("a benchmark proof does not verify", code: 1) }
            emit("groth16_verify_each", n, 1, eachNs)
            emit("groth16_batch_verify", n, 1, batchNs)
        }
    }

    /// The padded count SnarkPack uses for n proofs.
    func paddedCount(_ n: Int) -> Int {
        var m = 2
        while m < n { m *= 2 }
        return m
    }

    /// The best wall time of `runs` runs, in nanoseconds.
    func time(runs: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try badInputExits { try body() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        return best
    }

    /// `count` proofs of different statements (inputs x = i + 2, y = 7), proven on `threads` threads.
    static func prove(count: Int, key: ProvingKey, threads: Int) -> [(publicSignals: [Fr], proof: Proof)] {
        let results = UnsafeMutableBufferPointer<(publicSignals: [Fr], proof: Proof)?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let output = results // each worker writes its own indices
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: count, by: workers) {
                let instance = SyntheticCircuit.make(constraints: 2, x: Fr(UInt64(i + 2)), y: Fr(7))
                if let (proof, signals) = try? Prover.prove(key: key, witness: instance.witness, threads: 1) {
                    output[i] = (signals, proof)
                }
            }
        }
        return results.compactMap { $0 }
    }
}
