import Synchronization

/// Where the gateway's service stands, as a state machine behind a mutex: `GatewayServer.run()` moves it
/// forward, the health endpoints read it.
final class GatewayStatus: Sendable {
    enum Phase: Sendable, Equatable {
        /// Created; `run()` has not started.
        case created
        /// Another gateway leads the market on the shared database: this one listens on `port` and follows it
        /// (`relayToLeader`), until it leads (then `starting`) or stops.
        case following(port: Int)
        /// Recovering open requests from the database, or waiting for the gRPC server to listen.
        case starting
        /// The gRPC server listens on `port` and the market runs.
        case serving(port: Int)
        /// A graceful shutdown has begun: no more assignments, running jobs may still come in. The port is nil
        /// when the server had not listened yet.
        case draining(port: Int?)
        /// `run()` has returned and the database is closed.
        case stopped
    }

    struct Snapshot: Sendable, Equatable {
        var phase: Phase = .created
        /// When the market loop last went round (or `run()` started, before its first round).
        var lastMarketLoop: ContinuousClock.Instant?
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    func following(port: Int) {
        state.withLock { state in
            guard state.phase == .created else { return }
            state.phase = .following(port: port)
        }
    }

    func starting() {
        state.withLock { state in
            switch state.phase {
            case .created, .following: break
            case .starting, .serving, .draining, .stopped: return
            }
            state.phase = .starting
            state.lastMarketLoop = .now
        }
    }

    func listening(port: Int) {
        state.withLock { state in
            guard state.phase == .starting else { return }
            state.phase = .serving(port: port)
        }
    }

    func marketLoopRan() {
        state.withLock { $0.lastMarketLoop = .now }
    }

    func draining() {
        state.withLock { state in
            switch state.phase {
            case .serving(let port), .following(let port): state.phase = .draining(port: port)
            case .created, .starting: state.phase = .draining(port: nil)
            case .draining, .stopped: break
            }
        }
    }

    func stopped() {
        state.withLock { $0.phase = .stopped }
    }
}
