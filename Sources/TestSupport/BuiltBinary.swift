import Foundation

/// Executables of this package built beside the test bundle, for tests that run them as a user would.
public enum BuiltBinary {
    /// The `provernet` binary: the first one found walking up from the test bundle's directory.
    public static let provernet: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        while !dir.path.isEmpty, dir.path != "/" {
            let candidate = dir.appendingPathComponent("provernet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "provernet")
    }()
}
