import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `provernet` process that a chaos run started. Its standard output and error are appended to a log
/// file in the run's directory (each start begins with a marker line); it can be signalled together with
/// the worker processes it started, and waited for.
///
/// Foundation starts every child in a process group of its own, so a prover's workers are not in the
/// prover's group: signalling "the prover and its workers" means walking the process tree.
final class ChildProcess: Sendable {
    /// The name in logs and reports (`gateway`, `prover-1`).
    let name: String
    let log: URL
    let process: Process

    private init(name: String, log: URL, process: Process) {
        self.name = name
        self.log = log
        self.process = process
    }

    /// Every child started and not yet seen to exit, so that an interrupted run can still kill them all.
    private static let live = Mutex<[pid_t: ChildProcess]>([:])

    /// Starts `executable arguments`, appending its output to `log` after a marker line.
    static func start(name: String, executable: URL, arguments: [String], log: URL) throws(ChaosError) -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        do {
            if !FileManager.default.fileExists(atPath: log.path) {
                guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
                    throw ChaosError.file(path: log.path, reason: "cannot create the log file")
                }
            }
            let handle = try FileHandle(forWritingTo: log)
            defer { try? handle.close() }
            try handle.seekToEnd()
            let stamp = ISO8601DateFormatter().string(from: Date())
            try handle.write(
                contentsOf: Data("---- chaos: \(stamp) start \(name): provernet \(arguments.joined(separator: " "))\n".utf8))
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
        } catch let error as ChaosError {
            throw error
        } catch {
            throw .cannotStart(process: name, reason: "\(error)")
        }
        let child = ChildProcess(name: name, log: log, process: process)
        live.withLock { $0[process.processIdentifier] = child }
        return child
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process alone.
    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        kill(pid, signal)
    }

    /// Sends `signal` to the process and to every process below it (its workers), the children first
    /// found and then signalled, so that a kill takes down what the process started with it.
    func signalTree(_ signal: Int32) {
        guard process.isRunning else { return }
        let below = ProcessTree.descendants(of: pid)
        kill(pid, signal)
        for child in below { kill(child, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    func waitForExit(timeout: Duration) async -> Bool {
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
    func killAndWait() async {
        signalTree(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// How it ended: `exit 0`, `signal 9`, or `running`.
    var exitDescription: String {
        guard !process.isRunning else { return "running" }
        return process.terminationReason == .uncaughtSignal
            ? "signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
    }

    /// Whether it ended by itself with status 0.
    var exitedCleanly: Bool {
        !process.isRunning && process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Kills every child still alive and their workers: for a run that is interrupted.
    static func killAllLive() {
        // Only processes that are still running are signalled: a pid that ended may have been reused.
        for child in live.withLock({ Array($0.values) }) { child.signalTree(SIGKILL) }
    }
}

/// The process tree as `/proc` shows it (Linux); elsewhere it is empty, and only the named process is signalled.
enum ProcessTree {
    /// Every process below `root`, children before grandchildren.
    static func descendants(of root: pid_t) -> [pid_t] {
        let parents = parentsByProcess()
        var found: [pid_t] = []
        var frontier: Set<pid_t> = [root]
        while !frontier.isEmpty {
            let next = parents.filter { frontier.contains($0.value) }.map(\.key)
            found.append(contentsOf: next.sorted())
            frontier = Set(next)
        }
        return found
    }

    /// The parent of every process, from `/proc/PID/stat`.
    private static func parentsByProcess() -> [pid_t: pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var parents: [pid_t: pid_t] = [:]
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let parent = parent(fromStat: stat)
            else { continue }
            parents[pid] = parent
        }
        return parents
    }

    /// The fourth field of a `stat` line, `PID (COMM) STATE PPID …`; COMM may hold spaces and parentheses,
    /// so the fields are counted from the last `)`.
    static func parent(fromStat stat: String) -> pid_t? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1 else { return nil }
        return pid_t(fields[1])
    }
}
