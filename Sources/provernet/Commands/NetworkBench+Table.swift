import Foundation

/// The readable table of `provernet bench network`: one row per run, from its JSON lines.
extension NetworkBench {
    /// Prints a table of the runs whose lines are `lines` to standard error (standard output stays JSON lines).
    static func printTable(_ lines: [String]) {
        let table = Self.table(lines)
        if !table.isEmpty { note(table) }
    }

    /// One row per run (database and gateways), in the order the runs came.
    static func table(_ lines: [String]) -> String {
        var order: [String] = []
        var runs: [String: [String: [String: Any]]] = [:]
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let metric = object["metric"] as? String
            else { continue }
            let database = object["database"] as? String ?? "?"
            let gateways = (object["gateways"] as? NSNumber).map { "\($0.intValue)" } ?? "in-process"
            let run = "\(database) × \(gateways)"
            if runs[run] == nil { order.append(run) }
            if metric == "gateway_cpu", let name = object["gateway"] as? String {
                runs[run, default: [:]]["gateway_cpu/\(name)"] = object
            } else {
                runs[run, default: [:]][metric] = object
            }
        }
        guard !order.isEmpty else { return "" }
        func number(_ run: [String: [String: Any]], _ metric: String, _ field: String, _ format: String) -> String {
            guard let value = (run[metric]?[field] as? NSNumber)?.doubleValue, value.isFinite else { return "-" }
            return String(format: format, value)
        }
        let header = [
            "database × gateways", "jobs", "jobs/s", "latency p50 ms", "p90 ms", "1st lease p50 ms", "leader passes",
            "pass ms", "pass share", "check ms", "gateway cores", "prover cores", "machine busy", "db active s",
            "db commits/s",
        ]
        var rows: [[String]] = []
        for name in order {
            let run = runs[name] ?? [:]
            let gatewayCores = run.keys.filter { $0.hasPrefix("gateway_cpu/") }.sorted().map {
                number(run, $0, "cores", "%.2f")
            }
            rows.append([
                name, number(run, "throughput", "jobs", "%.0f"), number(run, "throughput", "jobs_per_second", "%.2f"),
                number(run, "request_latency_ms", "p50", "%.0f"), number(run, "request_latency_ms", "p90", "%.0f"),
                number(run, "first_assignment_ms", "p50", "%.0f"), number(run, "leader", "market_passes", "%.0f"),
                number(run, "leader", "pass_mean_ms", "%.1f"), number(run, "leader", "pass_share_of_wall", "%.3f"),
                number(run, "leader", "check_mean_ms", "%.1f"),
                gatewayCores.isEmpty ? "-" : gatewayCores.joined(separator: " / "),
                number(run, "process_cpu", "provers_cores", "%.2f"),
                number(run, "process_cpu", "machine_busy_cores", "%.2f"),
                number(run, "database", "active_seconds", "%.2f"),
                number(run, "database", "commits_per_second", "%.0f"),
            ])
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func format(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                index == 0
                    ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([format(header)] + rows.map(format)).joined(separator: "\n")
    }
}
