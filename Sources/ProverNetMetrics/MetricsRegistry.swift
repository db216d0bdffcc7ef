import CoreMetrics
import Prometheus

/// One process's metrics: a swift-metrics `MetricsFactory` over a swift-prometheus registry, and the text
/// that `GET /metrics` serves.
///
/// Instrumented code uses swift-metrics' own types (`Counter(label:dimensions:factory:)`, `Timer`,
/// `Gauge`, `Meter`) with `factory`; the factory looks each name up in the catalogue for its help text and
/// buckets, because swift-metrics has no place for either and Prometheus's linter (`promtool check metrics`)
/// wants a `# HELP` line for every metric. A registry per instance, not the global `MetricsSystem`, so that
/// a test can run a gateway and provers in one process and read each one's metrics apart.
public final class MetricsRegistry: Sendable {
    public let prometheus: PrometheusCollectorRegistry
    let catalogue: [String: MetricDescription]

    /// - Parameter catalogue: every metric this process may create; a name not in it still works, with a
    ///   generic help text.
    public init(catalogue: [MetricDescription]) {
        self.prometheus = PrometheusCollectorRegistry()
        self.catalogue = Dictionary(catalogue.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The swift-metrics factory to pass as `factory:`.
    public var factory: any MetricsFactory { CataloguedPrometheusFactory(registry: self) }

    /// The metrics in Prometheus's text exposition format (version 0.0.4).
    public func exposition() -> String {
        prometheus.emitToString()
    }

    func description(of name: String) -> MetricDescription {
        catalogue[name] ?? MetricDescription(name, help: "ProverNet metric \(name).")
    }
}

/// The factory behind `MetricsRegistry.factory`: as swift-prometheus's own `PrometheusMetricsFactory`, but
/// with the catalogue's help texts and buckets.
struct CataloguedPrometheusFactory: MetricsFactory {
    let registry: MetricsRegistry

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let description = registry.description(of: label)
        return registry.prometheus.makeCounter(name: label, labels: dimensions, help: description.help)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let description = registry.description(of: label)
        return registry.prometheus.makeCounter(name: label, labels: dimensions, help: description.help)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let description = registry.description(of: label)
        guard aggregate else {
            return registry.prometheus.makeGauge(name: label, labels: dimensions, help: description.help)
        }
        let buckets = description.buckets.isEmpty ? MetricDescription.durationBuckets : description.buckets
        return registry.prometheus.makeValueHistogram(
            name: label, labels: dimensions, buckets: buckets, help: description.help)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let description = registry.description(of: label)
        return registry.prometheus.makeGauge(name: label, labels: dimensions, help: description.help)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let description = registry.description(of: label)
        let seconds = description.buckets.isEmpty ? MetricDescription.durationBuckets : description.buckets
        let buckets = seconds.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        return registry.prometheus.makeDurationHistogram(
            name: label, labels: dimensions, buckets: buckets, help: description.help)
    }

    // Metrics live as long as the process: a series that disappeared between two scrapes would read as a reset.
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
