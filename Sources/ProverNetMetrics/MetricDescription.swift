/// What a metric is, for the `# HELP` line and, for a histogram, its buckets: the catalogue of one process's
/// metrics is a list of these, and instrumented code names a metric only by its `name`.
public struct MetricDescription: Sendable, Hashable {
    /// The name, by Prometheus's conventions: `provernet_` first, the base unit in the name (`_seconds`,
    /// `_bytes`), `_total` last for a counter.
    public var name: String
    /// One sentence for the `# HELP` line.
    public var help: String
    /// The upper bounds of a histogram's buckets, in its base unit; empty for counters and gauges.
    public var buckets: [Double]

    public init(_ name: String, help: String, buckets: [Double] = []) {
        self.name = name
        self.help = help
        self.buckets = buckets
    }

    /// Buckets for durations from about 5 ms to 10 minutes (proofs run from milliseconds to minutes).
    public static let durationBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
    ]
}
