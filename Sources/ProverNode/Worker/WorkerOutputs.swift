import Circom
import Foundation
import Groth16
import ProverNetCore

/// What a worker leaves for the node: the files it wrote for a job, and what it said on standard error.
enum WorkerOutputs {
    /// How much of the worker's standard error goes into a failure's reason.
    static let errorTailBytes = 600

    /// The proof and public signals the worker left in `directory`, if both are there, small enough, and
    /// parse. `seconds` is the job's time as the node saw it.
    static func read(from directory: URL, limits: NetworkLimits, seconds: Double) -> WorkerOutcome {
        let timings = (try? Data(contentsOf: directory.appendingPathComponent(ProofWorker.timingsFile)))
            .flatMap { try? JSONDecoder().decode(WorkerTimings.self, from: $0) }
        let aggregateURL = directory.appendingPathComponent(ProofWorker.aggregateFile)
        if let aggregate = try? Data(contentsOf: aggregateURL) {
            // The gateway decodes and verifies it; here only its size is held to the limit.
            guard aggregate.count <= limits.maxProofJSONBytes else {
                return .failed(reason: "the worker's aggregate is larger than \(limits.maxProofJSONBytes) bytes")
            }
            return .aggregated(
                aggregate: [UInt8](aggregate), seconds: timings.map { min($0.proveSeconds, seconds) } ?? seconds)
        }
        let proofURL = directory.appendingPathComponent(ProofWorker.proofFile)
        let publicURL = directory.appendingPathComponent(ProofWorker.publicFile)
        guard let proof = try? Data(contentsOf: proofURL), let signals = try? Data(contentsOf: publicURL) else {
            return .failed(
                reason: "the worker reported success but left no \(ProofWorker.proofFile) and \(ProofWorker.publicFile)"
            )
        }
        guard proof.count <= limits.maxProofJSONBytes, signals.count <= limits.maxProofJSONBytes else {
            return .failed(reason: "the worker's output is larger than \(limits.maxProofJSONBytes) bytes")
        }
        do {
            _ = try Proof(snarkjsJSON: proof)
            _ = try PublicSignals.decode(signals)
        } catch {
            return .failed(reason: "the worker's output is not a valid proof: \(error)")
        }
        // The proving time reported to the gateway is the Groth16 prove itself, as the worker measured it;
        // the witness and key loading count as time outside proving.
        return .proved(
            proofJSON: String(decoding: proof, as: UTF8.self), publicJSON: String(decoding: signals, as: UTF8.self),
            seconds: timings.map { min($0.proveSeconds, seconds) } ?? seconds)
    }

    /// The last few hundred bytes of a file after `offset`, on one line.
    static func tail(of file: URL, from offset: UInt64 = 0) -> String {
        guard let all = try? Data(contentsOf: file), all.count > offset else { return "" }
        let text = String(decoding: all.dropFirst(Int(offset)).suffix(errorTailBytes), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " | ").trimmingCharacters(in: .whitespaces)
    }
}
