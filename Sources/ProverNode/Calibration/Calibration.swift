import BN254
import Foundation
import Groth16
import ProofSystems
import ProverNetCore

/// The short measurement a node makes on start: it proves a small synthetic circuit in-process to measure
/// its speed, predicts seconds per job for the classes 2^10…2^22 from the proof system's work model, and
/// bounds the largest circuit by the memory it has.
public enum Calibration {
    /// The job classes whose speed a node announces.
    public static let announcedLog2Sizes = 10...22
    /// The aggregation classes (log₂ of the proof count) whose speed a node announces.
    public static let announcedAggregationLog2Sizes = 1...13

    /// Measures this machine. `log2Size` is the size of the circuit proven (2^12 by default: big enough
    /// that MSM and NTT dominate, small enough to take well under a second).
    /// With `aggregates`, the node also announces SnarkPack aggregation, its speed predicted from the same
    /// measurement by the work units.
    public static func run(
        log2Size: Int, threads: Int, slots: Int, bytesPerConstraint: UInt64, aggregates: Bool = true,
        metrics: SystemMetrics = .current()
    ) throws -> Capabilities {
        // A domain of 2^k holds the constraints plus one row per public signal and the constant.
        let constraints = max(1, (1 << log2Size) - 2)
        let (r1cs, witness) = SyntheticCircuit.make(constraints: constraints)
        let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: threads)
        // The first proof warms caches and thread pools; the faster of two is the machine's speed.
        var best = Double.infinity
        for _ in 0..<2 {
            let start = ContinuousClock.now
            _ = try Prover.prove(key: key, witness: witness, threads: threads)
            best = min(best, seconds(ContinuousClock.now - start))
        }
        let domainSize = UInt64(key.domainSize)
        let maxConstraints = maxConstraints(
            memoryAvailableBytes: metrics.memoryAvailableBytes, slots: slots, bytesPerConstraint: bytesPerConstraint)
        var secondsPerJob: [JobClass: Double] = [:]
        for k in announcedLog2Sizes where (UInt64(1) << k) <= max(maxConstraints, domainSize) {
            secondsPerJob[.groth16(domainSize: 1 << k)] = Groth16ProofSystem.predictSeconds(
                domainSize: 1 << k, measuredSeconds: best, measuredDomainSize: domainSize)
        }
        var proofSystems = [Groth16ProofSystem.name]
        if aggregates {
            proofSystems.append(SnarkPackProofSystem.name)
            for k in announcedAggregationLog2Sizes {
                let jobClass = JobClass(proofSystem: SnarkPackProofSystem.name, log2Size: k)
                secondsPerJob[jobClass] =
                    best * jobClass.workUnits / Groth16ProofSystem.workUnits(domainSize: domainSize)
            }
        }
        return Capabilities(
            proofSystems: proofSystems, maxConstraints: maxConstraints, slots: slots,
            cores: SystemMetrics.cores, memoryBytes: metrics.memoryTotalBytes, secondsPerJob: secondsPerJob,
            measuredSeconds: best, measuredDomainSize: domainSize)
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
