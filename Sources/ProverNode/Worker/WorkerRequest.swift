import Foundation
import ProverNetCore

/// One job for a persistent worker (`provernet prover worker --serve`), one JSON line on its standard
/// input. The worker answers with progress lines (`WorkerProgress`) and then one `WorkerEnd` line.
public struct WorkerRequest: Sendable, Codable, Equatable {
    /// The job, as its proof system (named by the task's job kind) proves it.
    public var task: ProvingTask
    /// Where the worker writes its outputs: `result.json` (the `ProofPayload`) and `timings.json`.
    public var outputDirectory: URL

    public init(task: ProvingTask, outputDirectory: URL) {
        self.task = task
        self.outputDirectory = outputDirectory
    }

    /// The line, without its newline.
    public var line: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
