import Foundation

/// Executables of this package built beside the test bundle, for tests that run them as a user would.
public enum BuiltBinary {
    /// The `provernet` binary, the one users run.
    public static let provernet: URL = named("provernet")
    /// The `provernet-chaos` runner (tooling, not in the `provernet` binary).
    public static let provernetChaos: URL = named("provernet-chaos")

    /// The executable `name`: the first one found walking up from the test bundle's directory (or just
    /// `name`, which then fails to start with a message that names it).
    public static func named(_ name: String) -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        while !dir.path.isEmpty, dir.path != "/" {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: name)
    }
}
