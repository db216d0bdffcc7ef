import ProofSystems
import ProverNetAPI
import ProverNetCore
import ProverNode
import Testing

@Suite struct CalibrationTests {
    @Test func measuresASmallProofAndPredictsLargerClassesInOrder() throws {
        let metrics = SystemMetrics(cpuLoad: 0.1, memoryTotalBytes: 16 << 30, memoryAvailableBytes: 8 << 30)
        let capabilities = try Calibration.run(
            systems: .standard(), log2Size: 8, threads: 2, slots: 2, bytesPerConstraint: 2048, metrics: metrics)
        #expect(capabilities.proofSystems == ["groth16-bn254", "snarkpack-bn254"])
        #expect(capabilities.measuredDomainSize == 256)
        #expect(capabilities.measuredSeconds > 0 && capabilities.measuredSeconds < 5)
        // 8 GiB over 2 slots at 2 KiB per constraint: 2^21 constraints per job.
        #expect(capabilities.maxConstraints == 1 << 21)
        #expect(capabilities.slots == 2 && capabilities.memoryBytes == 16 << 30)
        let classes = capabilities.secondsPerJob.keys.filter { !$0.isAggregation }.sorted { $0.log2Size < $1.log2Size }
        #expect(classes.map(\.log2Size) == Array(10...21))
        let seconds = classes.compactMap { capabilities.secondsPerJob[$0] }
        #expect(seconds.allSatisfy { $0 > 0 && $0.isFinite })
        #expect(seconds == seconds.sorted())
        // A class twice as large costs a little more than twice as much (n log n).
        let ratio =
            (capabilities.secondsPerJob[JobClass("groth16-bn254/2^21")!] ?? 0)
            / (capabilities.secondsPerJob[JobClass("groth16-bn254/2^20")!] ?? 1)
        #expect(ratio > 2 && ratio < 2.2)
        #expect(capabilities.message.secondsPerJob["groth16-bn254/2^12"] != nil)
        // Aggregation of 2 to 8,192 proofs, predicted linear in the count of proofs.
        let aggregations = capabilities.secondsPerJob.keys.filter(\.isAggregation).sorted { $0.log2Size < $1.log2Size }
        #expect(aggregations.map(\.log2Size) == Array(1...13))
        let aggregationRatio =
            (capabilities.secondsPerJob[JobClass("snarkpack-bn254/2^13")!] ?? 0)
            / (capabilities.secondsPerJob[JobClass("snarkpack-bn254/2^12")!] ?? 1)
        #expect(abs(aggregationRatio - 2) < 1e-9)
    }

    @Test func aNodeThatDoesNotAggregateAnnouncesOnlyGroth16() throws {
        let metrics = SystemMetrics(cpuLoad: 0.1, memoryTotalBytes: 16 << 30, memoryAvailableBytes: 8 << 30)
        let capabilities = try Calibration.run(
            systems: .standard(), log2Size: 6, threads: 1, slots: 1, bytesPerConstraint: 2048, aggregates: false,
            metrics: metrics)
        #expect(capabilities.proofSystems == ["groth16-bn254"])
        #expect(!capabilities.secondsPerJob.keys.contains { $0.isAggregation })
    }

    @Test func boundsTheLargestCircuitByMemory() {
        #expect(Calibration.maxConstraints(memoryAvailableBytes: 0, slots: 1, bytesPerConstraint: 1024) == 0)
        #expect(
            Calibration.maxConstraints(memoryAvailableBytes: 3 << 30, slots: 1, bytesPerConstraint: 1024) == 1 << 21)
        #expect(
            Calibration.maxConstraints(memoryAvailableBytes: 3 << 30, slots: 3, bytesPerConstraint: 1024) == 1 << 20)
    }

    @Test func readsTheMachinesLoadAndMemory() {
        let metrics = SystemMetrics.current()
        #expect(metrics.memoryTotalBytes > 0)
        #expect(metrics.memoryUsedBytes <= metrics.memoryTotalBytes)
        #expect(metrics.cpuLoad >= 0)
    }
}
