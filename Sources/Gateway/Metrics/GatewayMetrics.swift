import CoreMetrics
import Foundation
import Metrics
import ProverNetCore
import ProverNetMetrics
import Store
import Synchronization

/// The gateway's metrics, served at `GET /metrics` in Prometheus's text format.
///
/// Counters and histograms move where things happen: the coordinator reports each committed event's
/// `BookActions` (`observe`), the verification of each result and its verdict, each refused submission.
/// Gauges (queues, provers, slots) are read from the committed book when scraped (`refresh`), so they are
/// never stale. The job book itself knows nothing of metrics: it stays pure. Labels are bounded: a job
/// class, a state, a reason from a fixed list, a prover's short id (bounded by the allowlist); never a
/// request or job id.
public final class GatewayMetrics: Sendable {
    /// The registry that `GET /metrics` renders.
    public let registry: MetricsRegistry
    let factory: any MetricsFactory
    /// The label values of gauges set at the last scrape, so that a series that emptied reads 0, not its
    /// last value.
    private let seen = Mutex<[String: Set<[String]>]>([:])

    public init(registry: MetricsRegistry = MetricsRegistry(catalogue: GatewayMetrics.catalogue)) {
        self.registry = registry
        self.factory = registry.factory
        Gauge(label: "provernet_build_info", dimensions: [("version", ProverNetVersion.software)], factory: factory)
            .record(1)
    }

    // MARK: Events

    /// The phases of the requests and jobs that earlier events of a commit group moved, as they left them.
    struct Phases {
        var requests: [RequestID: RequestPhase?] = [:]
        var jobs: [JobID: JobPhase?] = [:]

        /// Notes the phases an event's changes left.
        mutating func record(_ changes: StoreChanges) {
            for request in changes.requests { requests[request.id] = request.state.phase }
            for job in changes.jobs { jobs[job.id] = job.state.phase }
        }

        func phase(of request: RequestID, in book: JobBook) -> RequestPhase? {
            requests[request] ?? book.requests[request]?.state.phase
        }

        func phase(of job: JobID, in book: JobBook) -> JobPhase? {
            jobs[job] ?? book.jobs[job]?.state.phase
        }
    }

    /// What one committed event did: `before` is the book before it, `after` the book it left.
    func observe(_ actions: BookActions, before: JobBook, after: JobBook, now: Int64) {
        observe(actions, before: before, moved: Phases(), after: after, now: now)
    }

    /// What one committed event of a group did: `before` is the book before the group, `moved` the phases that
    /// the group's earlier events left, `after` the book the group left.
    func observe(_ actions: BookActions, before: JobBook, moved: Phases, after: JobBook, now: Int64) {
        for request in actions.changes.requests {
            let old = moved.phase(of: request.id, in: before)
            let new = request.state.phase
            guard old != new else { continue }
            counter("provernet_gateway_requests_total", ("state", new.rawValue)).increment()
            if new.isFinal {
                let seconds = Double(max(0, (request.state.finishedMillis ?? now) - request.createdMillis)) / 1000
                timer("provernet_gateway_request_duration_seconds", ("state", new.rawValue))
                    .recordNanoseconds(Int64(seconds * 1e9))
            }
        }
        for job in actions.changes.jobs {
            let old = moved.phase(of: job.id, in: before)
            let new = job.state.phase
            guard old != new else { continue }
            counter("provernet_gateway_jobs_total", ("state", new.rawValue)).increment()
        }
        for message in actions.messages {
            switch message.instruction {
            case .assign(let assignment):
                let jobClass = assignment.job.jobClass.description
                counter("provernet_gateway_leases_granted_total", ("class", jobClass)).increment()
                gauge("provernet_gateway_clearing_price_units", ("class", jobClass))
                    .record(Double(assignment.lease.price.units))
                gauge("provernet_gateway_clearing_charge_units", ("class", jobClass))
                    .record(Double(assignment.lease.charge.units))
                // Its first lease: how long the job waited for the market since its request came in.
                if assignment.lease.epoch == 1, let request = after.requests[assignment.job.requestID] {
                    let millis = max(0, assignment.lease.grantedMillis - request.createdMillis)
                    timer("provernet_gateway_time_to_first_assignment_seconds", ("class", jobClass))
                        .recordNanoseconds(millis * 1_000_000)
                }
            case .stop, .verdict:
                break
            }
        }
        for update in actions.updates where update.kind == .requeued {
            counter("provernet_gateway_jobs_requeued_total", ("reason", Self.requeueReason(update.message)))
                .increment()
        }
        for round in actions.changes.rounds {
            counter("provernet_gateway_auction_rounds_total", ("class", round.jobClass)).increment()
            counter("provernet_gateway_auction_bids_total", ("class", round.jobClass)).increment(by: round.bids)
            counter("provernet_gateway_auction_asks_total", ("class", round.jobClass)).increment(by: round.asks)
            counter("provernet_gateway_auction_trades_total", ("class", round.jobClass))
                .increment(by: round.jobsMatched)
        }
        for entry in actions.changes.ledger {
            counter("provernet_gateway_ledger_units_total", ("kind", entry.kind.rawValue))
                .increment(by: entry.amount.units)
            if entry.kind == .proverPayment, let prover = entry.proverID {
                counter("provernet_gateway_prover_earnings_units_total", ("prover", Self.short(prover)))
                    .increment(by: entry.amount.units)
            }
        }
        for activity in actions.changes.proverActivity {
            let prover = ("prover", Self.short(activity.prover))
            if activity.verified > 0 {
                counter("provernet_gateway_prover_proofs_verified_total", prover).increment(by: activity.verified)
            }
            if activity.rejected > 0 {
                counter("provernet_gateway_prover_proofs_rejected_total", prover).increment(by: activity.rejected)
            }
            if activity.failed > 0 {
                counter("provernet_gateway_prover_jobs_failed_total", prover).increment(by: activity.failed)
            }
            if activity.lost > 0 {
                counter("provernet_gateway_prover_jobs_lost_total", prover).increment(by: activity.lost)
            }
        }
    }

    /// A job moved into `phase` outside a committed event (a progress report starts it proving).
    func jobEntered(_ phase: JobPhase) {
        counter("provernet_gateway_jobs_total", ("state", phase.rawValue)).increment()
    }

    /// How long one market pass took (every class's round, and the commit of their leases).
    func marketPass(seconds: Double, rounds: Int) {
        guard rounds > 0 else { return }
        timer("provernet_gateway_auction_duration_seconds").recordNanoseconds(Int64(seconds * 1e9))
    }

    /// A gateway that follows the market's leader sent one of its notices down a prover's stream (`kind`:
    /// assign, stop, verdict): the time from the leader's NOTIFY to the send.
    func noticeDelivered(seconds: Double, kind: String) {
        timer("provernet_gateway_notice_delivery_seconds", ("kind", kind)).recordNanoseconds(Int64(seconds * 1e9))
    }

    /// How long one event's commit to the store took (`market`: a market pass's, `event`: any other's): the
    /// database's share of the gateway's time, which `provernet bench load` reports.
    func committed(seconds: Double, market: Bool) {
        timer("provernet_gateway_store_commit_duration_seconds", ("event", market ? "market" : "event"))
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// How long computing the statements of one submission's inputs took (the witness generator run for each
    /// undeclared input; a declared statement is only checked).
    public func statementsComputed(seconds: Double) {
        timer("provernet_gateway_statement_duration_seconds").recordNanoseconds(Int64(seconds * 1e9))
    }

    /// A write to the store failed: the event was refused.
    func storeWriteFailed() {
        counter("provernet_gateway_store_write_failures_total").increment()
    }

    /// How long checking one result took, and what was found.
    public func verified(seconds: Double, kind: JobKind) {
        timer("provernet_gateway_verification_duration_seconds", ("kind", kind.rawValue))
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// One batch of `size` proofs of one circuit verified in `seconds`.
    func verificationBatch(size: Int, seconds: Double) {
        Recorder(label: "provernet_gateway_verification_batch_size", aggregate: true, factory: factory)
            .record(size)
        let perProof = timer("provernet_gateway_verification_seconds_per_proof")
        let nanoseconds = Int64(seconds * 1e9 / Double(max(1, size)))
        for _ in 0..<size { perProof.recordNanoseconds(nanoseconds) }
    }

    /// One store transaction committed the changes of `events` events.
    func committed(events: Int) {
        Recorder(label: "provernet_gateway_events_per_commit", aggregate: true, factory: factory).record(events)
    }

    /// The gateway's verdict on a result, by a reason from a fixed list.
    func verdict(accepted: Bool, reason: VerdictReason) {
        counter(
            "provernet_gateway_verdicts_total", ("verdict", accepted ? "accepted" : "rejected"),
            ("reason", reason.rawValue)
        ).increment()
    }

    /// Why a result was accepted or not, in words that stay few.
    enum VerdictReason: String {
        case valid
        case alreadyAccepted = "already_accepted"
        case invalidProof = "invalid_proof"
        case unknownJob = "unknown_job"
        case notYours = "not_yours"
        case staleEpoch = "stale_epoch"
        case notLeased = "not_leased"
        case notDurable = "not_durable"

        init(_ refusal: LeaseRefusal) {
            switch refusal {
            case .unknownJob: self = .unknownJob
            case .notYours: self = .notYours
            case .staleEpoch: self = .staleEpoch
            case .notLeased: self = .notLeased
            case .notDurable: self = .notDurable
            }
        }
    }

    /// A submission: `refusal` is nil when it was accepted, else its gRPC status code's name.
    public func submission(refusal: String?) {
        if let refusal {
            counter("provernet_gateway_submission_refusals_total", ("reason", refusal)).increment()
        } else {
            counter("provernet_gateway_submissions_total").increment()
        }
    }

    /// The statements of an accepted submission's inputs: `computed` by the gateway running the witness
    /// generator, `declared` by the client (no witness run).
    public func statements(computed: Int, declared: Int) {
        counter("provernet_gateway_statements_total", ("source", "computed")).increment(by: computed)
        counter("provernet_gateway_statements_total", ("source", "declared")).increment(by: declared)
    }

    /// A statement mismatch a prover reported, by who was found wrong (`client` or `prover`).
    public func statementMismatch(wrong: String) {
        counter("provernet_gateway_statement_mismatches_total", ("wrong", wrong)).increment()
    }

    // MARK: Scrapes

    /// What the gauges show, read from the committed book when scraped.
    public struct Snapshot: Sendable {
        public var connectedProvers = 0
        public var slots = 0
        public var freeSlots = 0
        public var openRequests: [String: Int] = [:]
        public var jobs: [String: Int] = [:]
        public var queueDepth: [String: Int] = [:]
        public var oldestPendingSeconds: [String: Double] = [:]
        public var proverFreeSlots: [String: Int] = [:]
        public var proverRunning: [String: Int] = [:]
        public var proverCPULoad: [String: Double] = [:]
        public var proverMemoryBytes: [String: Double] = [:]
        public var databaseUp = true
        public var draining = false
    }

    /// Sets the gauges to `snapshot`; a series seen before and absent now reads 0.
    func refresh(_ snapshot: Snapshot) {
        gauge("provernet_gateway_provers_connected").record(Double(snapshot.connectedProvers))
        gauge("provernet_gateway_slots").record(Double(snapshot.slots))
        gauge("provernet_gateway_free_slots").record(Double(snapshot.freeSlots))
        gauge("provernet_gateway_database_up").record(snapshot.databaseUp ? 1 : 0)
        gauge("provernet_gateway_draining").record(snapshot.draining ? 1 : 0)
        var requests = snapshot.openRequests
        for phase in RequestPhase.allCases where !phase.isFinal { requests[phase.rawValue, default: 0] += 0 }
        var jobs = snapshot.jobs
        for phase in JobPhase.allCases where !phase.isFinal { jobs[phase.rawValue, default: 0] += 0 }
        set("provernet_gateway_open_requests", key: "state", requests.mapValues(Double.init))
        set("provernet_gateway_open_jobs", key: "state", jobs.mapValues(Double.init))
        set("provernet_gateway_queue_depth", key: "class", snapshot.queueDepth.mapValues(Double.init))
        set("provernet_gateway_oldest_pending_job_age_seconds", key: "class", snapshot.oldestPendingSeconds)
        set("provernet_gateway_prover_free_slots", key: "prover", snapshot.proverFreeSlots.mapValues(Double.init))
        set("provernet_gateway_prover_running_jobs", key: "prover", snapshot.proverRunning.mapValues(Double.init))
        set("provernet_gateway_prover_cpu_load_ratio", key: "prover", snapshot.proverCPULoad)
        set("provernet_gateway_prover_memory_used_bytes", key: "prover", snapshot.proverMemoryBytes)
    }

    private func set(_ name: String, key: String, _ values: [String: Double]) {
        let stale = seen.withLock { seen in
            let before = seen[name] ?? []
            let now = Set(values.keys.map { [$0] })
            seen[name] = before.union(now)
            return before.subtracting(now)
        }
        for value in stale { gauge(name, (key, value[0])).record(0) }
        for (value, number) in values { gauge(name, (key, value)).record(number) }
    }

    /// The text `GET /metrics` answers.
    public func exposition() -> String { registry.exposition() }

    // MARK: Helpers

    /// A prover's label: the first 12 hex digits of its id (as the logs show it), bounded by the allowlist.
    static func short(_ prover: ProverID) -> String { String(prover.rawValue.prefix(12)) }

    /// The few reasons a job returns to the market, from the job book's words for them.
    static func requeueReason(_ message: String) -> String {
        if message.hasPrefix("lease expired") { return "lease_expired" }
        if message.contains("deadline") { return "reauctioned" }
        if message.hasPrefix("handed back") { return "handed_back" }
        if message.contains("reject") || message.contains("invalid") { return "rejected" }
        if message.contains("fail") { return "failed" }
        return "other"
    }

    private func counter(_ name: String, _ labels: (String, String)...) -> Counter {
        Counter(label: name, dimensions: labels, factory: factory)
    }

    private func gauge(_ name: String, _ labels: (String, String)...) -> Gauge {
        Gauge(label: name, dimensions: labels, factory: factory)
    }

    private func timer(_ name: String, _ labels: (String, String)...) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: labels, factory: factory)
    }
}
