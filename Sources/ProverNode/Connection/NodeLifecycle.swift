import Synchronization

/// Where the node stands as a whole: taking work, draining its jobs for shutdown, or closing its stream.
final class NodeLifecycle: Sendable {
    enum Phase: Sendable, Equatable {
        case running
        case draining
        case stopping
    }

    private let phase = Mutex(Phase.running)

    var current: Phase { phase.withLock { $0 } }

    /// Moves forward only (running → draining → stopping).
    func advance(to next: Phase) {
        phase.withLock { phase in
            switch (phase, next) {
            case (.running, _), (.draining, .stopping): phase = next
            default: break
            }
        }
    }
}
