import ProverNetCore
import Store

extension Coordinator {
    /// What the gateway's health reports of the coordinator, read in one turn of the actor.
    public struct HealthCounts: Sendable, Equatable, Codable {
        public var connectedProvers: Int
        public var openRequests: Int
        /// Jobs waiting in the market for a prover.
        public var pendingJobs: Int
        /// Jobs that provers hold a lease on.
        public var leasedJobs: Int
        /// A graceful shutdown has begun: no more assignments.
        public var draining: Bool
    }

    public func healthCounts() -> HealthCounts {
        var pending = 0
        var leased = 0
        for job in jobs.values {
            if job.state == .pending { pending += 1 }
            if job.state.isLeased { leased += 1 }
        }
        return HealthCounts(
            connectedProvers: sessions.count, openRequests: requests.values.filter { !$0.state.isFinal }.count,
            pendingJobs: pending, leasedJobs: leased, draining: draining)
    }
}
