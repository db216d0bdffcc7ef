import Foundation
import Logging

/// A swift-log handler writing one line per message to a file.
public struct FileLogHandler: LogHandler {
    public let label: String
    let handle: FileHandle
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// A handler for `label` appending to `handle`.
    public init(label: String, handle: FileHandle) {
        self.label = label
        self.handle = handle
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let stamp = ISO8601DateFormatter().string(from: Date())
        handle.write(Data("\(stamp) \(event.level) \(label): \(event.message) \(fields)\n".utf8))
    }
}
