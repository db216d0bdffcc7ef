import BN254
import Foundation

/// One measured figure, printed as a JSON line.
struct BenchResult {
    var op: String
    var size: Int
    var threads: Int
    var nsPerOp: Double

    var json: String {
        "{\"op\": \"\(op)\", \"size\": \(size), \"threads\": \(threads), \"ns_per_op\": \(String(format: "%.1f", nsPerOp))}"
    }
}

/// The BN254 benchmarks of `provernet bench`.
struct BN254Bench {
    static let allOperations = [
        "fq_mul", "fr_mul", "g1_add_mixed", "g1_double", "g1_scalar_mul", "g2_scalar_mul", "pairing",
        "pairing_product_4", "miller_loop", "final_exp", "g1_subgroup_check", "g2_subgroup_check", "msm_g1",
        "msm_g2", "ntt",
    ]
    /// Accepted by `--op` but not run by default: the costs of the tower operations inside a pairing.
    static let diagnosticOperations = ["fq2_mul", "fq12_mul", "fq12_square", "fq12_cyclotomic_square"]
    static let defaultSizes: [String: [Int]] = [
        "msm_g1": [1 << 16, 1 << 18, 1 << 20], "msm_g2": [1 << 16], "ntt": [1 << 16, 1 << 20],
    ]

    var stopwatch: Stopwatch
    var sizes: [Int]
    var threadCounts: [Int]

    /// "65536" or "2^16".
    static func parseSize(_ text: String) -> Int? {
        if text.hasPrefix("2^"), let k = Int(text.dropFirst(2)), (0...28).contains(k) { return 1 << k }
        if let n = Int(text), n > 0 { return n }
        return nil
    }

    func run(_ op: String) -> [BenchResult] {
        var g = SystemRandomNumberGenerator()
        func single(_ ns: Double, size: Int = 1) -> [BenchResult] {
            [BenchResult(op: op, size: size, threads: 1, nsPerOp: ns)]
        }
        switch op {
        case "fq_mul":
            var x = Fq.random(using: &g)
            let y = Fq.random(using: &g)
            // A dependent chain measures latency, as the peers' benchmarks do.
            let ns = stopwatch.measure(opsPerCall: 1000) {
                for _ in 0..<1000 { x = x * y }
                blackHole(x)
            }
            return single(ns)
        case "fr_mul":
            var x = Fr.random(using: &g)
            let y = Fr.random(using: &g)
            let ns = stopwatch.measure(opsPerCall: 1000) {
                for _ in 0..<1000 { x = x * y }
                blackHole(x)
            }
            return single(ns)
        case "g1_add_mixed":
            var p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g))
            let q = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let ns = stopwatch.measure(opsPerCall: 100) {
                for _ in 0..<100 { p = p.adding(q) }
                blackHole(p)
            }
            return single(ns)
        case "g1_double":
            var p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g))
            let ns = stopwatch.measure(opsPerCall: 100) {
                for _ in 0..<100 { p = p.doubled() }
                blackHole(p)
            }
            return single(ns)
        case "g1_scalar_mul":
            return single(scalarMultiplication(G1Jacobian.generator))
        case "g2_scalar_mul":
            return single(scalarMultiplication(G2Jacobian.generator))
        case "g1_subgroup_check":
            let p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let ns = stopwatch.measure { blackHole(p.isInSubgroup) }
            return single(ns)
        case "g2_subgroup_check":
            let p = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let ns = stopwatch.measure { blackHole(p.isInSubgroup) }
            return single(ns)
        case "pairing":
            let p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let q = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let ns = stopwatch.measure { blackHole(Pairing.pairing(p, q)) }
            return single(ns)
        case "pairing_product_4":
            let pairs = (0..<4).map { _ in
                (
                    G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine(),
                    G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
                )
            }
            let ns = stopwatch.measure { blackHole(Pairing.pairingProduct(pairs)) }
            return single(ns, size: 4)
        case "miller_loop":
            // The two halves of a pairing, as mcl's benchmark reports them.
            let p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let q = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let ns = stopwatch.measure { blackHole(Pairing.millerLoop(p, q)) }
            return single(ns)
        case "final_exp":
            let p = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let q = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let f = Pairing.millerLoop(p, q)
            let ns = stopwatch.measure { blackHole(Pairing.finalExponentiation(f)) }
            return single(ns)
        case "fq2_mul", "fq12_mul", "fq12_square", "fq12_cyclotomic_square":
            return towerOperation(op)
        case "msm_g1":
            return msm(op, generator: G1Jacobian.generator) { MSM.g1($0, $1, threads: $2) }
        case "msm_g2":
            return msm(op, generator: G2Jacobian.generator) { MSM.g2($0, $1, threads: $2) }
        case "ntt":
            return (sizes.isEmpty ? Self.defaultSizes[op] ?? [] : sizes).flatMap { n -> [BenchResult] in
                guard let domain = try? EvaluationDomain(minimumSize: n) else { return [] }
                var values = (0..<domain.size).map { _ in Fr.random(using: &g) }
                return threadCounts.map { t in
                    let ns = msmStopwatch.measure {
                        values.withUnsafeMutableBufferPointer { try? domain.ntt($0, threads: t) }
                    }
                    return BenchResult(op: op, size: domain.size, threads: t, nsPerOp: ns)
                }
            }
        default:
            return []
        }
    }

    /// Latency of one tower operation in a dependent chain (diagnostics for the pairing; not in the default set).
    func towerOperation(_ op: String) -> [BenchResult] {
        var g = SystemRandomNumberGenerator()
        let ns: Double
        switch op {
        case "fq2_mul":
            var x = Fq2.random(using: &g)
            let y = Fq2.random(using: &g)
            ns = stopwatch.measure(opsPerCall: 1000) {
                for _ in 0..<1000 { x = x * y }
                blackHole(x)
            }
        case "fq12_mul":
            var x = Fq12.random(using: &g)
            let y = Fq12.random(using: &g)
            ns = stopwatch.measure(opsPerCall: 100) {
                for _ in 0..<100 { x = x * y }
                blackHole(x)
            }
        case "fq12_square":
            var x = Fq12.random(using: &g)
            ns = stopwatch.measure(opsPerCall: 100) {
                for _ in 0..<100 { x = x.squared() }
                blackHole(x)
            }
        default:
            // Random elements are not cyclotomic, but the formula's cost does not depend on the value.
            var x = Fq12.random(using: &g)
            ns = stopwatch.measure(opsPerCall: 100) {
                for _ in 0..<100 { x = x.cyclotomicSquared() }
                blackHole(x)
            }
        }
        return [BenchResult(op: op, size: 1, threads: 1, nsPerOp: ns)]
    }

    /// Nanoseconds for k·P with a random 254-bit k, each result feeding the next.
    func scalarMultiplication<C>(_ generator: JacobianPoint<C>) -> Double {
        var g = SystemRandomNumberGenerator()
        var p = generator
        let k = Fr.random(using: &g)
        return stopwatch.measure {
            p = p.multiplied(by: k)
            blackHole(p)
        }
    }

    /// One MSM benchmark line per size and thread count: ns_per_op is per point.
    func msm<C>(
        _ op: String, generator: JacobianPoint<C>,
        _ body: ([AffinePoint<C>], [Fr], Int) -> JacobianPoint<C>
    ) -> [BenchResult] {
        var g = SystemRandomNumberGenerator()
        return (sizes.isEmpty ? Self.defaultSizes[op] ?? [] : sizes).flatMap { n in
            let points = Self.points(generator, count: n)
            let scalars = (0..<n).map { _ in Fr.random(using: &g) }
            return threadCounts.map { t in
                let ns = msmStopwatch.measure(opsPerCall: n) { blackHole(body(points, scalars, t)) }
                return BenchResult(op: op, size: n, threads: t, nsPerOp: ns)
            }
        }
    }

    /// Large operations: at least two runs, keep the faster.
    var msmStopwatch: Stopwatch { Stopwatch(minimumSeconds: stopwatch.minimumSeconds, minimumRounds: 2) }

    /// n distinct points k·G, k·G + G, … (cheap to make in bulk), in affine form.
    static func points<C>(_ generator: JacobianPoint<C>, count n: Int) -> [AffinePoint<C>] {
        var g = SystemRandomNumberGenerator()
        let base = generator.toAffine()
        var current = generator.multiplied(by: Fr.random(using: &g))
        var jacobian: [JacobianPoint<C>] = []
        jacobian.reserveCapacity(n)
        for _ in 0..<n {
            jacobian.append(current)
            current = current.adding(base)
        }
        return JacobianPoint<C>.batchToAffine(jacobian)
    }
}
