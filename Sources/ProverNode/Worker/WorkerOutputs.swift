import Foundation
import ProverNetCore

/// What a worker leaves for the node: the files it wrote for a job, and what it said on standard error.
enum WorkerOutputs {
    /// How much of the worker's standard error goes into a failure's reason.
    static let errorTailBytes = 600

    /// The result the worker left in `directory`, if it is there, small enough, and well formed by its
    /// proof system's rules. `seconds` is the job's time as the node saw it.
    static func read(from directory: URL, system: any ProofSystem, limits: NetworkLimits, seconds: Double)
        -> WorkerOutcome
    {
        let timings = timings(in: directory)
        let resultURL = directory.appendingPathComponent(ProofWorker.resultFile)
        guard let data = try? Data(contentsOf: resultURL) else {
            return .failed(reason: "the worker reported success but left no \(ProofWorker.resultFile)")
        }
        // The result's JSON holds at most a proof, its public signals and an aggregate (base64).
        guard data.count <= 4 * limits.maxProofJSONBytes else {
            return .failed(reason: "the worker's output is larger than \(limits.maxProofJSONBytes) bytes")
        }
        let payload: ProofPayload
        do {
            payload = try JSONDecoder().decode(ProofPayload.self, from: data)
            try system.checkEncoding(payload, limits: limits)
        } catch {
            return .failed(reason: "the worker's output is not a valid result: \(error)")
        }
        // The proving time reported to the gateway is the proof itself, as the worker measured it; the
        // witness and key loading count as time outside proving.
        return .proved(payload, seconds: timings.map { min($0.proveSeconds, seconds) } ?? seconds)
    }

    /// How long each phase took, as the worker wrote it beside the result; nil if it did not.
    static func timings(in directory: URL) -> WorkerTimings? {
        (try? Data(contentsOf: directory.appendingPathComponent(ProofWorker.timingsFile)))
            .flatMap { try? JSONDecoder().decode(WorkerTimings.self, from: $0) }
    }

    /// The last few hundred bytes of a file after `offset`, on one line.
    static func tail(of file: URL, from offset: UInt64 = 0) -> String {
        guard let all = try? Data(contentsOf: file), all.count > offset else { return "" }
        let text = String(decoding: all.dropFirst(Int(offset)).suffix(errorTailBytes), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " | ").trimmingCharacters(in: .whitespaces)
    }
}
