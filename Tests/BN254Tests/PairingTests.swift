import Foundation
import Testing

@testable import BN254

@Suite struct PairingTests {
    let p = G1Affine.generator
    let q = G2Affine.generator

    @Test func pairingIsBilinear() {
        var g = SeededGenerator(seed: 254)
        let e = Pairing.pairing(p, q)
        for _ in 0..<3 {
            let a = Fr.random(using: &g)
            let b = Fr.random(using: &g)
            let ap = p.multiplied(by: a).toAffine()
            let bq = q.multiplied(by: b).toAffine()
            let abp = p.multiplied(by: a * b).toAffine()
            let eab = Pairing.pairing(ap, bq)
            #expect(eab == e.power((a * b).canonical))
            #expect(eab == Pairing.pairing(abp, q))
            #expect(eab == Pairing.pairing(p, q.multiplied(by: a * b).toAffine()))
        }
    }

    @Test func pairingIsLinearInEachArgument() {
        var g = SeededGenerator(seed: 2)
        let p1 = p.multiplied(by: Fr.random(using: &g))
        let p2 = p.multiplied(by: Fr.random(using: &g))
        let q1 = q.multiplied(by: Fr.random(using: &g))
        let q2 = q.multiplied(by: Fr.random(using: &g))
        let (a1, a2, b1, b2) = (p1.toAffine(), p2.toAffine(), q1.toAffine(), q2.toAffine())
        #expect(Pairing.pairing((p1 + p2).toAffine(), b1) == Pairing.pairing(a1, b1) * Pairing.pairing(a2, b1))
        #expect(Pairing.pairing(a1, (q1 + q2).toAffine()) == Pairing.pairing(a1, b1) * Pairing.pairing(a1, b2))
    }

    @Test func pairingIsNonDegenerateOfOrderR() {
        let e = Pairing.pairing(p, q)
        #expect(!e.isOne)
        #expect(e.power(FrParameters.modulus).isOne)
    }

    @Test func checkOfAPairingAndItsInverseSucceeds() {
        var g = SeededGenerator(seed: 3)
        let a = p.multiplied(by: Fr.random(using: &g)).toAffine()
        let b = q.multiplied(by: Fr.random(using: &g)).toAffine()
        #expect(Pairing.pairingCheck([(a, b), (-a, b)]))
        #expect(Pairing.pairingCheck([(a, b), (a, -b)]))
        #expect(!Pairing.pairingCheck([(a, b), (a, b)]))
        #expect(!Pairing.pairingCheck([(a, b)]))
        // e(aP, Q)·e(−P, aQ) = 1
        let k = Fr.random(using: &g)
        #expect(Pairing.pairingCheck([(p.multiplied(by: k).toAffine(), q), (-p, q.multiplied(by: k).toAffine())]))
    }

    @Test func productEqualsTheProductOfPairings() {
        var g = SeededGenerator(seed: 4)
        var pairs: [(G1Affine, G2Affine)] = []
        var expected = Fq12.one
        for _ in 0..<4 {
            let a = p.multiplied(by: Fr.random(using: &g)).toAffine()
            let b = q.multiplied(by: Fr.random(using: &g)).toAffine()
            pairs.append((a, b))
            expected = expected * Pairing.pairing(a, b)
        }
        #expect(Pairing.pairingProduct(pairs) == expected)
        let prepared = pairs.map { ($0.0, G2Prepared($0.1)) }
        #expect(Pairing.pairingProduct(prepared: prepared) == expected)
        #expect(Pairing.millerLoop(prepared: prepared) == Pairing.millerLoop(pairs))
        #expect(Pairing.millerLoop(pairs[0].0, pairs[0].1) == Pairing.millerLoop([pairs[0]]))
        #expect(Pairing.finalExponentiation(Pairing.millerLoop(pairs)) == expected)
    }

    @Test func pairsWithInfinityAreSkipped() {
        var g = SeededGenerator(seed: 5)
        let a = p.multiplied(by: Fr.random(using: &g)).toAffine()
        let b = q.multiplied(by: Fr.random(using: &g)).toAffine()
        #expect(Pairing.pairing(.infinity, q).isOne)
        #expect(Pairing.pairing(p, .infinity).isOne)
        #expect(Pairing.pairingProduct([]).isOne)
        #expect(Pairing.pairingCheck([(.infinity, .infinity)]))
        let e = Pairing.pairing(a, b)
        #expect(Pairing.pairingProduct([(.infinity, q), (a, b), (p, .infinity)]) == e)
        #expect(Pairing.pairingProduct([(a, b), (.infinity, .infinity)]) == e)
        #expect(
            Pairing.pairingProduct(prepared: [
                (.infinity, G2Prepared(q)), (a, G2Prepared(b)), (p, G2Prepared(.infinity)),
            ]) == e)
        #expect(G2Prepared(.infinity).isInfinity)
        #expect(Pairing.pairingCheck([(a, b), (-a, b), (.infinity, b)]))
    }

    @Test func preparedLinesMatchTheLoopCount() {
        let prepared = G2Prepared(q)
        #expect(prepared.lines.count == 65 + 21 + 2)
        #expect(G2Prepared.lineCount == prepared.lines.count)
    }

    /// Timing, not a test: `PAIRING_BENCH=1 swift test -c release --filter PairingTests/benchmark`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PAIRING_BENCH"] != nil))
    func benchmark() {
        var g = SeededGenerator(seed: 6)
        var pairs: [(G1Affine, G2Affine)] = []
        for _ in 0..<4 {
            pairs.append(
                (p.multiplied(by: Fr.random(using: &g)).toAffine(), q.multiplied(by: Fr.random(using: &g)).toAffine()))
        }
        let prepared = pairs.map { ($0.0, G2Prepared($0.1)) }
        func measure(_ name: String, _ iterations: Int, _ body: () -> Fq12) {
            var best = Double.infinity
            var sink = Fq12.one
            for _ in 0..<5 {
                let start = ContinuousClock.now
                for _ in 0..<iterations { sink = sink * body() }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                best = min(best, seconds / Double(iterations))
            }
            print("\(name): \(String(format: "%.1f", best * 1e6)) µs \(sink.isOne ? "" : " ")")
        }
        let (a, b) = pairs[0]
        let f = Pairing.millerLoop(a, b)
        measure("miller_loop", 200) { Pairing.millerLoop(a, b) }
        measure("final_exp", 200) { Pairing.finalExponentiation(f) }
        measure("pairing", 200) { Pairing.pairing(a, b) }
        measure("pairing_product_4", 100) { Pairing.pairingProduct(pairs) }
        measure("pairing_product_4_prepared", 100) { Pairing.pairingProduct(prepared: prepared) }
        var x = f
        measure("fq12_mul", 20000) {
            x = x * f
            return x
        }
        measure("fq12_square", 20000) {
            x = x.squared()
            return x
        }
        measure("fq12_cyclotomic_square", 20000) {
            x = x.cyclotomicSquared()
            return x
        }
        measure("fq12_mul_034", 20000) {
            x = x.multiplied(by034: b.x, b.y, b.x)
            return x
        }
        var y = a.x
        measure("fq_mul", 1_000_000) {
            y = y * a.y
            return Fq12(Fq6(Fq2(y, y)), .zero)
        }
    }
}
