import Foundation

/// One job for a persistent worker (`provernet prover worker --serve`), one JSON line on its standard
/// input. The worker answers with progress lines (`WorkerProgress`) and then one `WorkerEnd` line.
public struct WorkerRequest: Sendable, Codable, Equatable {
    /// What the worker is to do.
    public enum Task: Sendable, Codable, Equatable {
        /// Prove one input (`input` is its JSON file) with a proving key. With a `checkpoint` directory, the
        /// witness and each finished stage are kept there, and a proof that was interrupted resumes from it.
        case prove(zkey: URL, witness: ProofWorker.WitnessSource, input: URL, checkpoint: URL? = nil)
        /// Aggregate the proofs of a bundle file (`AggregationBundle`) with a reference string.
        case aggregate(srs: URL, verificationKey: URL, proofs: URL)
    }

    public var task: Task
    /// Where the worker writes its outputs (`proof.json` and `public.json`, or `aggregate.bin`) and
    /// `timings.json`.
    public var outputDirectory: URL
    public var threads: Int

    public init(task: Task, outputDirectory: URL, threads: Int) {
        self.task = task
        self.outputDirectory = outputDirectory
        self.threads = threads
    }

    /// A proving job.
    public init(zkey: URL, witness: ProofWorker.WitnessSource, input: URL, outputDirectory: URL, threads: Int) {
        self.init(
            task: .prove(zkey: zkey, witness: witness, input: input), outputDirectory: outputDirectory, threads: threads
        )
    }

    /// The line, without its newline.
    public var line: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension ProofWorker.WitnessSource: Codable {
    private enum CodingKeys: String, CodingKey {
        case wasm
        case syntheticConstraints
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let wasm = try container.decodeIfPresent(URL.self, forKey: .wasm) {
            self = .wasm(wasm)
        } else {
            self = .synthetic(constraints: try container.decode(Int.self, forKey: .syntheticConstraints))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .wasm(let url): try container.encode(url, forKey: .wasm)
        case .synthetic(let constraints): try container.encode(constraints, forKey: .syntheticConstraints)
        }
    }
}

/// The last line a persistent worker writes for a job: `{"ok":true}`, or `{"ok":false,"error":"…"}`.
public struct WorkerEnd: Sendable, Codable, Equatable {
    public var ok: Bool
    public var error: String?

    public init(ok: Bool, error: String?) {
        self.ok = ok
        self.error = error
    }

    public var line: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"ok":false}"#
    }

    /// Parses a line; nil for a progress line or anything else.
    public init?(line: some StringProtocol) {
        guard let value = try? JSONDecoder().decode(WorkerEnd.self, from: Data(line.utf8)) else { return nil }
        self = value
    }
}
