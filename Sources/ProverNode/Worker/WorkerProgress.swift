import Foundation

/// One line that the worker process prints on standard output as it goes:
/// `{"stage":"witness","fraction":0.1}`. The node forwards it to the gateway as the job's progress.
public struct WorkerProgress: Sendable, Codable, Equatable {
    public var stage: String
    public var fraction: Double

    public init(stage: String, fraction: Double) {
        self.stage = stage
        self.fraction = fraction
    }

    /// The line, without its newline.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
            ?? #"{"fraction":\#(fraction),"stage":"\#(stage)"}"#
    }

    /// Parses a line; nil for anything else the worker may print.
    public init?(line: some StringProtocol) {
        guard let value = try? JSONDecoder().decode(WorkerProgress.self, from: Data(line.utf8)) else { return nil }
        self = value
    }
}
