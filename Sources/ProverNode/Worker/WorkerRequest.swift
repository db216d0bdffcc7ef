import Foundation

/// One job for a persistent worker (`provernet prover worker --serve`), one JSON line on its standard
/// input. The worker answers with progress lines (`WorkerProgress`) and then one `WorkerEnd` line.
public struct WorkerRequest: Sendable, Codable, Equatable {
    public var zkey: URL
    public var witness: ProofWorker.WitnessSource
    /// The input JSON file.
    public var input: URL
    /// Where the worker writes `proof.json`, `public.json` and `timings.json`.
    public var outputDirectory: URL
    public var threads: Int

    public init(zkey: URL, witness: ProofWorker.WitnessSource, input: URL, outputDirectory: URL, threads: Int) {
        self.zkey = zkey
        self.witness = witness
        self.input = input
        self.outputDirectory = outputDirectory
        self.threads = threads
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
