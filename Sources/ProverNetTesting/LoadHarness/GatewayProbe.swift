import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a load run reads of a gateway from outside: its resident memory (`/proc`, Linux) and its `/metrics`.
public enum GatewayProbe {
    /// The resident set size of `pid` in bytes (`VmRSS` of `/proc/PID/status`); nil elsewhere or once it is gone.
    public static func residentBytes(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// The Prometheus exposition at `http://127.0.0.1:PORT/metrics`: each series by its name with labels
    /// (`name{label="value"}`, as written), and each name summed over its labels; empty when it cannot be read.
    public static func metrics(port: Int?) async -> [String: Double] {
        guard let port, let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
            let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url))
        else { return [:] }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The series of an exposition text, by full key and by name summed over labels.
    public static func parse(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let key = String(line[..<space])
            let name = String(key[..<(key.firstIndex(of: "{") ?? key.endIndex)])
            if key != name { values[key, default: 0] += value }
            values[name, default: 0] += value
        }
        return values
    }
}
