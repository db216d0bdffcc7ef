import Foundation

/// A scrape of a `/metrics` endpoint, read as Prometheus reads its text format: each sample's name, labels
/// and value (`# HELP` and `# TYPE` lines kept apart).
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let text: String
    let samples: [Sample]
    /// The `# TYPE` of each metric family.
    let types: [String: String]

    init(_ text: String) throws {
        self.text = text
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw NetworkTestError("not a sample line: \(line)")
            }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                // Values here hold no commas or quotes: class names, states, reasons, versions.
                for pair in body.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2 else { throw NetworkTestError("bad labels in \(line)") }
                    labels[String(kv[0])] = String(kv[1].dropFirst().dropLast())
                }
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        self.samples = samples
        self.types = types
    }

    /// The sum of the samples named `name` whose labels include `labels`; nil when there is none.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// Every label value in the scrape.
    var labelValues: Set<String> { Set(samples.flatMap { $0.labels.values }) }
}

/// `promtool`, from Debian's `prometheus` package, if it is installed (`scripts/setup` installs it).
enum Promtool {
    static var path: URL? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(directory)).appendingPathComponent("promtool")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Whether this run must have it: in CI (`CI` set), a missing promtool fails the test instead of
    /// skipping the check.
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }
}
