import ProverNetCore
import Store
import Synchronization

extension GatewayServer {
    /// The gateway's health now (see `GatewayHealth` for the rules): the service's phase, a cheap check of
    /// the database, and the coordinator's counts.
    public func health() async -> GatewayHealth {
        let snapshot = status.snapshot
        let now = ContinuousClock.now
        var port: Int?
        var listening = false
        var draining = false
        var stopped = false
        // On a shared database (several gateways): leader or follower; nil for a gateway on its own.
        var role: GatewayHealth.Role? = sharedMarket == nil ? nil : .leader
        switch snapshot.phase {
        case .created, .starting: break
        case .following(let p):
            port = p
            listening = true
            role = .follower
        case .serving(let p):
            port = p
            listening = true
        case .draining(let p):
            port = p
            listening = p != nil
            draining = true
        case .stopped:
            stopped = true
        }
        // Once stopped, the database is closed on purpose: nothing to check.
        var databaseError: String?
        do {
            if !stopped { try await store.checkHealth() }
        } catch {
            databaseError = "\(error)"
        }
        if databaseError == nil, !stopped, let failure = await coordinator.writeFailure {
            databaseError = "the last write failed: \(failure)"
        }
        // A follower is ready once it knows the leader it follows (read from the database, as its relay does):
        // not while the database cannot be read, nor while no gateway leads (a takeover in progress).
        var leader: String?
        var leaderKnown = true
        if role == .follower, let resolve = followedLeader.withLock({ $0 }) {
            if databaseError == nil {
                do {
                    leader = try await resolve()
                } catch {
                    databaseError = "the leader's address cannot be read: \(error)"
                }
            }
            leaderKnown = leader != nil
        }
        let counts: Coordinator.HealthCounts? = stopped ? nil : await coordinator.healthCounts()
        draining = draining || counts?.draining == true
        let state = GatewayHealth.classify(
            listening: listening, draining: draining, stopped: stopped, databaseOK: databaseError == nil,
            leaderKnown: leaderKnown)
        let silence = snapshot.lastMarketLoop.map { Self.seconds(now - $0) }
        return GatewayHealth(
            state: state,
            live: GatewayHealth.isLive(
                state: state, secondsSinceMarketLoop: silence,
                roundIntervalSeconds: Self.seconds(configuration.roundInterval)),
            ready: state == .ready, version: ProverNetVersion.software, grpcPort: port, draining: draining,
            database: databaseError ?? "ok", marketLoopSecondsAgo: silence, connectedProvers: counts?.connectedProvers,
            openRequests: counts?.openRequests, pendingJobs: counts?.pendingJobs, leasedJobs: counts?.leasedJobs,
            role: role, leader: leader)
    }

    /// Seconds to the millisecond.
    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return ((Double(whole) + Double(attoseconds) * 1e-18) * 1000).rounded() / 1000
    }
}

extension GatewayServer {
    /// The text of `GET /metrics`: the counters as they stand, and the gauges read from the book now.
    public func metricsExposition() async -> String {
        var snapshot = await coordinator.metricsSnapshot()
        // Once stopped, the database is closed on purpose: nothing to check.
        if status.snapshot.phase != .stopped, (try? await store.checkHealth()) == nil { snapshot.databaseUp = false }
        coordinator.metrics.refresh(snapshot)
        return coordinator.metrics.exposition()
    }
}
