import Foundation

/// The command that starts one of the node's worker processes: an executable and its arguments. The
/// process it starts must serve jobs the way `provernet prover worker --serve` does: one `WorkerRequest`
/// JSON line per job on standard input, progress lines and one end line per job on standard output, until
/// its input closes. The node adds no argument of its own; it starts the command under `nice -n N` (when
/// `/usr/bin/nice` exists) so that proving cannot starve its heartbeats.
///
/// The default is `provernet prover worker --serve` of the binary the node runs in, so that a node and its
/// workers are always the same build; a prover that keeps the worker elsewhere (another build, a wrapper
/// that sets limits, a container) names it with `--worker-command`, `PROVERNET_PROVER_WORKER_COMMAND` or
/// `prover.workerCommand` in the configuration file.
public struct WorkerCommand: Sendable, Equatable, CustomStringConvertible {
    /// The program to run.
    public var executable: URL
    /// Its arguments.
    public var arguments: [String]

    /// `executable arguments…`.
    public init(executable: URL, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// `BINARY prover worker --serve`: the worker subcommand of a `provernet` binary (default: the one
    /// running now).
    public static func provernet(_ binary: URL = ProverNodeConfiguration.currentExecutable) -> WorkerCommand {
        WorkerCommand(executable: binary, arguments: ["prover", "worker", "--serve"])
    }

    /// A command from its words: the executable's path, then its arguments (as a JSON array in a
    /// configuration file, or one string split at white space, with no quoting, from a flag or the
    /// environment).
    public init(words: [String]) throws(ProverNodeError) {
        let words = words.filter { !$0.isEmpty }
        guard let first = words.first else {
            throw .configuration("the worker command is empty: give the worker's executable, then its arguments")
        }
        self.init(executable: URL(fileURLWithPath: first), arguments: Array(words.dropFirst()))
    }

    /// A command from one line, split at white space (no quoting: a path with spaces needs the JSON form).
    public init(parsing line: String) throws(ProverNodeError) {
        try self.init(words: line.split(whereSeparator: \.isWhitespace).map(String.init))
    }

    /// Checks that the executable exists and can be run.
    public func validate() throws(ProverNodeError) {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw .configuration(
                "the worker command's executable \(executable.path) is not an executable file "
                    + "(set --worker-command \"PATH ARGS…\"; the default is this binary's `prover worker --serve`)")
        }
    }

    /// The command as a shell would show it.
    public var description: String { ([executable.path] + arguments).joined(separator: " ") }
}
