import Testing

@testable import BN254

/// A point on the twist that is almost surely not in G2: a random x with a square right-hand side.
func randomTwistPoint(_ g: inout SeededGenerator) -> G2Affine {
    while true {
        let x = Fq2.random(using: &g)
        if let y = (x.squared() * x + G2Parameters.b).squareRoot() {
            return G2Affine(unchecked: x, y)
        }
    }
}

@Suite struct CurveTests {
    @Test func generatorsAreOnTheCurvesAndHaveOrderR() {
        #expect(G1Affine.generator.isOnCurve)
        #expect(G2Affine.generator.isOnCurve)
        #expect(G1Jacobian.generator.multiplied(by: FrParameters.modulus).isInfinity)
        #expect(G2Jacobian.generator.multiplied(by: FrParameters.modulus).isInfinity)
        #expect(G2Affine.generator.isInSubgroup)
    }

    @Test func groupLawsHoldInG1AndG2() {
        var g = SeededGenerator(seed: 10)
        for _ in 0..<20 {
            let a = Fr.random(using: &g)
            let b = Fr.random(using: &g)
            let p = G1Jacobian.generator.multiplied(by: a)
            let q = G1Jacobian.generator.multiplied(by: b)
            #expect(p + q == G1Jacobian.generator.multiplied(by: a + b))
            #expect(p + q == q + p)
            #expect(p.adding(q.toAffine()) == p + q)
            #expect(p.adding(p.toAffine()) == p.doubled())
            #expect(p.adding((-p).toAffine()).isInfinity)
            #expect((p + (-p)).isInfinity)
            #expect(p.multiplied(by: b) == G1Jacobian.generator.multiplied(by: a * b))
            #expect(p.toAffine().isOnCurve && (p + q).isOnCurve)
            let p2 = G2Jacobian.generator.multiplied(by: a)
            let q2 = G2Jacobian.generator.multiplied(by: b)
            #expect(p2 + q2 == G2Jacobian.generator.multiplied(by: a + b))
            #expect(p2.adding(q2.toAffine()) == p2 + q2)
            #expect(p2.multiplied(by: b) == G2Jacobian.generator.multiplied(by: a * b))
            #expect((p2 + q2).toAffine().isOnCurve)
        }
        #expect((G1Jacobian.infinity + .generator) == .generator)
        #expect(G1Jacobian.infinity.doubled().isInfinity)
        #expect(G1Jacobian.generator.multiplied(by: Fr.zero).isInfinity)
    }

    @Test func scalarMultiplicationMatchesRepeatedAddition() {
        var acc = G1Jacobian.infinity
        for k in 0..<70 {
            #expect(G1Jacobian.generator.multiplied(by: Fr(UInt64(k))) == acc)
            acc = acc.adding(.generator)
        }
        // Unreduced 256-bit scalars (EIP-196 does not reduce): k and k + r give the same point.
        let big: Limbs4 = (UInt64.max, UInt64.max, UInt64.max, UInt64.max)
        let reduced = Fr(reducing: big)
        #expect(G1Jacobian.generator.multiplied(by: big) == G1Jacobian.generator.multiplied(by: reduced))
    }

    @Test func batchToAffineMatchesOneByOne() {
        var g = SeededGenerator(seed: 11)
        var points = (0..<33).map { _ in G2Jacobian.generator.multiplied(by: Fr.random(using: &g)) }
        points[5] = .infinity
        #expect(G2Jacobian.batchToAffine(points) == points.map { $0.toAffine() })
    }

    @Test func g2SubgroupCheckRejectsTwistPointsOutsideTheSubgroup() {
        var g = SeededGenerator(seed: 12)
        for _ in 0..<10 {
            let p = randomTwistPoint(&g)
            #expect(p.isOnCurve)
            #expect(p.isInSubgroup == p.isInSubgroupByOrder)
            #expect(!p.isInSubgroup)
            let q = G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            #expect(q.isInSubgroup && q.isInSubgroupByOrder)
            #expect(throws: BN254Error.notInSubgroup(group: "G2")) { try G2Affine(validatingSubgroup: p.x, p.y) }
        }
    }

    @Test func offCurvePointsAreRejected() {
        #expect(throws: BN254Error.notOnCurve(group: "G1", x: "1", y: "3")) { try G1Affine(x: Fq(1), y: Fq(3)) }
        #expect(throws: BN254Error.self) { try G2Affine(x: Fq2(Fq(1), Fq(2)), y: Fq2(Fq(3), Fq(4))) }
    }
}
