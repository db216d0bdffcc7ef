import Foundation
import ProverNetCore
import Synchronization

/// A worker process that proves one job after another (its `WorkerCommand`, by default `provernet prover
/// worker --serve`), whose proof systems keep what they loaded for the last circuit (a proving key, a
/// witness generator) in memory, so that a job of a circuit it has seen
/// starts proving at once instead of paying for a process start and a key load. It is still a separate
/// process: a crash or an out-of-memory kill ends that one job (reported as a failure) and the next job
/// starts a fresh process.
///
/// Jobs go to it one at a time (a `WorkerPool` hands each worker to one job); `WorkerHandle.kill()` kills
/// the process, which ends the job as stopped.
actor PersistentWorker {
    let workerCommand: WorkerCommand
    let niceness: Int
    /// Its standard error, kept across its jobs (a job's failure quotes what it added).
    let errorLog: URL
    let limits: NetworkLimits
    /// The proof systems, for reading what a job left.
    let systems: ProofSystemRegistry

    private var running: Running?

    /// The process and the pipes of one incarnation of the worker.
    private struct Running {
        let process: Process
        let input: FileHandle
        let lines: LineChannel
        let exited: AsyncStream<Void>
    }

    init(command: WorkerCommand, niceness: Int, errorLog: URL, limits: NetworkLimits, systems: ProofSystemRegistry) {
        self.systems = systems
        self.workerCommand = command
        self.niceness = niceness
        self.errorLog = errorLog
        self.limits = limits
    }

    /// The command line of the process: the worker command, under `nice` when it lowers the priority.
    var command: (executable: URL, arguments: [String]) {
        let (executable, arguments) = (workerCommand.executable, workerCommand.arguments)
        let nice = URL(fileURLWithPath: "/usr/bin/nice")
        guard niceness > 0, FileManager.default.isExecutableFile(atPath: nice.path) else {
            return (executable, arguments)
        }
        // `nice` execs the worker, so the process id is the worker's own.
        return (nice, ["-n", String(niceness), executable.path] + arguments)
    }

    var executable: URL { workerCommand.executable }

    /// Starts the process now if it is not running, so that the first job does not wait for it.
    func start() throws(ProverNodeError) {
        if let running, running.process.isRunning { return }
        running = nil
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw .worker(reason: "cannot start the worker \(executable.path): not an executable file")
        }
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let exited = AsyncStream<Void>.makeStream()
        do {
            try FileManager.default.createDirectory(
                at: errorLog.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: errorLog.path, contents: nil) else {
                throw ProverNodeError.worker(reason: "cannot create \(errorLog.path)")
            }
            let command = command
            process.executableURL = command.executable
            process.arguments = command.arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: errorLog)
            process.terminationHandler = { _ in exited.continuation.finish() }
            try process.run()
        } catch {
            throw .worker(reason: "cannot start the worker \(executable.path): \(error)")
        }
        running = Running(
            process: process, input: input.fileHandleForWriting,
            lines: LineChannel(reading: output.fileHandleForReading), exited: exited.stream)
    }

    /// Proves one job: sends it to the process (starting one if none runs), forwards its progress lines,
    /// and returns when it answered or ended.
    func prove(
        _ request: WorkerRequest, handle: WorkerHandle, progress: @escaping @Sendable (WorkerProgress) -> Void
    ) async -> WorkerOutcome {
        let begin = ContinuousClock.now
        let current: Running
        do {
            current = try send(Data((request.line + "\n").utf8))
        } catch {
            return .failed(reason: "\(error)")
        }
        let errorOffset = Self.size(of: errorLog)
        handle.started(pid: current.process.processIdentifier)
        defer { handle.ended() }

        var end: WorkerEnd?
        await withTaskCancellationHandler {
            while let line = await current.lines.next() {
                if let progressLine = WorkerProgress(line: line) {
                    progress(progressLine)
                } else if let last = WorkerEnd(line: line) {
                    end = last
                    break
                }
            }
        } onCancel: {
            handle.kill()
        }
        let seconds = Calibration.seconds(ContinuousClock.now - begin)
        if let end {
            guard end.ok else { return .failed(reason: end.error ?? "the worker failed without a reason") }
            guard let system = systems.system(jobKind: request.task.jobKind) else {
                return .failed(reason: "no proof system for jobs of kind \(request.task.jobKind)")
            }
            return WorkerOutputs.read(from: request.outputDirectory, system: system, limits: limits, seconds: seconds)
        }

        // No answer: the process ended (killed, crashed or out of memory). The next job starts a new one.
        for await _ in current.exited {}
        running = nil
        let errors = WorkerOutputs.tail(of: errorLog, from: errorOffset)
        let process = current.process
        if process.terminationReason == .uncaughtSignal {
            if handle.killRequested { return .failed(reason: "the worker was stopped") }
            let signal = process.terminationStatus
            let hint = signal == SIGKILL ? " (out of memory?)" : ""
            return .failed(
                reason: "the worker was killed by signal \(signal)\(hint)" + (errors.isEmpty ? "" : ": \(errors)"))
        }
        return .failed(
            reason: "the worker exited with status \(process.terminationStatus) without finishing the job"
                + (errors.isEmpty ? "" : ": \(errors)"))
    }

    /// Writes a request to the running process; if it has died since its last job (its pipe is closed),
    /// starts a new one and writes it there.
    private func send(_ request: Data) throws(ProverNodeError) -> Running {
        for attempt in 0..<2 {
            try start()
            guard let current = running else { break }
            do {
                try current.input.write(contentsOf: request)
                return current
            } catch {
                current.process.terminate()
                running = nil
                if attempt == 1 { throw .worker(reason: "cannot send the job to the worker: \(error)") }
            }
        }
        throw .worker(reason: "cannot start the worker \(executable.path)")
    }

    /// Ends the process: closing its input makes it exit once its current job is done; `kill` ends it now.
    func stop(kill: Bool) {
        guard let current = running else { return }
        running = nil
        try? current.input.close()
        if kill, current.process.isRunning { current.process.terminate() }
    }

    static func size(of file: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}

/// The lines a process writes on a pipe, read by a thread of their own (a blocking read that the
/// process's progress cannot starve), for one consumer at a time.
final class LineChannel: Sendable {
    private struct State {
        var lines: [String] = []
        var partial = Data()
        var finished = false
        var waiter: CheckedContinuation<String?, Never>?
    }

    private let state = Mutex(State())

    init(reading handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                append(data)
            }
            try? handle.close()
            finish()
        }
        thread.name = "worker-output"
        thread.start()
    }

    /// The next line, or nil once the process closed its end and every line was read.
    func next() async -> String? {
        await withCheckedContinuation { continuation in
            let ready: String?? = state.withLock { state in
                if !state.lines.isEmpty { return .some(state.lines.removeFirst()) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func append(_ data: Data) {
        let waiter: (CheckedContinuation<String?, Never>, String)? = state.withLock { state in
            state.partial.append(data)
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.partial[state.partial.startIndex..<newline], as: UTF8.self)
                state.partial = Data(state.partial[state.partial.index(after: newline)...])
                state.lines.append(line)
            }
            guard let waiter = state.waiter, !state.lines.isEmpty else { return nil }
            state.waiter = nil
            return (waiter, state.lines.removeFirst())
        }
        if let (waiter, line) = waiter { waiter.resume(returning: line) }
    }

    private func finish() {
        let waiter: CheckedContinuation<String?, Never>? = state.withLock { state in
            state.finished = true
            if !state.partial.isEmpty {
                state.lines.append(String(decoding: state.partial, as: UTF8.self))
                state.partial = Data()
            }
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        guard let waiter else { return }
        let line: String? = state.withLock { state in state.lines.isEmpty ? nil : state.lines.removeFirst() }
        waiter.resume(returning: line)
    }
}
