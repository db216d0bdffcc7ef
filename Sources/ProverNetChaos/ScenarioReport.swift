import Foundation
import ProverNetTesting

/// What a scenario found: the invariants' counts, what happened, and every violation. Printed as one
/// JSON line.
public struct ScenarioReport: Encodable, Sendable {
    /// The scenario's name.
    public var scenario: String
    /// Whether every invariant and expectation held.
    public var passed = false
    /// How long it took.
    public var seconds = 0.0
    var invariants = Invariants()
    /// From the first request's submission to the last one's end, from the gateway's records (nil if a
    /// request did not end).
    var completionSeconds: Double? = nil
    /// Each ended request's time from submission to its end, in seconds.
    var latencySeconds: Latency? = nil
    /// Why the requests that did not complete ended so (and why refused submissions were refused), with
    /// how many.
    var reasons: [String: Int] = [:]
    /// What the scenario did and saw (which prover was killed, how a late result was answered).
    var facts: [String: String] = [:]
    /// Every violated invariant or expectation, and why the scenario could not run if it could not.
    public var failures: [String] = []
    /// The submissions the gateway refused, with its reasons.
    var submitFailures: [String] = []
    /// Where the logs are (kept when the scenario failed, or with --keep).
    public var directory: String?

    /// Percentiles of request latency.
    public struct Latency: Encodable, Sendable {
        var p50: Double
        var p90: Double
        var max: Double

        /// The percentiles of `values`, or nil for none.
        init?(_ values: [Double]) {
            let sorted = values.sorted()
            guard let last = sorted.last else { return nil }
            func at(_ q: Double) -> Double {
                sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
            }
            p50 = at(0.5)
            p90 = at(0.9)
            max = last
        }
    }

    /// The report as one line of JSON (snake_case keys, sorted).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"scenario\":\"\(scenario)\",\"passed\":false}" }
        return String(decoding: data, as: UTF8.self)
    }
}
