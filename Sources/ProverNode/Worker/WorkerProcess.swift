import Circom
import Foundation
import Groth16
import ProverNetCore
import Synchronization

/// Runs one proof in a child process, so that a crash or an out-of-memory kill cannot take the node down.
/// Its standard output (progress lines) and standard error go to files in its output directory, which the
/// node reads while it runs and after it ended.
public enum WorkerProcess {
    /// How often the progress file is read while the worker runs.
    static let progressInterval = Duration.milliseconds(200)
    /// How much of the worker's standard error goes into a failure's reason.
    static let errorTailBytes = 600

    /// Runs the worker to its end. `handle` lets another task kill it; cancelling the calling task kills
    /// it too. `progress` is called with each progress line, in order.
    public static func run(
        _ invocation: WorkerInvocation, handle: WorkerHandle = WorkerHandle(),
        limits: NetworkLimits = .default, progress: @escaping @Sendable (WorkerProgress) -> Void
    ) async -> WorkerOutcome {
        let start = ContinuousClock.now
        let fileManager = FileManager.default
        let process = Process()
        let exited = AsyncStream<Void>.makeStream()
        guard fileManager.isExecutableFile(atPath: invocation.executable.path) else {
            return .failed(reason: "cannot start the worker \(invocation.executable.path): not an executable file")
        }
        do {
            try fileManager.createDirectory(at: invocation.outputDirectory, withIntermediateDirectories: true)
            for file in [invocation.progressFile, invocation.errorFile] {
                guard fileManager.createFile(atPath: file.path, contents: nil) else {
                    return .failed(reason: "cannot create \(file.path)")
                }
            }
            let command = invocation.command
            process.executableURL = command.executable
            process.arguments = command.arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: invocation.progressFile)
            process.standardError = try FileHandle(forWritingTo: invocation.errorFile)
            process.terminationHandler = { _ in exited.continuation.finish() }
            try process.run()
        } catch {
            return .failed(reason: "cannot start the worker \(invocation.executable.path): \(error)")
        }
        handle.started(pid: process.processIdentifier)
        let reader = ProgressReader(file: invocation.progressFile, report: progress)
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in exited.stream {}
                }
                group.addTask {
                    while !Task.isCancelled {
                        reader.readNewLines()
                        try? await Task.sleep(for: progressInterval)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onCancel: {
            handle.kill()
        }
        // The termination handler has run, so the process has been reaped: wait returns at once.
        process.waitUntilExit()
        handle.ended()
        reader.readNewLines()
        let elapsed = Calibration.seconds(ContinuousClock.now - start)
        let errors = tail(of: invocation.errorFile)

        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            if handle.killRequested { return .failed(reason: "the worker was stopped") }
            let hint = signal == SIGKILL ? " (out of memory?)" : ""
            return .failed(reason: "the worker was killed by signal \(signal)\(hint)" + (errors.isEmpty ? "" : ": \(errors)"))
        }
        guard process.terminationStatus == 0 else {
            return .failed(
                reason: "the worker exited with status \(process.terminationStatus)" + (errors.isEmpty ? "" : ": \(errors)"))
        }
        return readOutputs(invocation, limits: limits, seconds: elapsed)
    }

    /// The proof and public signals the worker left, if both are there, small enough, and parse.
    static func readOutputs(_ invocation: WorkerInvocation, limits: NetworkLimits, seconds: Double) -> WorkerOutcome {
        let proofURL = invocation.outputDirectory.appendingPathComponent(ProofWorker.proofFile)
        let publicURL = invocation.outputDirectory.appendingPathComponent(ProofWorker.publicFile)
        guard let proof = try? Data(contentsOf: proofURL), let signals = try? Data(contentsOf: publicURL) else {
            return .failed(reason: "the worker exited with status 0 but left no \(ProofWorker.proofFile) and \(ProofWorker.publicFile)")
        }
        guard proof.count <= limits.maxProofJSONBytes, signals.count <= limits.maxProofJSONBytes else {
            return .failed(reason: "the worker's output is larger than \(limits.maxProofJSONBytes) bytes")
        }
        do {
            _ = try Proof(snarkjsJSON: proof)
            _ = try PublicSignals.decode(signals)
        } catch {
            return .failed(reason: "the worker's output is not a valid proof: \(error)")
        }
        // The proving time reported to the gateway is the Groth16 prove itself, as the worker measured it;
        // the process's start, witness and key loading count as time outside proving.
        let timings = (try? Data(contentsOf: invocation.outputDirectory.appendingPathComponent(ProofWorker.timingsFile)))
            .flatMap { try? JSONDecoder().decode(WorkerTimings.self, from: $0) }
        return .proved(
            proofJSON: String(decoding: proof, as: UTF8.self), publicJSON: String(decoding: signals, as: UTF8.self),
            seconds: timings.map { min($0.proveSeconds, seconds) } ?? seconds)
    }

    /// The last few hundred bytes of a file, on one line.
    static func tail(of file: URL) -> String {
        guard let data = try? Data(contentsOf: file), !data.isEmpty else { return "" }
        let text = String(decoding: data.suffix(errorTailBytes), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " | ").trimmingCharacters(in: .whitespaces)
    }
}

/// Reads the lines that a worker appends to its progress file, from where it stopped the last time.
private final class ProgressReader: Sendable {
    // The offset and the unfinished last line, touched by one task at a time (the poller while the
    // worker runs, then its caller after the poller ended).
    private let state: Mutex<(offset: UInt64, pending: Data)> = Mutex((0, Data()))
    let file: URL
    let report: @Sendable (WorkerProgress) -> Void

    init(file: URL, report: @escaping @Sendable (WorkerProgress) -> Void) {
        self.file = file
        self.report = report
    }

    func readNewLines() {
        let lines: [WorkerProgress] = state.withLock { state in
            guard let handle = try? FileHandle(forReadingFrom: file) else { return [] }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: state.offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty
            else { return [] }
            state.offset += UInt64(data.count)
            state.pending.append(data)
            var lines: [WorkerProgress] = []
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = state.pending[state.pending.startIndex..<newline]
                if let progress = WorkerProgress(line: String(decoding: line, as: UTF8.self)) { lines.append(progress) }
                state.pending = Data(state.pending[state.pending.index(after: newline)...])
            }
            return lines
        }
        for line in lines { report(line) }
    }
}
