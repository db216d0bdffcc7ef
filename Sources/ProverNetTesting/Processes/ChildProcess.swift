import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One process that a harness started (a gateway, a prover). Its standard output and error are appended to
/// a log file (each start begins with a marker line), so that a chatty process never blocks on a full pipe;
/// it can be signalled together with the worker processes it started, and waited for.
///
/// Foundation starts every child in a process group of its own, so a prover's workers are not in the
/// prover's group: signalling "the prover and its workers" means walking the process tree.
public final class ChildProcess: Sendable {
    /// The name in logs and reports (`gateway`, `prover-1`).
    public let name: String
    /// The file its standard output and error go to.
    public let log: URL
    let process: Process

    private init(name: String, log: URL, process: Process) {
        self.name = name
        self.log = log
        self.process = process
    }

    /// Every child started and not yet seen to exit, so that an interrupted run can still kill them all.
    private static let live = Mutex<[pid_t: ChildProcess]>([:])

    /// Starts `executable arguments`, appending its output to `log` after a marker line; `environment` is
    /// added to this process's own.
    public static func start(
        name: String, executable: URL, arguments: [String], log: URL, environment: [String: String] = [:]
    ) throws(HarnessError) -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        do {
            if !FileManager.default.fileExists(atPath: log.path) {
                guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
                    throw HarnessError.file(path: log.path, reason: "cannot create the log file")
                }
            }
            let handle = try FileHandle(forWritingTo: log)
            defer { try? handle.close() }
            try handle.seekToEnd()
            let stamp = ISO8601DateFormatter().string(from: Date())
            try handle.write(
                contentsOf: Data(
                    "---- \(stamp) start \(name): \(executable.lastPathComponent) \(arguments.joined(separator: " "))\n"
                        .utf8))
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch let error as HarnessError {
            throw error
        } catch {
            throw .cannotStart(process: name, reason: "\(error)")
        }
        let child = ChildProcess(name: name, log: log, process: process)
        live.withLock { $0[process.processIdentifier] = child }
        return child
    }

    /// Its process id.
    public var pid: pid_t { process.processIdentifier }
    /// Whether it has not exited yet.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process alone.
    public func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        kill(pid, signal)
    }

    /// Sends `signal` to the process and to every process below it (its workers), the children first
    /// found and then signalled, so that a kill takes down what the process started with it.
    public func signalTree(_ signal: Int32) {
        guard process.isRunning else { return }
        let below = ProcessTree.descendants(of: pid)
        kill(pid, signal)
        for child in below { kill(child, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(25))
        }
        if !process.isRunning {
            _ = Self.live.withLock { $0.removeValue(forKey: pid) }
            return true
        }
        return false
    }

    /// Kills the process and its workers and waits for it (a killed process exits at once).
    public func killAndWait() async {
        signalTree(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// How it ended: `exit 0`, `signal 9`, or `running`.
    public var exitDescription: String {
        guard !process.isRunning else { return "running" }
        return process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
    }

    /// Its exit status, or the signal that ended it; nil while it runs.
    public var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Whether it ended by itself with status 0.
    public var exitedCleanly: Bool {
        !process.isRunning && process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Kills every child still alive and their workers: for a run that is interrupted.
    public static func killAllLive() {
        // Only processes that are still running are signalled: a pid that ended may have been reused.
        for child in live.withLock({ Array($0.values) }) { child.signalTree(SIGKILL) }
    }
}
