import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `provernet bench network --gateways` reads of a network's processes: which they are, and the CPU time
/// each has used (from `/proc`, Linux).
extension ProcessNetwork {
    /// The gateways that run, by name: the first gateway (`gateway`) first, then its peers by name.
    public var gatewayProcesses: [(name: String, pid: pid_t)] {
        var found: [(name: String, pid: pid_t)] = []
        if let gateway, gateway.isRunning { found.append(("gateway", gateway.pid)) }
        for name in peers.keys.sorted() {
            if let process = peers[name]?.process, process.isRunning { found.append((name, process.pid)) }
        }
        return found
    }
}

/// CPU time of processes, from `/proc/PID/stat` (Linux; nil elsewhere or once the process is gone).
public enum ProcessCPU {
    /// Seconds of CPU (user and system) that `pid` has used; with `tree`, also those of the children it has
    /// waited for and of every process below it now (a prover's workers).
    public static func seconds(of pid: pid_t, tree: Bool = false) -> Double? {
        guard let own = ticks(of: pid, children: tree) else { return nil }
        var total = own
        if tree {
            for child in ProcessTree.descendants(of: pid) { total += ticks(of: child, children: true) ?? 0 }
        }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return Double(total) / (perSecond > 0 ? perSecond : 100)
    }

    /// Seconds of CPU that every process below this one has used (with the children they waited for), but those
    /// in `excluding`: a harness's provers and their workers, when it excludes its gateways.
    public static func secondsBelowThisProcess(excluding: Set<pid_t>) -> Double {
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let ticks = ProcessTree.descendants(of: getpid()).filter { !excluding.contains($0) }.reduce(Int64(0)) {
            $0 + (self.ticks(of: $1, children: true) ?? 0)
        }
        return Double(ticks) / (perSecond > 0 ? perSecond : 100)
    }

    /// The machine's CPU time so far, from the first line of `/proc/stat`, in clock ticks of all cores together:
    /// busy (everything but idle and I/O wait) and in all.
    public static func machine() -> (busy: Int64, total: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let numbers = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard numbers.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is inside user already).
        let total = numbers.prefix(8).reduce(0, +)
        return (total - numbers[3] - numbers[4], total)
    }

    /// Clock ticks of `utime + stime` (fields 14 and 15 of `stat`), with `children` also `cutime + cstime`.
    /// COMM, the second field, may hold spaces and parentheses: the fields are counted from the last `)`.
    static func ticks(of pid: pid_t, children: Bool) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After COMM: field 3 (state) is index 0, so field N is index N - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let user = Int64(fields[11]), let system = Int64(fields[12]),
            let childUser = Int64(fields[13]), let childSystem = Int64(fields[14])
        else { return nil }
        return user + system + (children ? childUser + childSystem : 0)
    }
}
