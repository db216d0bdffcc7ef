import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process tree as `/proc` shows it (Linux); elsewhere it is empty, and only the named process is signalled.
enum ProcessTree {
    /// Every process below `root`, children before grandchildren.
    static func descendants(of root: pid_t) -> [pid_t] {
        let parents = parentsByProcess()
        var found: [pid_t] = []
        var frontier: Set<pid_t> = [root]
        while !frontier.isEmpty {
            let next = parents.filter { frontier.contains($0.value) }.map(\.key)
            found.append(contentsOf: next.sorted())
            frontier = Set(next)
        }
        return found
    }

    /// The parent of every process, from `/proc/PID/stat`.
    private static func parentsByProcess() -> [pid_t: pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var parents: [pid_t: pid_t] = [:]
        for entry in entries {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let parent = parent(fromStat: stat)
            else { continue }
            parents[pid] = parent
        }
        return parents
    }

    /// The fourth field of a `stat` line, `PID (COMM) STATE PPID …`; COMM may hold spaces and parentheses,
    /// so the fields are counted from the last `)`.
    static func parent(fromStat stat: String) -> pid_t? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1 else { return nil }
        return pid_t(fields[1])
    }
}
