import Testing

@testable import BN254

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// n random G1 points: random multiples of the generator, converted to affine in one batch.
func randomG1Points(_ n: Int, _ g: inout SeededGenerator) -> [G1Affine] {
    let base = G1Jacobian.generator.multiplied(by: Fr.random(using: &g))
    let step = G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
    var points: [G1Jacobian] = []
    points.reserveCapacity(n)
    var p = base
    for _ in 0..<n {
        points.append(p)
        p = p.adding(step)
    }
    return G1Jacobian.batchToAffine(points)
}

func randomG2Points(_ n: Int, _ g: inout SeededGenerator) -> [G2Affine] {
    let base = G2Jacobian.generator.multiplied(by: Fr.random(using: &g))
    let step = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
    var points: [G2Jacobian] = []
    var p = base
    for _ in 0..<n {
        points.append(p)
        p = p.adding(step)
    }
    return G2Jacobian.batchToAffine(points)
}

/// Σ kᵢ·Pᵢ by one scalar multiplication per point.
func naiveMSM<C: CurveParameters>(_ points: [AffinePoint<C>], _ scalars: [Fr]) -> JacobianPoint<C> {
    var sum = JacobianPoint<C>.infinity
    for (p, k) in zip(points, scalars) { sum = sum + p.multiplied(by: k) }
    return sum
}

let rMinusOne = Fr.zero - .one

/// Scalars with the awkward values mixed in: zero, one, r − 1, and random ones.
func awkwardScalars(_ n: Int, _ g: inout SeededGenerator) -> [Fr] {
    (0..<n).map { i in
        switch g.next() % 8 {
        case 0: return .zero
        case 1: return rMinusOne
        case 2: return .one
        default: return i % 5 == 0 ? Fr(g.next() % 16) : .random(using: &g)
        }
    }
}

@Suite struct MSMTests {
    @Test(arguments: [1, 2, 3, 7, 64, 100, 1000, 4097])
    func g1MatchesNaiveSum(n: Int) {
        var g = SeededGenerator(seed: UInt64(n) &* 31 &+ 7)
        let points = randomG1Points(n, &g)
        let scalars = awkwardScalars(n, &g)
        let expected = naiveMSM(points, scalars)
        #expect(MSM.g1(points, scalars, threads: 1) == expected)
        #expect(MSM.g1(points, scalars, threads: 2) == expected)
        let generic = points.withUnsafeBufferPointer { p in
            scalars.withUnsafeBufferPointer { s in MSM.pippenger(p, s, threads: 2) }
        }
        #expect(generic == expected)
    }

    @Test func g1RandomSizesMatchNaiveSum() {
        var g = SeededGenerator(seed: 99)
        for _ in 0..<6 {
            let n = 1 + Int(g.next() % 3000)
            let points = randomG1Points(n, &g)
            let scalars = (0..<n).map { _ in Fr.random(using: &g) }
            #expect(MSM.g1(points, scalars) == naiveMSM(points, scalars), "n = \(n)")
        }
    }

    /// Every plan the chooser could pick — each window width, Jacobian and affine buckets, split windows —
    /// gives the same answer.
    @Test func everyWindowWidthAndBucketKindAgree() {
        var g = SeededGenerator(seed: 5)
        let n = 600
        let points = randomG1Points(n, &g)
        let scalars = awkwardScalars(n, &g)
        let expected = naiveMSM(points, scalars)
        for c in 1...16 {
            // Wide windows are slow to reduce in a debug build: try their default bucket kind only.
            let batches =
                c <= 12 ? [0, MSMPlan.batchCapacity(windowBits: c), 16] : [MSMPlan.batchCapacity(windowBits: c)]
            for batch in batches {
                for splits in c <= 12 ? [1, 3] : [1] {
                    let plan = MSMPlan(scalarBits: 127, windowBits: c, splits: splits, batchCapacity: batch)
                    let result = points.withUnsafeBufferPointer { p in
                        scalars.withUnsafeBufferPointer { s in
                            MSM.withEndomorphism(p, s, threads: 2, inversionCost: 300, plan: plan)
                        }
                    }
                    #expect(result == expected, "c = \(c), batch = \(batch), splits = \(splits)")
                }
            }
        }
    }

    /// The same point many times forces collisions on one bucket (the queue and the Jacobian fallback), and
    /// P with −P forces additions that cancel and doublings.
    @Test func repeatedAndOpposingPoints() {
        var g = SeededGenerator(seed: 11)
        let p = randomG1Points(1, &g)[0]
        let q = randomG1Points(1, &g)[0]
        for n in [2, 50, 3000] {
            let same = [G1Affine](repeating: p, count: n)
            let ones = [Fr](repeating: .one, count: n)
            let expected = p.multiplied(by: Fr(UInt64(n)))
            #expect(MSM.g1(same, ones, threads: 1) == expected)
            #expect(MSM.g1(same, ones, threads: 2) == expected)
            let scalars = awkwardScalars(n, &g)
            #expect(MSM.g1(same, scalars) == naiveMSM(same, scalars))
            // Alternating P, −P, Q with equal scalars: the P terms cancel bucket by bucket.
            let mixed = (0..<n).map { i in i % 3 == 0 ? p : (i % 3 == 1 ? -p : q) }
            let k = Fr.random(using: &g)
            let equal = [Fr](repeating: k, count: n)
            #expect(MSM.g1(mixed, equal) == naiveMSM(mixed, equal))
            let varied = awkwardScalars(n, &g)
            #expect(MSM.g1(mixed, varied) == naiveMSM(mixed, varied))
        }
    }

    /// A witness is full of small values: distinct points whose scalars are all 0…3 pile into a few buckets, so
    /// most additions overflow the queue into the Jacobian buckets, which are then folded into the affine ones.
    @Test func smallScalarsOnDistinctPoints() {
        var g = SeededGenerator(seed: 14)
        let points = randomG1Points(4000, &g)
        let scalars = (0..<4000).map { i in i % 9 == 0 ? Fr.random(using: &g) : Fr(g.next() % 4) }
        #expect(MSM.g1(points, scalars) == naiveMSM(points, scalars))
        let ones = [Fr](repeating: .one, count: 4000)
        #expect(MSM.g1(points, ones, threads: 1) == naiveMSM(points, ones))
        let g2Points = randomG2Points(1500, &g)
        let g2Scalars = (0..<1500).map { _ in Fr(g.next() % 3) }
        #expect(MSM.g2(g2Points, g2Scalars) == naiveMSM(g2Points, g2Scalars))
    }

    @Test func pointsAtInfinityAndZeroScalarsContributeNothing() {
        var g = SeededGenerator(seed: 12)
        var points = randomG1Points(300, &g)
        for i in stride(from: 0, to: 300, by: 7) { points[i] = .infinity }
        let scalars = awkwardScalars(300, &g)
        #expect(MSM.g1(points, scalars) == naiveMSM(points, scalars))
        #expect(MSM.g1(points, [Fr](repeating: .zero, count: 300)).isInfinity)
        #expect(MSM.g1([G1Affine](repeating: .infinity, count: 10), scalars).isInfinity)
        #expect(MSM.g1([], []).isInfinity)
    }

    @Test func mismatchedLengthsUseTheShorter() {
        var g = SeededGenerator(seed: 13)
        let points = randomG1Points(40, &g)
        let scalars = (0..<25).map { _ in Fr.random(using: &g) }
        let expected = naiveMSM(Array(points.prefix(25)), scalars)
        #expect(MSM.g1(points, scalars) == expected)
        #expect(MSM.g1(Array(points.prefix(25)), scalars + scalars) == expected)
    }

    @Test(arguments: [1, 5, 130, 1100])
    func g2MatchesNaiveSum(n: Int) {
        var g = SeededGenerator(seed: UInt64(n) &+ 1000)
        var points = randomG2Points(n, &g)
        if n > 4 {
            points[1] = points[0]
            points[2] = -points[0]
            points[3] = .infinity
        }
        let scalars = awkwardScalars(n, &g)
        let expected = naiveMSM(points, scalars)
        #expect(MSM.g2(points, scalars, threads: 1) == expected)
        #expect(MSM.g2(points, scalars, threads: 2) == expected)
        let generic = points.withUnsafeBufferPointer { p in
            scalars.withUnsafeBufferPointer { s in MSM.pippenger(p, s, threads: 1) }
        }
        #expect(generic == expected)
    }

    @Test func g2RepeatedPoint() {
        let p = G2Affine.generator
        let same = [G2Affine](repeating: p, count: 700)
        let ones = [Fr](repeating: .one, count: 700)
        #expect(MSM.g2(same, ones) == p.multiplied(by: Fr(700)))
    }

    // MARK: GLV

    @Test func endomorphismActsAsLambda() throws {
        var g = SeededGenerator(seed: 20)
        let lambda = try Fr(canonical: GLV.lambda)
        #expect(lambda * lambda * lambda == .one && lambda != .one)
        #expect(GLV.beta * GLV.beta * GLV.beta == .one && GLV.beta != .one)
        #expect(GLV.betaSquared == GLV.beta * GLV.beta)
        for p in randomG1Points(5, &g) {
            #expect(JacobianPoint(G1Parameters.endomorphism(p)) == p.multiplied(by: lambda))
        }
        for p in randomG2Points(3, &g) {
            #expect(JacobianPoint(G2Parameters.endomorphism(p)) == p.multiplied(by: lambda))
        }
    }

    @Test func decompositionRecombinesToTheScalar() throws {
        var g = SeededGenerator(seed: 21)
        let lambda = try Fr(canonical: GLV.lambda)
        func fr(_ v: Int128) throws -> Fr {
            let m = v.magnitude
            let f = try Fr(canonical: (UInt64(truncatingIfNeeded: m), UInt64(truncatingIfNeeded: m >> 64), 0, 0))
            return v < 0 ? -f : f
        }
        let bound = UInt128(1) << 127 // the recoding needs magnitudes below 2^(windows·c − 1) with windows·c ≥ 128
        var scalars: [Fr] = [.zero, .one, rMinusOne, lambda, -lambda, Fr(2), rMinusOne - .one]
        scalars += (0..<20000).map { _ in Fr.random(using: &g) }
        for k in scalars {
            let (k1, k2) = GLV.decompose(k.canonical)
            #expect(try fr(k1) + fr(k2) * lambda == k)
            #expect(k1.magnitude < bound && k2.magnitude < bound)
        }
    }

    @Test func signedDigitsRecombine() {
        var g = SeededGenerator(seed: 22)
        for c in 1...SignedDigits.maximumWindowBits {
            for trial in 0..<400 {
                let bits = 127
                // Half the trials negate the scalar, as GLV does for a negative half; some have every bit set,
                // so that digits of exactly 2^(c−1) occur.
                let negative = trial % 2 == 1
                let magnitude: Limbs4 =
                    trial % 8 < 2
                    ? (UInt64.max, UInt64.max >> 1, 0, 0) : (g.next(), g.next() >> UInt64(128 - bits), 0, 0)
                let windows = (bits + 1 + c - 1) / c
                var codes = [UInt16](repeating: 0, count: windows)
                codes.withUnsafeMutableBufferPointer {
                    SignedDigits.recode(
                        magnitude, negative: negative, windowBits: c, windows: windows, into: $0.baseAddress!, stride: 1
                    )
                }
                // Σ d_j·2^(j·c) in Fr equals the magnitude.
                var sum = Fr.zero
                var scale = Fr.one
                let shift = Fr(UInt64(1) << UInt64(c))
                for code in codes {
                    if code != SignedDigits.zero {
                        let d = Fr(UInt64(code & 0x7FFF) + 1)
                        sum = sum + (code & 0x8000 != 0 ? -d : d) * scale
                        #expect(Int(code & 0x7FFF) < 1 << (c - 1))
                    }
                    scale = scale * shift
                }
                let expected = try! Fr(canonical: magnitude)
                #expect(sum == (negative ? -expected : expected), "c = \(c), negative: \(negative)")
            }
        }
    }

    @Test func planUsesEveryThreadAndWidensTheWindowWithSize() {
        let small = MSMPlan.choose(points: 16, scalarBits: 127, threads: 1, inversionCost: 300)
        let large = MSMPlan.choose(points: 1 << 21, scalarBits: 127, threads: 1, inversionCost: 300)
        #expect(small.windowBits < large.windowBits)
        #expect(large.batchCapacity > 0)
        for threads in 1...4 {
            let plan = MSMPlan.choose(points: 1 << 17, scalarBits: 127, threads: threads, inversionCost: 300)
            #expect(plan.windows * plan.windowBits >= 128)
            #expect(plan.bucketCount(window: plan.windows - 1) <= 1 << (plan.windowBits - 1))
        }
    }
}
