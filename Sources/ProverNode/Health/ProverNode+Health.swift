import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

extension ProverNode {
    /// The node's health now, from its lifecycle, its connection and its jobs (see `ProverHealth` for the
    /// rules). Cheap: it reads three mutexes.
    public func health() -> ProverHealth {
        let now = ContinuousClock.now
        let connection = connectionState.snapshot
        let phase = lifecycle.current
        let held = jobs.jobs.map { job in
            let predicted = job.jobClass.flatMap(JobClass.init).flatMap { capabilities.secondsPerJob[$0] }
            return ProverHealth.Job(
                id: job.id.rawValue, epoch: job.epoch, jobClass: job.jobClass, stage: job.stage, fraction: job.fraction,
                secondsSinceProgress: Self.rounded(now - job.lastProgress),
                stuckAfterSeconds: (configuration.stuck.threshold(predictedSeconds: predicted) * 1000).rounded() / 1000)
        }

        let state: ProverHealth.Connection
        var connectedSeconds: Double?
        var heartbeatInterval: Double?
        var nextAttemptSeconds: Double?
        // Before the first heartbeat of a stream, its silence counts from the welcome.
        var heartbeatSilence: Double?
        switch connection.phase {
        case .connecting:
            state = .connecting
        case .connected(let since, let interval):
            state = .connected
            connectedSeconds = Self.rounded(now - since)
            heartbeatInterval = Calibration.seconds(interval)
            heartbeatSilence = Self.rounded(now - max(since, connection.lastHeartbeat ?? since))
        case .backingOff(let retryAt):
            state = .backingOff
            nextAttemptSeconds = Self.rounded(max(.zero, retryAt - now))
        case .ended:
            state = .ended
        }

        let shuttingDown = phase != .running
        let classified = ProverHealth.classify(draining: shuttingDown, connected: state == .connected, jobs: held)
        return ProverHealth(
            state: classified,
            live: ProverHealth.isLive(
                connection: state, shuttingDown: shuttingDown, secondsSinceHeartbeat: heartbeatSilence,
                heartbeatIntervalSeconds: heartbeatInterval),
            ready: ProverHealth.isReady(classified), version: ProverNetVersion.software,
            proverId: identity.proverID.rawValue,
            name: configuration.name,
            gateway: connection.gateway ?? "\(configuration.gateway.host):\(configuration.gateway.port)",
            connection: state, connectedSeconds: connectedSeconds, failedAttempts: connection.failedAttempts,
            lastError: connection.lastError, nextAttemptSeconds: nextAttemptSeconds,
            lastHeartbeatSecondsAgo: connection.lastHeartbeat.map { Self.rounded(now - $0) },
            heartbeatIntervalSeconds: heartbeatInterval, slots: configuration.slots, freeSlots: jobs.freeSlots,
            jobs: held)
    }

    /// Seconds to the millisecond, for a JSON that reads well.
    static func rounded(_ duration: Duration) -> Double {
        (Calibration.seconds(duration) * 1000).rounded() / 1000
    }
}
