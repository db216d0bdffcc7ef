/// The gateway's health as its `/health` endpoint reports it (keys in snake_case), with the rules that
/// make its state, liveness and readiness.
public struct GatewayHealth: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Recovering open requests, or the gRPC server is not listening yet.
        case starting
        /// Listening, the database answers, the market runs.
        case ready
        /// Listening, but the database does not answer or cannot be written.
        case unavailable
        /// Shutting down gracefully: no more assignments, running jobs may still come in.
        case draining
        /// The gateway's service has stopped and closed its database.
        case stopped
    }

    /// A gateway's part in a market several gateways share (one PostgreSQL): the leader runs the market; a
    /// follower serves its provers' streams and relays the rest to the leader.
    public enum Role: String, Sendable, Codable, CaseIterable {
        case leader, follower
    }

    public var state: State
    /// The gateway's own loops run: what `/livez` answers (see `isLive`).
    public var live: Bool
    /// Ready to serve clients and provers: what `/readyz` answers.
    public var ready: Bool
    public var version: String
    /// The port of the gRPC server, once it listens.
    public var grpcPort: Int?
    public var draining: Bool
    /// `ok`, or why the database failed its check.
    public var database: String
    /// Seconds since the market loop last went round (a round runs at least every round interval).
    public var marketLoopSecondsAgo: Double?
    /// The coordinator's counts; nil once the gateway has stopped.
    public var connectedProvers: Int?
    public var openRequests: Int?
    public var pendingJobs: Int?
    public var leasedJobs: Int?
    /// On a shared database: this gateway's role; absent for a gateway on its own database.
    public var role: Role?
    /// A follower's leader: the `HOST:PORT` it relays to, as the leader advertised it in the database; absent
    /// while no gateway leads (then the follower is not ready).
    public var leader: String?

    /// The body of `/readyz` when ready: `ok`, with the role on a shared database (`ok: leader`,
    /// `ok: follower of HOST:PORT`).
    public var readyText: String {
        switch role {
        case nil: "ok"
        case .leader: "ok: leader"
        case .follower: "ok: follower of \(leader ?? "no leader")"
        }
    }

    /// The state: stopped and draining first (they are on purpose), then starting until the gRPC server
    /// listens, then unavailable if the database fails its check (or, for a follower, while no gateway leads),
    /// else ready.
    public static func classify(
        listening: Bool, draining: Bool, stopped: Bool, databaseOK: Bool, leaderKnown: Bool = true
    ) -> State {
        if stopped { return .stopped }
        if draining { return .draining }
        if !listening { return .starting }
        return databaseOK && leaderKnown ? .ready : .unavailable
    }

    /// The gateway's loops are alive unless the market loop, which goes round at least every round
    /// interval while the gateway starts or serves, has not for `marketStall(roundInterval:)`. A
    /// coordinator that does not answer at all makes the endpoints time out, which probes count as failures.
    public static func isLive(state: State, secondsSinceMarketLoop: Double?, roundIntervalSeconds: Double) -> Bool {
        switch state {
        case .starting, .ready, .unavailable:
            guard let secondsSinceMarketLoop else { return true }
            return secondsSinceMarketLoop <= marketStall(roundInterval: roundIntervalSeconds)
        case .draining, .stopped:
            return true
        }
    }

    /// The silence after which the market loop counts as stopped: 20 round intervals, at least 30 s (a round
    /// over a large market, or recovering many open requests at start, takes a while).
    public static func marketStall(roundInterval: Double) -> Double { max(20 * roundInterval, 30) }
}
