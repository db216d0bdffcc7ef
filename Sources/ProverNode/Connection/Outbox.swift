import ProverNetAPI
import ProverNetCore
import Synchronization

/// What the node sends to the gateway, whichever connection is up. Failures sent while no connection is
/// up are kept (up to a bound) and sent first on the next one; results are kept until the gateway's
/// verdict on them arrives, and sent again on every new connection until then (a gateway that crashed
/// with a result in flight gets it again; one that had accepted it acknowledges it again); progress and
/// heartbeats are only worth sending live.
final class Outbox: Sendable {
    /// The most messages kept while disconnected.
    static let capacity = 1024

    private struct State {
        var connection: AsyncStream<Provernet_V1_ProverMessage>.Continuation?
        var kept: [Provernet_V1_ProverMessage] = []
        /// Results without a verdict yet, by job.
        var unacknowledged: [String: Provernet_V1_ProverMessage] = [:]
    }

    private let state = Mutex(State())

    /// Sends through the current connection; `keep` keeps the message for the next one if none is up.
    func send(_ message: Provernet_V1_ProverMessage, keep: Bool) {
        state.withLock { state in
            if case .result(let result) = message.message, state.unacknowledged.count < Self.capacity {
                state.unacknowledged[result.jobID] = message
                if let connection = state.connection, case .enqueued = connection.yield(message) { return }
                state.connection = nil
                return
            }
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
            for message in state.unacknowledged.values { connection.yield(message) }
            state.connection = connection
        }
    }

    /// The gateway's verdict on a job's result arrived: it is not sent again.
    func acknowledge(job: String, epoch: UInt64) {
        state.withLock { state in
            if case .result(let result)? = state.unacknowledged[job]?.message, result.epoch <= epoch {
                state.unacknowledged[job] = nil
            }
        }
    }

    /// The jobs whose results await a verdict: the node still holds them, as far as the gateway is concerned.
    var unacknowledgedJobs: [JobID] { state.withLock { $0.unacknowledged.keys.map(JobID.init) } }

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
