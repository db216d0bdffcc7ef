import Foundation
import ProverNetCore
import Synchronization

/// The node's persistent workers, one per job running at once: a job takes an idle worker (or a new one)
/// and gives it back when it ends. A worker whose process died starts a new one for its next job.
public final class WorkerPool: Sendable {
    let command: WorkerCommand
    let niceness: Int
    let directory: URL
    let limits: NetworkLimits
    /// The proof systems: which one a job's kind names, and where its jobs run.
    let systems: ProofSystemRegistry
    private let workers = Mutex<(idle: [PersistentWorker], count: Int)>(([], 0))

    /// - Parameter directory: where each worker's standard error is kept (`worker-N.stderr.log`).
    /// - Parameter command: what starts a worker process.
    public init(
        command: WorkerCommand, niceness: Int, directory: URL, systems: ProofSystemRegistry,
        limits: NetworkLimits = .default
    ) {
        self.systems = systems
        self.command = command
        self.niceness = niceness
        self.directory = directory
        self.limits = limits
        // A worker that died leaves a closed pipe: writing to it must be an error, not a SIGPIPE that
        // ends the node.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts `count` worker processes now, so that the first jobs do not wait for them.
    public func prewarm(_ count: Int) async throws(ProverNodeError) {
        var started: [PersistentWorker] = []
        for _ in 0..<count {
            let worker = makeWorker()
            started.append(worker)
            try await worker.start()
        }
        workers.withLock { $0.idle.append(contentsOf: started) }
    }

    /// Proves one job on an idle worker. `handle` kills it; cancelling the calling task kills it too.
    public func run(
        _ request: WorkerRequest, handle: WorkerHandle = WorkerHandle(),
        progress: @escaping @Sendable (WorkerProgress) -> Void
    ) async -> WorkerOutcome {
        guard let system = systems.system(jobKind: request.task.jobKind) else {
            return .failed(reason: "this prover has no proof system for jobs of kind \(request.task.jobKind)")
        }
        if system.isolation == .inProcess { return await runInProcess(request, system: system, progress: progress) }
        let worker = workers.withLock { $0.idle.popLast() } ?? makeWorker()
        let outcome = await worker.prove(request, handle: handle, progress: progress)
        workers.withLock { $0.idle.append(worker) }
        return outcome
    }

    /// Does a job of a system that runs in the node's process, on a thread of its own (a proof is blocking
    /// work that must not hold a thread of the cooperative pool). It cannot be killed: a job stopped by the
    /// gateway finishes and its result is dropped.
    private func runInProcess(
        _ request: WorkerRequest, system: any ProofSystem, progress: @escaping @Sendable (WorkerProgress) -> Void
    ) async -> WorkerOutcome {
        let begin = ContinuousClock.now
        let systems = self.systems
        let failure: String? = await withCheckedContinuation { continuation in
            let thread = Thread {
                do {
                    try ProofWorker.perform(request, systems: systems, progress: progress)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: "\(error)")
                }
            }
            thread.name = "in-process-proof"
            thread.start()
        }
        if let failure { return .failed(reason: failure) }
        return WorkerOutputs.read(
            from: request.outputDirectory, system: system, limits: limits,
            seconds: Calibration.seconds(ContinuousClock.now - begin))
    }

    /// Ends the idle workers: their input closes and they exit.
    public func shutdown() async {
        let idle = workers.withLock { workers in
            defer { workers.idle = [] }
            return workers.idle
        }
        for worker in idle { await worker.stop(kill: false) }
    }

    private func makeWorker() -> PersistentWorker {
        let index = workers.withLock { workers in
            workers.count += 1
            return workers.count
        }
        return PersistentWorker(
            command: command, niceness: niceness,
            errorLog: directory.appendingPathComponent("worker-\(index).stderr.log"), limits: limits, systems: systems)
    }
}
