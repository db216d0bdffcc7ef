import CoreMetrics
import Foundation
import Metrics
import ProverNetCore
import ProverNetMetrics

/// A prover node's metrics, served at `GET /metrics` on its health port in Prometheus's text format.
///
/// The job runner moves the counters and histograms as each job ends; the gauges (slots, connection,
/// state, CPU and memory) are read when scraped (`refresh`). No label names a job: they are an outcome, a
/// job kind, a phase or a state, each from a fixed list. Each prover is its own scrape target, so no label
/// names the prover either (Prometheus's `instance` does).
public struct ProverMetrics: Sendable {
    /// The registry that `GET /metrics` renders.
    public let registry: MetricsRegistry
    let factory: any MetricsFactory

    public init(registry: MetricsRegistry = MetricsRegistry(catalogue: ProverMetrics.catalogue)) {
        self.registry = registry
        self.factory = registry.factory
        Gauge(label: "provernet_build_info", dimensions: [("version", ProverNetVersion.software)], factory: factory)
            .record(1)
    }

    /// How a job ended on this node.
    enum Outcome: String {
        /// Proven, and the result sent to the gateway.
        case proved
        /// It failed here (the gateway is told, and it costs the job an attempt).
        case failed
        /// The gateway took it back.
        case cancelled
        /// Handed back because the node shuts down.
        case handedBack = "handed_back"
    }

    /// One job ended: its outcome, its kind, and how long it ran in all.
    func jobEnded(_ outcome: Outcome, kind: String, seconds: Double) {
        Counter(label: "provernet_prover_jobs_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
            .increment()
        if outcome == .proved {
            Counter(label: "provernet_prover_proofs_total", dimensions: [("kind", kind)], factory: factory).increment()
        }
        CoreMetrics.Timer(
            label: "provernet_prover_job_duration_seconds", dimensions: [("kind", kind)], factory: factory
        )
        .recordNanoseconds(Int64(seconds * 1e9))
    }

    /// The time one phase of a job took: `download` (its artifacts), `witness`, `key`, `prove`.
    func phase(_ phase: String, seconds: Double) {
        CoreMetrics.Timer(
            label: "provernet_prover_phase_duration_seconds", dimensions: [("phase", phase)], factory: factory
        ).recordNanoseconds(Int64(max(0, seconds) * 1e9))
        FloatingPointCounter(
            label: "provernet_prover_proving_seconds_total", dimensions: [("phase", phase)], factory: factory
        ).increment(by: max(0, seconds))
    }

    /// The gateway's verdict on one of this node's results.
    func verdict(accepted: Bool) {
        Counter(
            label: "provernet_prover_verdicts_total", dimensions: [("verdict", accepted ? "accepted" : "rejected")],
            factory: factory
        ).increment()
    }

    /// Sets the gauges from the node's health and the machine's load.
    func refresh(_ health: ProverHealth, system: SystemMetrics) {
        gauge("provernet_prover_slots").record(Double(health.slots))
        gauge("provernet_prover_slots_in_use").record(Double(health.slots - health.freeSlots))
        gauge("provernet_prover_connected").record(health.connection == .connected ? 1 : 0)
        gauge("provernet_prover_reconnect_failures").record(Double(health.failedAttempts))
        for state in ProverHealth.State.allCases {
            gauge("provernet_prover_state", ("state", state.rawValue)).record(health.state == state ? 1 : 0)
        }
        let stuck = health.jobs.filter { $0.secondsSinceProgress > $0.stuckAfterSeconds }.count
        gauge("provernet_prover_stuck_jobs").record(Double(stuck))
        gauge("provernet_prover_cpu_load_ratio").record(system.cpuLoad)
        gauge("provernet_prover_memory_used_bytes").record(Double(system.memoryUsedBytes))
        gauge("provernet_prover_memory_total_bytes").record(Double(system.memoryTotalBytes))
        if let resident = Self.residentBytes() { gauge("provernet_prover_resident_memory_bytes").record(resident) }
    }

    private func gauge(_ name: String, _ labels: (String, String)...) -> Gauge {
        Gauge(label: name, dimensions: labels, factory: factory)
    }

    /// This process's resident memory, from /proc/self/statm (Linux); nil elsewhere.
    static func residentBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Every metric of a prover node, with its help text.
    public static let catalogue: [MetricDescription] = [
        MetricDescription("provernet_build_info", help: "Always 1; the software version as a label."),
        MetricDescription(
            "provernet_prover_jobs_total",
            help: "Jobs that ended on this node, by outcome (proved, failed, cancelled, handed_back)."),
        MetricDescription("provernet_prover_proofs_total", help: "Proofs made and sent to the gateway, by job kind."),
        MetricDescription(
            "provernet_prover_job_duration_seconds", help: "Time from a job's assignment to its end, by job kind."),
        MetricDescription(
            "provernet_prover_phase_duration_seconds",
            help: "Time of each phase of a job: download, witness, key, prove."),
        MetricDescription(
            "provernet_prover_proving_seconds_total", help: "Seconds spent in each phase of jobs, in all."),
        MetricDescription("provernet_prover_verdicts_total", help: "The gateway's verdicts on this node's results."),
        MetricDescription("provernet_prover_slots", help: "Jobs this node runs at once."),
        MetricDescription("provernet_prover_slots_in_use", help: "Slots running a job now."),
        MetricDescription("provernet_prover_connected", help: "1 while connected to the gateway."),
        MetricDescription(
            "provernet_prover_reconnect_failures", help: "Failed connection attempts since the last success."),
        MetricDescription(
            "provernet_prover_state", help: "1 for the node's state now (idle, proving, stuck, disconnected, draining)."
        ),
        MetricDescription("provernet_prover_stuck_jobs", help: "Jobs with no progress for longer than their limit."),
        MetricDescription("provernet_prover_cpu_load_ratio", help: "The machine's load average per core."),
        MetricDescription("provernet_prover_memory_used_bytes", help: "The machine's memory in use."),
        MetricDescription("provernet_prover_memory_total_bytes", help: "The machine's memory."),
        MetricDescription("provernet_prover_resident_memory_bytes", help: "This process's resident memory."),
    ]
}

extension ProverNode {
    /// The text of `GET /metrics`: the counters as they stand, the gauges read now.
    public func metricsExposition() -> String {
        metrics.refresh(health(), system: SystemMetrics.current())
        return metrics.exposition()
    }
}

extension ProverMetrics {
    /// The text `GET /metrics` answers.
    public func exposition() -> String { registry.exposition() }
}
