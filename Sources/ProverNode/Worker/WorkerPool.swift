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
    private let workers = Mutex<(idle: [PersistentWorker], count: Int)>(([], 0))

    /// - Parameter directory: where each worker's standard error is kept (`worker-N.stderr.log`).
    /// - Parameter command: what starts a worker process.
    public init(command: WorkerCommand, niceness: Int, directory: URL, limits: NetworkLimits = .default) {
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
        let worker = workers.withLock { $0.idle.popLast() } ?? makeWorker()
        let outcome = await worker.prove(request, handle: handle, progress: progress)
        workers.withLock { $0.idle.append(worker) }
        return outcome
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
            errorLog: directory.appendingPathComponent("worker-\(index).stderr.log"), limits: limits)
    }
}
