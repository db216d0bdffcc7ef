import Foundation

/// Where the shared test data from other projects lives: `../shared/testdata` beside the package root.
/// Tests read it in place and skip, saying so, when it is absent.
public enum SharedTestData {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata")

    /// Whether the folder is there at all.
    public static var isPresent: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// The URL of a file in the test data, or nil (with a visible "SKIPPED:" line) when it is absent.
    public static func file(_ relativePath: String) -> URL? {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: test data \(url.path) is absent (expected ../shared/testdata beside the package)")
            return nil
        }
        return url
    }

    /// The bytes of a file in the test data, or nil when it is absent.
    public static func bytes(_ relativePath: String) -> [UInt8]? {
        guard let url = file(relativePath), let data = try? Data(contentsOf: url) else { return nil }
        return [UInt8](data)
    }
}
