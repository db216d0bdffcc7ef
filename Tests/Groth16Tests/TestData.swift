import Foundation

/// Where the shared test data from other projects lives (`../shared/testdata` from the package root).
enum TestData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata")

    /// The URL of a file in the test data, or nil (with a visible message) when it is absent.
    static func file(_ relativePath: String) -> URL? {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: test data \(url.path) is absent (expected ../shared/testdata beside the package)")
            return nil
        }
        return url
    }
}
