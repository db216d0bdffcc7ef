import ProverNetAPI
import Synchronization

/// What the node sends to the gateway, whichever connection is up. Results and failures sent while no
/// connection is up are kept (up to a bound) and sent first on the next one; progress and heartbeats
/// are only worth sending live.
final class Outbox: Sendable {
    /// The most messages kept while disconnected.
    static let capacity = 1024

    private struct State {
        var connection: AsyncStream<Provernet_V1_ProverMessage>.Continuation?
        var kept: [Provernet_V1_ProverMessage] = []
    }

    private let state = Mutex(State())

    /// Sends through the current connection; `keep` keeps the message for the next one if none is up.
    func send(_ message: Provernet_V1_ProverMessage, keep: Bool) {
        state.withLock { state in
            if let connection = state.connection {
                if case .enqueued = connection.yield(message) { return }
                state.connection = nil
            }
            if keep, state.kept.count < Self.capacity { state.kept.append(message) }
        }
    }

    /// Makes `connection` the current one and sends what was kept through it.
    func attach(_ connection: AsyncStream<Provernet_V1_ProverMessage>.Continuation) {
        state.withLock { state in
            for message in state.kept { connection.yield(message) }
            state.kept = []
            state.connection = connection
        }
    }

    /// Forgets the current connection (it ended; connections follow one another, never overlap).
    func detach() {
        state.withLock { state in
            state.connection = nil
        }
    }

    /// Ends the current connection's stream of messages after what it holds, for shutdown.
    func close() {
        state.withLock { state in
            state.connection?.finish()
            state.connection = nil
        }
    }
}
