import Foundation
import ProverNetCore

/// What the hidden `provernet prover worker` subcommand does, in the child process: proves jobs with the
/// proof system their kind names, and writes the result and its timings, reporting its stages. Kept apart
/// from the node so that a crash or an out-of-memory kill here cannot take the node or its connection down.
/// (A system whose `isolation` is `.inProcess` runs the same code on a thread of the node.)
public enum ProofWorker {
    /// The names of the outputs in the output directory.
    public static let resultFile = "result.json"
    /// Where the worker writes how long each phase took (`WorkerTimings`).
    public static let timingsFile = "timings.json"

    /// Does one job with the proof system of its kind (the system keeps what it loaded for the next job of
    /// the same circuit) and writes `result.json` and `timings.json` to the request's output directory.
    public static func perform(
        _ request: WorkerRequest, systems: ProofSystemRegistry, progress: (WorkerProgress) -> Void
    ) throws {
        guard let system = systems.system(jobKind: request.task.jobKind) else {
            throw ProverNetError.proving(
                reason: "this worker has no proof system for jobs of kind \(request.task.jobKind)")
        }
        let output = try system.prove(request.task) { stage in
            progress(WorkerProgress(stage: stage.stage, fraction: stage.fraction))
        }
        let timings = WorkerTimings(
            witnessSeconds: output.witnessSeconds, keySeconds: output.keySeconds, proveSeconds: output.proveSeconds)
        let directory = request.outputDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(output.payload).write(
            to: directory.appendingPathComponent(resultFile), options: .atomic)
        try JSONEncoder().encode(timings).write(to: directory.appendingPathComponent(timingsFile), options: .atomic)
        progress(WorkerProgress(stage: "done", fraction: 1))
    }

    /// What `provernet prover worker --serve` does: reads one `WorkerRequest` per line from `input`, does
    /// it with `systems` (kept across requests), and writes its progress lines then one `WorkerEnd` line to
    /// `output`; returns at the end of `input` (the node closed the pipe).
    public static func serve(systems: ProofSystemRegistry, readLine: () -> String?, writeLine: (String) -> Void) {
        while let line = readLine() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let end: WorkerEnd
            do {
                let request = try JSONDecoder().decode(WorkerRequest.self, from: Data(line.utf8))
                try perform(request, systems: systems) { progress in writeLine(progress.line) }
                end = WorkerEnd(ok: true, error: nil)
            } catch {
                end = WorkerEnd(ok: false, error: "\(error)")
            }
            writeLine(end.line)
        }
    }
}

extension ProofWorker {
    /// Ends this process as soon as its parent (the node) is gone, checked every `interval` by a thread of
    /// its own: a node killed with SIGKILL must not leave a worker proving a job that the restarted node
    /// takes up again (from the same files).
    public static func exitWithParent(checkingEvery interval: TimeInterval = 0.5) {
        let parent = getppid()
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                if getppid() != parent { _exit(3) }
            }
        }
        thread.name = "parent-watch"
        thread.start()
    }

    /// Lowers this process's CPU priority, so that the node's own work (its heartbeats) and the machine
    /// stay responsive while it proves on every core. On Linux a niceness belongs to each thread (and a new
    /// thread inherits its creator's), so every thread that exists now is lowered, not just the caller.
    public static func lowerPriority(to niceness: Int) {
        #if os(Linux)
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap {
                UInt32($0)
            }
            for thread in threads ?? [0] {
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, Int32(clamping: niceness))
            }
        #else
            _ = setpriority(PRIO_PROCESS, 0, Int32(clamping: niceness))
        #endif
    }
}
