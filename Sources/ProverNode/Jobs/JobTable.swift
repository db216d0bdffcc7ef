import ProverNetCore
import Synchronization

/// The jobs a node holds, as a state machine behind a mutex: every transition of a job (admitted,
/// progressing, cancelled, stopped for shutdown, finished) and of the node (taking work, draining) is here.
public final class JobTable: Sendable {
    /// One job the node holds.
    public struct Job: Sendable, Equatable {
        public var id: JobID
        /// The epoch of the lease it holds: what every message about the job carries.
        public var epoch: UInt64
        /// Its job class (`groth16-bn254/2^16`), when the assignment named one.
        public var jobClass: String?
        public var stage: String
        public var fraction: Double
        /// When it was admitted or its progress last advanced (a new stage or a larger fraction; the same
        /// progress reported again is not an advance): what tells a slow job from a stuck one.
        public var lastProgress: ContinuousClock.Instant
        /// Why the job was stopped, if it was: then what becomes of it is decided here, not by its worker.
        public var stopped: StopReason?
    }

    public enum StopReason: Sendable, Equatable {
        /// The gateway cancelled it: nothing more is sent about it.
        case cancelled
        /// The node is shutting down: it is reported as a failure so that it goes back to the market.
        case shuttingDown
    }

    /// What became of an assignment.
    public enum Admission: Sendable, Equatable {
        /// A new job: run it, killing its worker through the handle if it is stopped.
        case admitted(WorkerHandle)
        /// A job the node already runs, now under this (newer) epoch: nothing to start.
        case renewed
        /// The node does not take it; the reason goes back to the gateway as a failure.
        case refused(reason: String)
    }

    /// How a finished job is to be reported.
    public enum Completion: Sendable, Equatable {
        /// Report its outcome under this epoch.
        case report(epoch: UInt64)
        /// It was cancelled by the gateway: report nothing.
        case cancelled
        /// It was stopped because the node shuts down: report it as a failure under this epoch.
        case shuttingDown(epoch: UInt64)
        /// It is not (or no longer) held.
        case unknown
    }

    private struct State {
        var jobs: [JobID: Job] = [:]
        var handles: [JobID: WorkerHandle] = [:]
        var slots: Int
        var acceptingWork = true
    }

    private let state: Mutex<State>

    public init(slots: Int) {
        state = Mutex(State(slots: slots))
    }

    /// Takes an assignment if a slot is free and the node is taking work.
    public func admit(job: JobID, epoch: UInt64, jobClass: String? = nil) -> Admission {
        state.withLock { state in
            if var held = state.jobs[job] {
                guard epoch > held.epoch else {
                    return held.epoch == epoch
                        ? .renewed : .refused(reason: "epoch \(epoch) is older than the held epoch \(held.epoch)")
                }
                held.epoch = epoch
                state.jobs[job] = held
                return .renewed
            }
            guard state.acceptingWork else { return .refused(reason: "prover shutting down") }
            guard state.jobs.count < state.slots else {
                return .refused(reason: "no free slot (\(state.slots) jobs running)")
            }
            let handle = WorkerHandle()
            state.jobs[job] = Job(
                id: job, epoch: epoch, jobClass: jobClass, stage: "assigned", fraction: 0, lastProgress: .now,
                stopped: nil)
            state.handles[job] = handle
            return .admitted(handle)
        }
    }

    /// Records a job's progress; returns the epoch to report it under, or nil if it is stopped or gone.
    public func progress(job: JobID, stage: String, fraction: Double) -> UInt64? {
        state.withLock { state in
            guard var held = state.jobs[job], held.stopped == nil else { return nil }
            if stage != held.stage || fraction > held.fraction { held.lastProgress = .now }
            held.stage = stage
            held.fraction = max(held.fraction, fraction)
            state.jobs[job] = held
            return held.epoch
        }
    }

    /// Cancels a job for the gateway, killing its worker. Returns whether it was held under that epoch
    /// (a cancel for an older lease is ignored).
    @discardableResult
    public func cancel(job: JobID, epoch: UInt64) -> Bool {
        let handle: WorkerHandle? = state.withLock { state in
            guard var held = state.jobs[job], held.epoch <= epoch else { return nil }
            held.stopped = .cancelled
            state.jobs[job] = held
            return state.handles[job]
        }
        handle?.kill()
        return handle != nil
    }

    /// Stops taking work: assignments from now on are refused.
    public func stopAcceptingWork() {
        state.withLock { $0.acceptingWork = false }
    }

    /// Kills every job's worker, for shutdown; they are then reported as failures.
    public func stopAll() {
        let handles: [WorkerHandle] = state.withLock { state in
            for id in state.jobs.keys where state.jobs[id]?.stopped == nil { state.jobs[id]?.stopped = .shuttingDown }
            return Array(state.handles.values)
        }
        for handle in handles { handle.kill() }
    }

    /// Removes a finished job and says how to report it.
    public func finish(job: JobID) -> Completion {
        state.withLock { state in
            state.handles[job] = nil
            guard let held = state.jobs.removeValue(forKey: job) else { return .unknown }
            switch held.stopped {
            case nil: return .report(epoch: held.epoch)
            case .cancelled: return .cancelled
            case .shuttingDown: return .shuttingDown(epoch: held.epoch)
            }
        }
    }

    /// The jobs held now, by id.
    public var jobs: [Job] { state.withLock { Array($0.jobs.values).sorted { $0.id < $1.id } } }
    /// Slots free for new work: none once the node stops taking work (its heartbeats tell the gateway).
    public var freeSlots: Int { state.withLock { $0.acceptingWork ? max(0, $0.slots - $0.jobs.count) : 0 } }
    public var isEmpty: Bool { state.withLock { $0.jobs.isEmpty } }
}
