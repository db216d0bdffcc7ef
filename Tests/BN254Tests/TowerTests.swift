import Testing

@testable import BN254

@Suite struct TowerTests {
    @Test func fq6FieldLawsHoldOnRandomElements() {
        var g = SeededGenerator(seed: 6)
        for _ in 0..<200 {
            let a = Fq6.random(using: &g)
            let b = Fq6.random(using: &g)
            let c = Fq6.random(using: &g)
            #expect(a * b == b * a)
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a - a == .zero)
            #expect(a * .one == a)
            #expect(a * a.inverse() == .one)
            let v = Fq6(.zero, .one, .zero)
            #expect(a.mulByNonResidue() == a * v)
            let k = Fq2.random(using: &g)
            let l = Fq2.random(using: &g)
            #expect(a.scaled(by: k) == a * Fq6(k))
            #expect(a.multiplied(by01: k, l) == a * Fq6(k, l, .zero))
            #expect(a.multiplied(by1: l) == a * Fq6(.zero, l, .zero))
        }
        #expect(Fq6.zero.inverse() == .zero)
    }

    @Test func variableTimeInversionAgreesWithFermat() {
        var g = SeededGenerator(seed: 12)
        for a in Self.fqEdges {
            #expect(a.inverseVariableTime() == a.inverse())
        }
        #expect(Fq.one.inverseVariableTime() == .one)
        #expect(Fr(7).inverseVariableTime() * Fr(7) == .one)
        for _ in 0..<200 {
            let a = Fq.random(using: &g)
            #expect(a.inverseVariableTime() == a.inverse())
            let r = Fr.random(using: &g)
            #expect(r.inverseVariableTime() == r.inverse())
            let b = Fq2.random(using: &g)
            #expect(b.inverseVariableTime() == b.inverse())
        }
        for _ in 0..<20 {
            let f = Fq12.random(using: &g)
            #expect(f.inverseVariableTime() == f.inverse())
            #expect(f * f.inverseVariableTime() == .one)
        }
        #expect(Fq12.zero.inverseVariableTime() == .zero)
    }

    /// Values whose Montgomery limbs sit at the ends of [0, q): where a carry or a conditional subtraction
    /// that is off by one shows.
    static let fqEdges: [Fq] = {
        let q = FqParameters.modulus
        let limbs: [Limbs4] = [
            (0, 0, 0, 0), (1, 0, 0, 0), (2, 0, 0, 0), sub4(q, (1, 0, 0, 0)).0, sub4(q, (2, 0, 0, 0)).0,
            (q.0 >> 1 | q.1 << 63, q.1 >> 1 | q.2 << 63, q.2 >> 1 | q.3 << 63, q.3 >> 1),
            (UInt64.max, UInt64.max, UInt64.max, 0), (0, 0, 0, q.3 - 1), FqParameters.r1,
        ]
        return limbs.map { Fq(montgomeryLimbs: $0) }
    }()

    @Test func carryChainArithmeticMatchesTheFieldOperators() {
        var g = SeededGenerator(seed: 3)
        let randoms = (0..<300).map { _ in Fq.random(using: &g) }
        let values = Self.fqEdges + randoms
        for a in values {
            #expect(Fq.negation(a) == -a)
            #expect(Fq.half(a) == a.halved())
            for b in Self.fqEdges + randoms.prefix(20) {
                #expect(Fq.sum(a, b) == a + b)
                #expect(Fq.difference(a, b) == a - b)
                #expect(Fq.product(a, b) == a * b)
            }
        }
    }

    @Test func lazyFq2MultiplicationMatchesTheSchoolbookProduct() {
        var g = SeededGenerator(seed: 2)
        let edges = Self.fqEdges.flatMap { x in Self.fqEdges.map { y in Fq2(x, y) } }
        // (a0 + a1u)(b0 + b1u) = (a0b0 − a1b1) + (a0b1 + a1b0)u, with the Fq operators only.
        func schoolbook(_ a: Fq2, _ b: Fq2) -> Fq2 {
            Fq2(a.c0 * b.c0 - a.c1 * b.c1, a.c0 * b.c1 + a.c1 * b.c0)
        }
        for a in edges {
            for b in edges {
                #expect(a.lazyMultiplied(by: b) == schoolbook(a, b))
                #expect(a * b == schoolbook(a, b))
            }
            #expect(a.squared() == schoolbook(a, a))
            #expect(a.mulByNonResidue() == schoolbook(a, Fq2(Fq(9), Fq(1))))
            #expect(-a == Fq2(-a.c0, -a.c1))
        }
        for _ in 0..<2000 {
            let a = Fq2.random(using: &g)
            let b = Fq2.random(using: &g)
            #expect(a * b == schoolbook(a, b))
            #expect(a.squared() == schoolbook(a, a))
            #expect(a + b == Fq2(a.c0 + b.c0, a.c1 + b.c1))
            #expect(a - b == Fq2(a.c0 - b.c0, a.c1 - b.c1))
        }
    }

    @Test func wideTowerArithmeticMatchesTheReducedOne() {
        var g = SeededGenerator(seed: 12)
        // Wide values at the edges of the invariant [0, qR): high half 0, 1, q − 1, q/2; low half 0, 1, all ones.
        let q = FqParameters.modulus
        let highs: [Limbs4] = [(0, 0, 0, 0), (1, 0, 0, 0), sub4(q, (1, 0, 0, 0)).0, (q.0, q.1, q.2, q.3 >> 1)]
        let lows: [Limbs4] = [(0, 0, 0, 0), (1, 0, 0, 0), (.max, .max, .max, .max)]
        var wides: [Wide] = highs.flatMap { h in lows.map { l in (l, h) } }
        for _ in 0..<20 {
            let h = Fq.random(using: &g).limbs
            wides.append(((g.next(), g.next(), g.next(), g.next()), h))
        }
        let values = wides.flatMap { x in wides.prefix(8).map { y in Fq2Wide(x, y) } }
        for x in values {
            #expect(x.mulByNonResidue().reduced() == x.reduced().mulByNonResidue())
            #expect(x.doubled().reduced() == x.reduced().doubled())
            for y in values.prefix(12) {
                #expect((x + y).reduced() == x.reduced() + y.reduced())
                #expect((x - y).reduced() == x.reduced() - y.reduced())
            }
        }
        let edges = Self.fqEdges.flatMap { x in Self.fqEdges.map { y in Fq2(x, y) } }
        for a in edges {
            for b in edges { #expect(Fq2Wide.product(a, b).reduced() == a * b) }
            #expect(Fq2Wide.square(a).reduced() == a * a)
        }
        // The small-multiple reduction over its whole range h < 16q, at and around every multiple of q.
        for k in 0..<16 {
            var c: UInt64 = 0
            var m: Limbs4 = (0, 0, 0, 0)
            (c, m.0) = madd1(q.0, UInt64(k), 0)
            (c, m.1) = madd1(q.1, UInt64(k), c)
            (c, m.2) = madd1(q.2, UInt64(k), c)
            (c, m.3) = madd1(q.3, UInt64(k), c)
            for d: UInt64 in [0, 1, 2] {
                // k·q + d and k·q − d (when non-negative), with the fifth limb.
                let (up, carry) = add4(m, (d, 0, 0, 0))
                #expect(equal4(reduceSmallMultiple(up, c + carry), (d, 0, 0, 0)))
                if k > 0 && d > 0 {
                    let (down, borrow) = sub4(m, (d, 0, 0, 0))
                    #expect(equal4(reduceSmallMultiple(down, c - borrow), sub4(q, (d, 0, 0, 0)).0))
                }
            }
        }
    }

    @Test func fq6IsTheCubicExtensionByXi() {
        let v = Fq6(.zero, .one, .zero)
        #expect(v * v * v == Fq6(Fq2(Fq(9), Fq(1))))
    }

    @Test func fq12FieldLawsHoldOnRandomElements() {
        var g = SeededGenerator(seed: 12)
        for _ in 0..<100 {
            let a = Fq12.random(using: &g)
            let b = Fq12.random(using: &g)
            let c = Fq12.random(using: &g)
            #expect(a * b == b * a)
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a.squared() == a * a)
            #expect(a - a == .zero)
            #expect(a * .one == a)
            #expect(a * a.inverse() == .one)
            #expect(a.isOne == false)
        }
        #expect(Fq12.one.isOne)
        #expect(Fq12.zero.inverse() == .zero)
    }

    @Test func fq12IsTheQuadraticExtensionByV() {
        let w = Fq12(.zero, .one)
        #expect(w * w == Fq12(Fq6(.zero, .one, .zero), .zero))
        var w6 = Fq12.one
        for _ in 0..<6 { w6 = w6 * w }
        #expect(w6 == Fq12(Fq6(Fq2(Fq(9), Fq(1))), .zero))
    }

    @Test func sparseLineMultiplicationMatchesTheFullProduct() {
        var g = SeededGenerator(seed: 34)
        let zero = Fq2.zero
        for _ in 0..<100 {
            let f = Fq12.random(using: &g)
            let l0 = Fq2.random(using: &g)
            let l3 = Fq2.random(using: &g)
            let l4 = Fq2.random(using: &g)
            let line = Fq12(Fq6(l0, zero, zero), Fq6(l3, l4, zero))
            #expect(f.multiplied(by034: l0, l3, l4) == f * line)
            let monic = Fq12(Fq6(.one, zero, zero), Fq6(l3, l4, zero))
            #expect(f.multiplied(by34: l3, l4) == f * monic)
            let m0 = Fq2.random(using: &g)
            let m3 = Fq2.random(using: &g)
            let m4 = Fq2.random(using: &g)
            let other = Fq12(Fq6(m0, zero, zero), Fq6(m3, m4, zero))
            #expect(Fq12.product(ofLine: l0, l3, l4, withLine: m0, m3, m4) == line * other)
        }
    }

    @Test func frobeniusMapsArePowersOfQ() {
        var g = SeededGenerator(seed: 7)
        let q = FqParameters.modulus
        for _ in 0..<3 {
            let a = Fq12.random(using: &g)
            let aq = a.power(q)
            #expect(a.frobenius() == aq)
            #expect(a.frobeniusSquared() == aq.power(q))
            #expect(a.frobeniusCubed() == aq.power(q).power(q))
            #expect(a.frobenius().frobenius() == a.frobeniusSquared())
            #expect(a.frobeniusSquared().frobenius() == a.frobeniusCubed())
            var twelve = a
            for _ in 0..<6 { twelve = twelve.frobeniusSquared() }
            #expect(twelve == a)
            #expect(a.frobeniusCubed().frobeniusCubed() == a.conjugate())
            let b = Fq6.random(using: &g)
            let bq = Fq12(b, .zero).power(q)
            #expect(Fq12(b.frobenius(), .zero) == bq)
            #expect(Fq12(b.frobeniusSquared(), .zero) == bq.power(q))
            #expect(Fq12(b.frobeniusCubed(), .zero) == bq.power(q).power(q))
        }
    }

    @Test func frobeniusConstantsLieWhereExpected() {
        let c = TowerConstants.shared
        for gamma in [c.gamma2.w1, c.gamma2.w2, c.gamma2.w3, c.gamma2.w4, c.gamma2.w5] {
            #expect(gamma.c1.isZero)
        }
        // ξ^((q²−1)/2) = −1: ξ is not a square in Fq2, as the tower needs.
        #expect(c.gamma2.w3 == -Fq2.one)
    }

    @Test func cyclotomicSquaringEqualsSquaringOnTheCyclotomicSubgroup() {
        var g = SeededGenerator(seed: 8)
        for _ in 0..<50 {
            let f = Fq12.random(using: &g)
            // f^((q⁶−1)(q²+1)) lies in the cyclotomic subgroup.
            var m = f.conjugate() * f.inverse()
            m = m.frobeniusSquared() * m
            #expect(m.cyclotomicSquared() == m.squared())
            #expect(m.cyclotomicSquared().cyclotomicSquared() == m.squared().squared())
            #expect(m * m.conjugate() == .one)
            #expect(Pairing.exponentiatedByX(m) == m.power((PairingConstants.x, 0, 0, 0)))
        }
    }

    @Test func powerMatchesRepeatedMultiplication() {
        var g = SeededGenerator(seed: 9)
        let a = Fq12.random(using: &g)
        #expect(a.power((0, 0, 0, 0)) == .one)
        #expect(a.power((1, 0, 0, 0)) == a)
        #expect(a.power((5, 0, 0, 0)) == a * a * a * a * a)
        #expect(a.power([3, 1]) == a.power((3, 1, 0, 0)))
        // The multiplicative group has order q¹² − 1: a^(q−1) is fixed by nothing simpler, but
        // a^(q¹²) = a.
        var a12 = a
        for _ in 0..<12 { a12 = a12.power(FqParameters.modulus) }
        #expect(a12 == a)
    }
}
