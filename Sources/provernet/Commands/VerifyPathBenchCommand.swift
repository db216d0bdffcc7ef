import ArgumentParser
import Foundation
import Gateway
import ProofSystems
import ProverNetCore

/// `provernet bench verify-path`: the gateway's verification path (batcher, job book, commits to a real
/// SQLite database) under a burst of real results, one by one and batched, beside verifying the same proofs
/// directly on one thread.
struct VerifyPathBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-path",
        abstract: "Time the gateway's verification path (batcher, coordinator, SQLite) one by one and batched.",
        discussion: """
            Registers a synthetic circuit of --constraints constraints (UNSAFE development key) in a scratch \
            gateway (SQLite in a temporary directory), leases --proofs jobs to provers, makes a real proof of each, \
            then sends all the results at once through the gateway's checker and coordinator, as the prover \
            service does. Lines: {"op": "verify_single" | "verify_batch", "batch": b, "proofs_per_second": x, \
            "ns_per_proof": y} (the proofs verified directly on one thread, decoding and statement checks \
            included), and {"op": "gateway_path", "batch": b, "verify_threads": t, "proofs": n, "accepted": a, \
            "seconds": s, "proofs_per_second": x, "proofs_per_cpu_second": z, "batches": k, "largest_batch": m, \
            "transactions": c, "events_per_commit": e}, once with batches of 1 (one by one) and once of --batch.
            """)

    @Option(help: "Results in the burst.") var proofs: Int = 512
    @Option(help: "The most proofs per batch.") var batch: Int = 64
    @Option(help: "Verification batches at once (threads).") var verifyThreads: Int = 1
    @Option(help: "Constraints of the synthetic circuit.") var constraints: Int = 30

    func run() async throws {
        guard proofs >= 1, batch >= 1, verifyThreads >= 1, constraints >= 1 else {
            throw failure("--proofs, --batch, --verify-threads and --constraints must be at least 1")
        }
        let prove: @Sendable (String, URL) -> ProofPayload? = { input, zkey in
            guard let key = try? Groth16ProofSystem.loadProvingKey(zkey),
                let witness = try? Groth16Circuit.Witnesses.synthetic(constraints: constraints).witness(
                    inputJSON: input),
                let (proof, signals) = try? Groth16ProofSystem.prove(key: key, witness: witness, threads: 1)
            else { return nil }
            return ProofPayload(
                proofJSON: String(decoding: proof, as: UTF8.self), publicJSON: String(decoding: signals, as: UTF8.self))
        }
        func emit(_ fields: KeyValuePairs<String, Any>) {
            let text = fields.map { key, value -> String in
                switch value {
                case let text as String: "\"\(key)\": \"\(text)\""
                case let number as Double: "\"\(key)\": \(String(format: "%.1f", number))"
                default: "\"\(key)\": \(value)"
                }
            }
            print("{" + text.joined(separator: ", ") + "}")
            fflush(nil)
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-verify-path-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        for (pass, size) in [1, batch].enumerated() {
            note("preparing \(proofs) leased jobs and their proofs (pass \(pass + 1))…")
            let setup = try await VerificationPathBench.prepare(
                proofs: proofs, constraints: UInt64(constraints), directory: root.appendingPathComponent("\(pass)"),
                proofSystems: .standard(), proofSystem: Groth16ProofSystem.name,
                jobClass: { JobClass.groth16(domainSize: $0) }, prove: prove)
            if pass == 0 {
                for direct in [1, batch] {
                    let seconds = try await VerificationPathBench.verifyDirectly(setup, batch: direct)
                    emit([
                        "op": direct == 1 ? "verify_single" : "verify_batch", "batch": direct,
                        "proofs_per_second": Double(proofs) / seconds, "ns_per_proof": seconds * 1e9 / Double(proofs),
                    ])
                }
            }
            let outcome = try await VerificationPathBench.run(
                setup, settings: .init(maxBatch: size, slots: verifyThreads))
            emit([
                "op": "gateway_path", "batch": size, "verify_threads": verifyThreads, "proofs": outcome.proofs,
                "accepted": outcome.accepted, "seconds": String(format: "%.3f", outcome.seconds),
                "proofs_per_second": Double(outcome.proofs) / outcome.seconds,
                "proofs_per_cpu_second": Double(outcome.proofs) / max(outcome.cpuSeconds, 1e-9),
                "batches": outcome.batches, "largest_batch": outcome.largestBatch,
                "transactions": outcome.transactions,
                "events_per_commit": Double(outcome.events) / Double(max(1, outcome.transactions)),
            ])
        }
    }
}
