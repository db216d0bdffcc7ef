import Synchronization

/// Where the node's stream to the gateway stands, as a state machine behind a mutex: the connection loop
/// and its session move it, the health endpoints read it.
final class ConnectionState: Sendable {
    enum Phase: Sendable, Equatable {
        /// Opening a stream, or waiting for the welcome on it.
        case connecting
        /// Welcomed: assignments can come, heartbeats go out every `heartbeatInterval`.
        case connected(since: ContinuousClock.Instant, heartbeatInterval: Duration)
        /// The last stream ended or failed; the next attempt is at `retryAt`.
        case backingOff(retryAt: ContinuousClock.Instant)
        /// The connection loop has returned: the node is stopping, or the gateway refused it.
        case ended
    }

    struct Snapshot: Sendable, Equatable {
        var phase: Phase = .connecting
        /// Attempts since the last welcome (0 while connected).
        var failedAttempts = 0
        /// Why the last stream ended, if it ended with an error.
        var lastError: String?
        var lastHeartbeat: ContinuousClock.Instant?
        /// The gateway the stream goes (or went) to, `HOST:PORT`: the node's one, or the one of the moment
        /// among several. Nil before the first try.
        var gateway: String?
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// A new stream is being opened, to `gateway`.
    func connecting(to gateway: String? = nil) {
        state.withLock { state in
            state.phase = .connecting
            if let gateway { state.gateway = gateway }
        }
    }

    /// The gateway welcomed the node on the current stream.
    func welcomed(heartbeatInterval: Duration) {
        state.withLock { state in
            state.phase = .connected(since: .now, heartbeatInterval: heartbeatInterval)
            state.failedAttempts = 0
            state.lastError = nil
        }
    }

    /// A heartbeat went out on the current stream.
    func heartbeatSent() {
        state.withLock { $0.lastHeartbeat = .now }
    }

    /// The stream ended (`error` nil when the gateway closed it) or could not be opened; the next attempt
    /// is after `retryAfter`.
    func lost(error: String?, retryAfter: Duration) {
        state.withLock { state in
            let wasWelcomed = if case .connected = state.phase { true } else { false }
            if !wasWelcomed { state.failedAttempts += 1 }
            state.lastError = error
            state.phase = .backingOff(retryAt: .now + retryAfter)
        }
    }

    /// The connection loop returned.
    func ended() {
        state.withLock { $0.phase = .ended }
    }
}
