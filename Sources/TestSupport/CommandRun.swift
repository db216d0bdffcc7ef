import Foundation

/// One run of a command to its end, as a user would run it in a shell, with what it printed. Its standard
/// output and error go to files and its standard input comes from one, never pipes: a command that prints
/// more than a pipe holds (64 KiB on Linux) to the stream nobody is reading yet, or that answers before it
/// has read all its input, cannot deadlock the test that waits for it.
public struct CommandRun: Sendable {
    /// Its exit status (or the number of the signal that ended it).
    public var status: Int32
    /// What it wrote on standard output.
    public var stdout: String
    /// What it wrote on standard error.
    public var stderr: String

    /// Runs `executable arguments` with `stdin` as its standard input (empty by default) and `environment`
    /// (default: this process's), and waits for it to exit.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil
    ) throws -> CommandRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-run-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("stdin")
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        try Data((stdin ?? "").utf8).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? input.close()
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        return CommandRun(
            status: process.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
