import Foundation

/// The machine's load and memory, read from `/proc` (Linux); zero where a value cannot be read.
public struct SystemMetrics: Sendable, Equatable {
    /// The 1-minute load average divided by the number of cores: 1.0 means every core is busy.
    public var cpuLoad: Double
    public var memoryTotalBytes: UInt64
    /// Memory that the kernel could give to new processes (`MemAvailable`).
    public var memoryAvailableBytes: UInt64
    public var memoryUsedBytes: UInt64 { memoryTotalBytes - min(memoryTotalBytes, memoryAvailableBytes) }

    public init(cpuLoad: Double, memoryTotalBytes: UInt64, memoryAvailableBytes: UInt64) {
        self.cpuLoad = cpuLoad
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
    }

    /// The cores this process may use.
    public static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Reads the current values.
    public static func current() -> SystemMetrics {
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).map(parseMeminfo) ?? [:]
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap(parseLoadAverage)
        let total = memory["MemTotal"] ?? ProcessInfo.processInfo.physicalMemory
        return SystemMetrics(
            cpuLoad: (load ?? 0) / Double(cores), memoryTotalBytes: total,
            memoryAvailableBytes: memory["MemAvailable"] ?? memory["MemFree"] ?? 0)
    }

    /// `/proc/meminfo` as bytes by name (`MemTotal:  16303620 kB`).
    static func parseMeminfo(_ text: String) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " })
            guard parts.count >= 2, let value = UInt64(parts[1]) else { continue }
            let unit: UInt64 = parts.count >= 3 && parts[2] == "kB" ? 1024 : 1
            values[String(parts[0])] = value * unit
        }
        return values
    }

    /// The first field of `/proc/loadavg` (`0.52 0.58 0.59 1/467 12345`).
    static func parseLoadAverage(_ text: String) -> Double? {
        text.split(separator: " ").first.flatMap { Double($0) }
    }
}
