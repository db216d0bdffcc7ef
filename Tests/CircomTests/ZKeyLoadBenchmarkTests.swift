import BN254
import Circom
import Foundation
import Groth16
import TestSupport
import Testing

/// Load time and memory of zkeys: the largest one in the test data always, and with CIRCOM_BENCH_LARGE=<log2 of
/// the domain> (20 gives a file of about 480 MB) a synthetic key written and read back. Prints its measurements.
@Suite("zkey loading", .serialized)
struct ZKeyLoadBenchmarkTests {
    /// The process's resident and peak resident memory in KiB (Linux /proc; nil elsewhere).
    static func memory() -> (rss: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let rss = field("VmRSS:"), let peak = field("VmHWM:") else { return nil }
        return (rss, peak)
    }

    /// Resets the peak resident size to the current one (Linux ≥ 4.0).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// Loads a key and prints the time and the growth of the peak resident size; returns both (growth in MiB,
    /// nil where /proc is absent).
    @discardableResult
    static func measure(_ url: URL, options: ZKeyFile.ReadOptions, label: String) throws -> (Duration, Int?) {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        resetPeak()
        let before = memory()
        let start = ContinuousClock.now
        let key = try ZKeyFile(contentsOf: url, options: options)
        let time = ContinuousClock.now - start
        let after = memory()
        let growthMiB = before.flatMap { b in after.map { ($0.peak - b.rss) / 1024 } }
        let growth = growthMiB.map { "\($0) MiB" } ?? "n/a"
        print(
            "zkey load: \(label) (\(size / 1_048_576) MiB, \(key.provingKey.nVars) wires, domain \(key.provingKey.domainSize)), "
                + "B2 subgroup check \(options.checkB2Subgroup ? "on" : "off"): \(time), peak memory growth \(growth)")
        return (time, growthMiB)
    }

    @Test(
        "the largest zkey in the test data loads, with its time and memory printed",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func largestZKey() throws {
        let sets = TestData.zkeyFiles.map(\.0).compactMap { path -> (URL, String, Int)? in
            guard let url = TestData.file(path),
                let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            else { return nil }
            return (url, path, size)
        }
        guard let (url, path, _) = sets.max(by: { $0.2 < $1.2 }) else { return }
        _ = try ZKeyFile(contentsOf: url, options: .init(checkB2Subgroup: false)) // warm the page cache
        #expect(try Self.measure(url, options: .init(), label: path).0 < .seconds(60))
        #expect(try Self.measure(url, options: .init(checkB2Subgroup: false), label: path).0 < .seconds(5))
    }

    @Test("the cost of one G2 subgroup check, printed")
    func subgroupCheckCost() {
        var p = JacobianPoint(G2Affine.generator).multiplied(by: Fr(123_456_789)).toAffine()
        let start = ContinuousClock.now
        var inGroup = 0
        for _ in 0..<50 {
            if p.isInSubgroup { inGroup += 1 }
            p = -p
        }
        print("G2 subgroup check: \((ContinuousClock.now - start) / 50) per point (one thread)")
        #expect(inGroup == 50)
    }

    @Test("a large synthetic zkey loads from a mapping without holding the file twice")
    func largeSyntheticZKey() throws {
        guard let value = ProcessInfo.processInfo.environment["CIRCOM_BENCH_LARGE"], let power = Int(value),
            (4...24).contains(power)
        else {
            print("SKIPPED: set CIRCOM_BENCH_LARGE=20 to measure loading a ~480 MB synthetic zkey")
            return
        }
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("large.zkey")
            try Self.writeSyntheticKey(to: url, power: power)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
            let (time, growth) = try Self.measure(
                url, options: .init(checkB2Subgroup: false), label: "synthetic 2^\(power)")
            // The decoded arrays are about 1.1× the file (Swift's point layout has padding); mapped pages are
            // released chunk by chunk, so the peak stays well below file + arrays.
            if let growth { #expect(growth < size * 3 / 2 / 1_048_576) }
            print(
                "zkey load: synthetic throughput \(Double(size) / 1_048_576 / (Double(time.components.seconds) + Double(time.components.attoseconds) * 1e-18)) MiB/s"
            )
        }
    }

    /// A structurally valid key of 2^power wires and rows whose points are a few multiples of the generators
    /// repeated (the loader checks curve membership, not that the key came from a setup).
    static func writeSyntheticKey(to url: URL, power: Int) throws {
        let n = 1 << power
        var g1 = [G1Affine]()
        var g2 = [G2Affine]()
        var p1 = JacobianPoint(G1Affine.generator)
        var p2 = JacobianPoint(G2Affine.generator)
        for _ in 0..<64 {
            g1.append(p1.toAffine())
            g2.append(p2.toAffine())
            p1 = p1.adding(G1Affine.generator)
            p2 = p2.adding(G2Affine.generator)
        }
        let nPublic = 1
        var coefficients: [MatrixCoefficient] = []
        coefficients.reserveCapacity(2 * n)
        for row in 0..<(n - nPublic - 1) {
            coefficients.append(
                MatrixCoefficient(matrix: .a, constraint: UInt32(row), signal: UInt32(row), value: Fr(UInt64(row + 2))))
            coefficients.append(
                MatrixCoefficient(matrix: .b, constraint: UInt32(row), signal: UInt32((row + 1) % n), value: .one))
        }
        let key = ProvingKey(
            nVars: n, nPublic: nPublic, domainSize: n, alpha1: g1[1], beta1: g1[2], beta2: g2[2], gamma2: g2[0],
            delta1: g1[3],
            delta2: g2[3], ic: [g1[4], g1[5]], coefficients: coefficients, a: (0..<n).map { g1[$0 & 63] },
            b1: (0..<n).map { g1[($0 + 1) & 63] }, b2: (0..<n).map { g2[$0 & 63] },
            c: (0..<(n - nPublic - 1)).map { g1[($0 + 2) & 63] },
            h: (0..<n).map { g1[($0 + 3) & 63] })
        try ZKeyFile(provingKey: key).write(to: url)
    }
}
