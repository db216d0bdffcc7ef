/// A prover node's health as its `/health` endpoint reports it (keys in snake_case), with the rules that
/// make its state, liveness and readiness: pure functions of what the node knows, so that each rule can be
/// checked on its own.
public struct ProverHealth: Sendable, Codable, Equatable {
    /// Where the node stands, in one word.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Connected, no jobs: waiting for work.
        case idle
        /// Connected, with jobs whose progress advanced recently.
        case proving
        /// Connected, with a job whose progress has not advanced for longer than its `StuckPolicy` threshold.
        case stuck
        /// No live stream to the gateway: connecting, waiting for the welcome, or backing off.
        case disconnected
        /// Shutting down: taking no more work, letting running jobs finish.
        case draining
    }

    /// Where the stream to the gateway stands.
    public enum Connection: String, Sendable, Codable {
        case connecting
        case connected
        case backingOff = "backing_off"
        /// The connection loop has returned (the node stops, or the gateway refused it).
        case ended
    }

    /// One job the node holds.
    public struct Job: Sendable, Codable, Equatable {
        public var id: String
        public var epoch: UInt64
        public var jobClass: String?
        public var stage: String
        public var fraction: Double
        /// Seconds since the job was admitted or its progress last advanced.
        public var secondsSinceProgress: Double
        /// The silence after which it counts as stuck (see `StuckPolicy`).
        public var stuckAfterSeconds: Double
        public var stuck: Bool

        public init(
            id: String, epoch: UInt64, jobClass: String?, stage: String, fraction: Double, secondsSinceProgress: Double,
            stuckAfterSeconds: Double
        ) {
            self.id = id
            self.epoch = epoch
            self.jobClass = jobClass
            self.stage = stage
            self.fraction = fraction
            self.secondsSinceProgress = secondsSinceProgress
            self.stuckAfterSeconds = stuckAfterSeconds
            self.stuck = secondsSinceProgress > stuckAfterSeconds
        }
    }

    public var state: State
    /// The node's own loops run: what `/livez` answers (see `isLive`).
    public var live: Bool
    /// Connected and neither stuck nor draining: what `/readyz` answers.
    public var ready: Bool
    public var version: String
    public var proverId: String
    public var name: String
    /// The gateway's address, HOST:PORT: with several, the one the stream goes (or last went) to.
    public var gateway: String
    public var connection: Connection
    /// Seconds since the gateway's welcome on the current stream, while connected.
    public var connectedSeconds: Double?
    /// Attempts to connect that failed since the last welcome.
    public var failedAttempts: Int
    /// Why the last stream ended, when it ended with an error.
    public var lastError: String?
    /// Seconds until the next attempt, while backing off.
    public var nextAttemptSeconds: Double?
    /// Seconds since the last heartbeat went out (nil before the first).
    public var lastHeartbeatSecondsAgo: Double?
    /// The heartbeat interval the gateway asked for, while connected.
    public var heartbeatIntervalSeconds: Double?
    public var slots: Int
    public var freeSlots: Int
    public var jobs: [Job]

    /// The state: draining before anything else (it is on purpose), then disconnected (nothing else
    /// matters to the network while it cannot reach the node), then stuck if any job is, else proving or idle.
    public static func classify(draining: Bool, connected: Bool, jobs: [Job]) -> State {
        if draining { return .draining }
        if !connected { return .disconnected }
        if jobs.contains(where: \.stuck) { return .stuck }
        return jobs.isEmpty ? .idle : .proving
    }

    /// Ready to take work: connected, nothing stuck, not draining.
    public static func isReady(_ state: State) -> Bool { state == .idle || state == .proving }

    /// The node's loops are alive unless its connection loop has returned while the node is not shutting
    /// down, or it is connected and its heartbeats have stopped: none for `heartbeatStall(interval:)`
    /// since the last one (or since the welcome, before the first). Jobs run in worker processes, so a stuck
    /// job leaves the node live: restarting it would not help the job and would drop the others.
    public static func isLive(
        connection: Connection, shuttingDown: Bool, secondsSinceHeartbeat: Double?, heartbeatIntervalSeconds: Double?
    ) -> Bool {
        switch connection {
        case .ended:
            return shuttingDown
        case .connected:
            guard let secondsSinceHeartbeat, let heartbeatIntervalSeconds else { return true }
            return secondsSinceHeartbeat <= heartbeatStall(interval: heartbeatIntervalSeconds)
        case .connecting, .backingOff:
            return true
        }
    }

    /// The silence after which the heartbeat loop counts as stopped: three intervals, at least 10 s.
    public static func heartbeatStall(interval: Double) -> Double { max(3 * interval, 10) }
}
