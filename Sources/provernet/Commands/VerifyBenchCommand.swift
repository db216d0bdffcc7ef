import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

/// `provernet bench verify`: Groth16 verifications per second on one core, one by one and in batches (one
/// random linear combination per batch: one Miller loop per proof, one final exponentiation), in the same run.
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Time Groth16 verification one by one and batched (proofs per second on one core).",
        discussion: """
            Makes --proofs distinct proofs of the witness (fresh r and s each), then times verifying all of them \
            one by one and in batches of --batch, the best of --rounds each. Lines: {"op": "verify_single" | \
            "verify_batch", "batch": b, "proofs_per_second": x, "ns_per_proof": y} and {"op": \
            "verify_batch_speedup", "ratio": batched / single}.
            """)

    @Option(help: "The proving key (.zkey).") var zkey: String
    @Option(help: "The witness (.wtns).") var wtns: String
    @Option(help: "Proofs to verify.") var proofs: Int = 256
    @Option(help: "Proofs per batch.") var batch: Int = 64
    @Option(help: "Timed rounds (the best counts).") var rounds: Int = 3

    func run() async throws {
        guard proofs >= 1, batch >= 2, rounds >= 1 else { throw failure("--proofs ≥ 1, --batch ≥ 2, --rounds ≥ 1") }
        let (key, witness) = try badInputExits {
            (
                try ZKeyFile(contentsOf: URL(commandLinePath: zkey), options: .prover).provingKey,
                try WitnessFile(contentsOf: URL(commandLinePath: wtns)).values
            )
        }
        var made: [(publicSignals: [Fr], proof: Proof)] = []
        for _ in 0..<proofs {
            var timings = ProverTimings()
            let proof = try badInputExits {
                try Prover.prove(
                    key: key, witness: witness, r: .random(), s: .random(), threads: MSM.defaultThreads,
                    timings: &timings)
            }
            made.append((proof.publicSignals, proof.proof))
        }
        let vk = key.verificationKey
        func best(_ body: () throws -> Bool) throws -> Double {
            var fastest = Double.infinity
            for _ in 0..<rounds {
                let start = DispatchTime.now().uptimeNanoseconds
                guard try body() else { throw failure("a valid proof did not verify", code: 1) }
                fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            return fastest / Double(proofs)
        }
        let single = try badInputExits {
            try best {
                try made.allSatisfy { try Verifier.verify(key: vk, publicSignals: $0.publicSignals, proof: $0.proof) }
            }
        }
        let size = batch
        let batched = try badInputExits {
            try best {
                var start = 0
                while start < made.count {
                    let slice = Array(made[start..<min(made.count, start + size)])
                    guard try Verifier.batchVerify(key: vk, items: slice) else { return false }
                    start += size
                }
                return true
            }
        }
        func line(_ op: String, batch: Int, _ ns: Double) {
            print(
                "{\"op\": \"\(op)\", \"batch\": \(batch), \"public_signals\": \(key.nPublic), \"proofs_per_second\": "
                    + "\(String(format: "%.1f", 1e9 / ns)), \"ns_per_proof\": \(String(format: "%.0f", ns))}")
        }
        line("verify_single", batch: 1, single)
        line("verify_batch", batch: size, batched)
        print(
            "{\"op\": \"verify_batch_speedup\", \"batch\": \(size), \"ratio\": \(String(format: "%.2f", single / batched))}"
        )
    }
}
