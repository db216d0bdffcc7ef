import Foundation
import ProverNetCore

/// The short measurement a node makes on start: the first proof system that can measure proves one small job
/// in-process (Groth16 proves a synthetic circuit), the seconds per job of every class of every system are
/// predicted from it through the systems' work units, and the largest circuit is bounded by the memory the
/// node has.
public enum Calibration {
    /// The job classes whose speed a node announces for a system that does not name its own.
    public static let announcedLog2Sizes = 10...22

    /// Measures this machine. `log2Size` is the size of the job measured (2^12 by default: big enough
    /// that MSM and NTT dominate, small enough to take well under a second). Without `aggregates`, the
    /// node leaves out the aggregation systems.
    public static func run(
        systems: ProofSystemRegistry, log2Size: Int, threads: Int, slots: Int, bytesPerConstraint: UInt64,
        aggregates: Bool = true, metrics: SystemMetrics = .current()
    ) throws -> Capabilities {
        var measured: (system: any ProofSystem, measurement: ProvingMeasurement)?
        for system in systems.systems {
            if let measurement = try system.measure(log2Size: log2Size, threads: threads) {
                measured = (system, measurement)
                break
            }
        }
        guard let (reference, measurement) = measured else {
            throw ProverNodeError.configuration("none of this prover's proof systems can measure the machine")
        }
        let secondsPerUnit = measurement.seconds / reference.workUnits(size: measurement.size)
        let maxConstraints = maxConstraints(
            memoryAvailableBytes: metrics.memoryAvailableBytes, slots: slots, bytesPerConstraint: bytesPerConstraint)
        var proofSystems: [String] = []
        var secondsPerJob: [JobClass: Double] = [:]
        for system in systems.systems where aggregates || !(system is any AggregationSystem) {
            proofSystems.append(system.name)
            let bound = max(maxConstraints, measurement.size)
            let sizes =
                system.announcedLog2Sizes.map(Array.init) ?? announcedLog2Sizes.filter { UInt64(1) << $0 <= bound }
            for k in sizes {
                secondsPerJob[JobClass(proofSystem: system.name, log2Size: k)] =
                    secondsPerUnit * system.workUnits(size: UInt64(1) << k)
            }
        }
        return Capabilities(
            proofSystems: proofSystems, maxConstraints: maxConstraints, slots: slots,
            cores: SystemMetrics.cores, memoryBytes: metrics.memoryTotalBytes, secondsPerJob: secondsPerJob,
            measuredSeconds: measurement.seconds, measuredDomainSize: measurement.size)
    }

    /// The largest power of two of constraints that each slot's job can hold in the available memory.
    public static func maxConstraints(memoryAvailableBytes: UInt64, slots: Int, bytesPerConstraint: UInt64) -> UInt64 {
        let perSlot = memoryAvailableBytes / UInt64(max(1, slots)) / max(1, bytesPerConstraint)
        guard perSlot > 0 else { return 0 }
        return UInt64(1) << (63 - perSlot.leadingZeroBitCount)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
