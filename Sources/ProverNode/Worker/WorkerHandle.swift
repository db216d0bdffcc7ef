import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A handle on a worker process that another task can kill: before it starts (it is then killed as it
/// starts), while it runs, or after it ended (nothing happens).
public final class WorkerHandle: Sendable {
    enum State {
        case notStarted(killRequested: Bool)
        case running(pid: Int32, killRequested: Bool)
        case ended(killRequested: Bool)
    }

    private let state = Mutex(State.notStarted(killRequested: false))

    public init() {}

    /// Kills the worker with SIGKILL: a proof has nothing worth saving and must stop at once.
    public func kill() {
        let pid: Int32? = state.withLock { state in
            switch state {
            case .notStarted:
                state = .notStarted(killRequested: true)
                return nil
            case .running(let pid, _):
                state = .running(pid: pid, killRequested: true)
                return pid
            case .ended:
                state = .ended(killRequested: true)
                return nil
            }
        }
        if let pid { sendKill(pid) }
    }

    /// Whether `kill()` was called, so that a SIGKILL can be told from an out-of-memory kill.
    public var killRequested: Bool {
        state.withLock { state in
            switch state {
            case .notStarted(let requested), .running(_, let requested), .ended(let requested): requested
            }
        }
    }

    /// Records the started process; kills it at once if that was asked for already.
    func started(pid: Int32) {
        let killNow: Bool = state.withLock { state in
            guard case .notStarted(let requested) = state else { return false }
            state = .running(pid: pid, killRequested: requested)
            return requested
        }
        if killNow { sendKill(pid) }
    }

    /// Records that the process ended, so that its pid, which may be reused, is never signalled again.
    func ended() {
        state.withLock { state in
            if case .running(_, let requested) = state { state = .ended(killRequested: requested) }
        }
    }
}

extension WorkerHandle: Equatable {
    /// The same handle: one per job.
    public static func == (a: WorkerHandle, b: WorkerHandle) -> Bool { a === b }
}

/// SIGKILL to a process (the handle's own `kill()` hides the C function's name inside the class).
private func sendKill(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
