import Foundation
import Logging

/// A swift-log handler that writes one JSON object per message to standard error (`--log-format json`):
/// `timestamp` (ISO 8601, UTC, milliseconds), `level`, `label`, `message`, then the message's metadata
/// under the same keys as in the text format (`job`, `prover`, `epoch`…); a metadata key that would
/// replace one of the four is written as `metadata_KEY`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.write = write
    }

    static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let reserved: Set<String> = ["timestamp", "level", "label", "message"]
        var object: [String: Any] = [
            "timestamp": Self.timestamp(Date()), "level": level.rawValue, "label": label, "message": "\(message)",
        ]
        for (key, value) in self.metadata.merging(metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[reserved.contains(key) ? "metadata_\(key)" : key] = Self.json(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): "\(convertible)"
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// How a process logs: text lines (swift-log's own format) or JSON lines.
enum LogFormat: String, CaseIterable {
    case text
    case json

    /// Reads `--log-format`/`logFormat`; nil text means the default.
    init(setting text: String?) throws {
        guard let parsed = LogFormat(rawValue: text ?? "text") else {
            throw failure("log format '\(text ?? "")' is not one of text, json")
        }
        self = parsed
    }

    /// Logs to standard error in this format at `level`, once per process.
    func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            switch self {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
