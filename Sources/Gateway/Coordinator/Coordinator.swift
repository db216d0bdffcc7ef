import Foundation
import Logging
import Market
import ProverNetAPI
import ProverNetCore
import Store

/// The gateway's state machine: requests and their jobs, connected provers and their leases, the
/// market's rounds, and the watchers of each request. Every transition happens here, in one place, and
/// is written to the store in one transaction before anyone is told of it.
///
/// Open requests and their jobs are held in memory (loaded from the store at start, so a restarted
/// gateway resumes where it stood); finished requests are read from the store.
public actor Coordinator {
    let store: any GatewayStore
    let circuits: CircuitRegistry
    let artifacts: ArtifactStore
    /// The gateway's SnarkPack set-up, if it aggregates.
    public nonisolated let aggregation: AggregationSetup?
    let configuration: GatewayConfiguration
    let logger: Logger

    var requests: [RequestID: RequestRecord] = [:]
    var jobs: [JobID: JobRecord] = [:]
    var jobsOfRequest: [RequestID: [JobID]] = [:]
    var sessions: [ProverID: ProverSession] = [:]
    var progress: [JobID: (fraction: Double, stage: String)] = [:]
    /// The provers whose proof of a job was rejected or who failed it: the job is not given to them again
    /// while another prover can take it.
    var failedBy: [JobID: Set<ProverID>] = [:]
    var watchers: [RequestID: [UInt64: AsyncStream<Provernet_V1_RequestEvent>.Continuation]] = [:]
    var nextToken: UInt64 = 1
    /// Set by a graceful shutdown: no more assignments.
    var draining = false
    /// Wakes the market loop when a round could trade something new.
    nonisolated let marketWakeup = MarketWakeup()

    public init(
        store: any GatewayStore, circuits: CircuitRegistry, artifacts: ArtifactStore, aggregation: AggregationSetup?,
        configuration: GatewayConfiguration, logger: Logger
    ) {
        self.store = store
        self.circuits = circuits
        self.artifacts = artifacts
        self.aggregation = aggregation
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads the open requests and their jobs from the store. Jobs that were leased when the gateway
    /// stopped keep their lease until it expires, so that a prover that reconnects in time carries on.
    public func recover() throws {
        for request in try store.openRequests() {
            requests[request.id] = request
            let list = try store.jobs(requestID: request.id)
            jobsOfRequest[request.id] = list.map(\.id)
            for job in list { jobs[job.id] = job }
        }
        if !requests.isEmpty {
            logger.info("resumed open requests", metadata: ["requests": "\(requests.count)", "jobs": "\(jobs.count)"])
        }
    }

    func token() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    /// Writes a batch; a failure to persist is logged and rethrown, and the caller must not announce the
    /// change.
    func commit(_ changes: StoreChanges) throws {
        do {
            try store.commit(changes)
        } catch {
            logger.error("database write failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    public func stopAssigning() { draining = true }

    /// Lets the market loop run a round now: called after every change that adds a bid (a request, a job
    /// back on the market) or an ask (a prover connected or freed a slot).
    func wakeMarket() { marketWakeup.signal() }

    /// What the market loop waits on between rounds: a change that could make a trade, or `interval`.
    public nonisolated func waitForMarketChange(upTo interval: Duration) async {
        await marketWakeup.wait(upTo: interval)
    }

    /// Jobs that provers still hold.
    public func leasedJobCount() -> Int { jobs.values.filter { $0.state.isLeased }.count }
}
