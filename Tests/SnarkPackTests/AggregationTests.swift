import BN254
import Groth16
import TestSupport
import Testing

@testable import SnarkPack

@Suite struct AggregationTests {
    let set = Fixtures.synthetic
    let srs = Fixtures.srs

    func aggregate(_ n: Int) throws -> AggregateProof {
        try Aggregator.aggregate(
            proofs: Array(set.proofs.prefix(n)), publicSignals: Array(set.publicSignals.prefix(n)),
            verificationKey: set.key, srs: srs, threads: Fixtures.threads)
    }

    func verify(_ p: AggregateProof, signals: [[Fr]]? = nil, key: VerificationKey? = nil) throws -> Bool {
        try AggregateVerifier.verify(
            aggregate: p, publicSignals: signals ?? Array(set.publicSignals.prefix(p.count)),
            verificationKey: key ?? set.key, srs: srs.verifierKey, threads: Fixtures.threads)
    }

    @Test(arguments: [2, 3, 8, 64])
    func aggregatesOfSyntheticProofsVerify(_ n: Int) throws {
        let p = try aggregate(n)
        #expect(p.count == n)
        #expect(p.paddedCount == paddedSize(n))
        #expect(try verify(p))
        // Through the encoding too.
        let decoded = try AggregateProof(encoded: p.encoded, threads: Fixtures.threads)
        #expect(decoded == p)
        #expect(p.encoded.count == AggregateProof.encodedSize(rounds: p.rounds.count))
        #expect(try verify(decoded))
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: [2, 3, 8, 64])
    func aggregatesOfARealSetVerify(_ n: Int) throws {
        guard var real = Fixtures.zkKit else { return }
        #expect(try Verifier.batchVerify(key: real.key, items: zip(real.publicSignals, real.proofs).map { ($0, $1) }))
        real.proofs = Array(real.proofs.prefix(n))
        real.publicSignals = Array(real.publicSignals.prefix(n))
        let p = try Aggregator.aggregate(
            proofs: real.proofs, publicSignals: real.publicSignals, verificationKey: real.key, srs: srs,
            threads: Fixtures.threads)
        #expect(
            try AggregateVerifier.verify(
                aggregate: p, publicSignals: real.publicSignals, verificationKey: real.key, srs: srs.verifierKey,
                threads: Fixtures.threads))
        // The real key is not the synthetic one, nor the reverse.
        #expect(
            try !AggregateVerifier.verify(
                aggregate: p, publicSignals: real.publicSignals,
                verificationKey: {
                    var k = real.key
                    k.delta2 = set.key.delta2
                    return k
                }(), srs: srs.verifierKey))
    }

    @Test func changingAnyOneProofFails() throws {
        let n = 8
        for j in 0..<n {
            var proofs = Array(set.proofs.prefix(n))
            // Another valid proof, of another statement.
            proofs[j] = set.proofs[(j + 20) % set.proofs.count]
            let p = try Aggregator.aggregate(
                proofs: proofs, publicSignals: Array(set.publicSignals.prefix(n)), verificationKey: set.key, srs: srs,
                threads: Fixtures.threads)
            #expect(try !verify(p), "proof \(j) replaced")
        }
        // A malformed A in one proof.
        var proofs = Array(set.proofs.prefix(n))
        proofs[5].a = G1Jacobian(proofs[5].a).adding(.generator).toAffine()
        let p = try Aggregator.aggregate(
            proofs: proofs, publicSignals: Array(set.publicSignals.prefix(n)), verificationKey: set.key, srs: srs,
            threads: Fixtures.threads)
        #expect(try !verify(p))
    }

    @Test func changingAnyOnePublicSignalFails() throws {
        let n = 3
        let p = try aggregate(n)
        for j in 0..<n {
            var signals = Array(set.publicSignals.prefix(n))
            signals[j][0] += .one
            #expect(try !verify(p, signals: signals), "signal of proof \(j) changed")
        }
        // Two compensating changes (which would pass if the signals were not in the transcript).
        var signals = Array(set.publicSignals.prefix(n))
        signals[0][0] += Fr(5)
        signals[1][0] -= Fr(5)
        #expect(try !verify(p, signals: signals))
    }

    @Test func theOrderOfTheProofsMatters() throws {
        let n = 8
        var proofs = Array(set.proofs.prefix(n))
        proofs.swapAt(2, 6)
        let p = try Aggregator.aggregate(
            proofs: proofs, publicSignals: Array(set.publicSignals.prefix(n)), verificationKey: set.key, srs: srs,
            threads: Fixtures.threads)
        #expect(try !verify(p))
        // The publics swapped the same way make it valid again.
        var signals = Array(set.publicSignals.prefix(n))
        signals.swapAt(2, 6)
        let q = try Aggregator.aggregate(
            proofs: proofs, publicSignals: signals, verificationKey: set.key, srs: srs, threads: Fixtures.threads)
        #expect(try verify(q, signals: signals))
        #expect(try !verify(q))
    }

    @Test func changingAnyElementOfTheAggregateFails() throws {
        let p = try aggregate(8)
        let gt = TargetGroupTests.e
        func shifted(_ f: Fq12) -> Fq12 { f * gt }
        func shifted(_ point: G1Affine) -> G1Affine { G1Jacobian(point).adding(.generator).toAffine() }
        func shifted(_ point: G2Affine) -> G2Affine { G2Jacobian(point).adding(.generator).toAffine() }
        var variants: [(String, AggregateProof)] = []
        func add(_ name: String, _ change: (inout AggregateProof) -> Void) {
            var q = p
            change(&q)
            variants.append((name, q))
        }
        add("com_ab.t") { $0.comAB.t = shifted($0.comAB.t) }
        add("com_ab.u") { $0.comAB.u = shifted($0.comAB.u) }
        add("com_c.t") { $0.comC.t = shifted($0.comC.t) }
        add("com_c.u") { $0.comC.u = shifted($0.comC.u) }
        add("ip_ab") { $0.ipAB = shifted($0.ipAB) }
        add("agg_c") { $0.aggC = shifted($0.aggC) }
        for j in 0..<p.rounds.count {
            add("tab_l.t \(j)") { $0.rounds[j].tabL.t = shifted($0.rounds[j].tabL.t) }
            add("tab_l.u \(j)") { $0.rounds[j].tabL.u = shifted($0.rounds[j].tabL.u) }
            add("tab_r.t \(j)") { $0.rounds[j].tabR.t = shifted($0.rounds[j].tabR.t) }
            add("tab_r.u \(j)") { $0.rounds[j].tabR.u = shifted($0.rounds[j].tabR.u) }
            add("tuc_l.t \(j)") { $0.rounds[j].tucL.t = shifted($0.rounds[j].tucL.t) }
            add("tuc_l.u \(j)") { $0.rounds[j].tucL.u = shifted($0.rounds[j].tucL.u) }
            add("tuc_r.t \(j)") { $0.rounds[j].tucR.t = shifted($0.rounds[j].tucR.t) }
            add("tuc_r.u \(j)") { $0.rounds[j].tucR.u = shifted($0.rounds[j].tucR.u) }
            add("zab_l \(j)") { $0.rounds[j].zabL = shifted($0.rounds[j].zabL) }
            add("zab_r \(j)") { $0.rounds[j].zabR = shifted($0.rounds[j].zabR) }
            add("zc_l \(j)") { $0.rounds[j].zcL = shifted($0.rounds[j].zcL) }
            add("zc_r \(j)") { $0.rounds[j].zcR = shifted($0.rounds[j].zcR) }
        }
        add("final_a") { $0.finalA = shifted($0.finalA) }
        add("final_b") { $0.finalB = shifted($0.finalB) }
        add("final_c") { $0.finalC = shifted($0.finalC) }
        add("final_v.1") { $0.finalV.0 = shifted($0.finalV.0) }
        add("final_v.2") { $0.finalV.1 = shifted($0.finalV.1) }
        add("final_w.1") { $0.finalW.0 = shifted($0.finalW.0) }
        add("final_w.2") { $0.finalW.1 = shifted($0.finalW.1) }
        add("opening_v.1") { $0.openingV.0 = shifted($0.openingV.0) }
        add("opening_v.2") { $0.openingV.1 = shifted($0.openingV.1) }
        add("opening_w.1") { $0.openingW.0 = shifted($0.openingW.0) }
        add("opening_w.2") { $0.openingW.1 = shifted($0.openingW.1) }
        #expect(variants.count == 6 + 12 * 3 + 11)
        for (name, q) in variants {
            #expect(try !verify(q), "changed \(name)")
        }
        // The count, within what the rounds allow.
        var q = p
        q.count = 7
        #expect(try !verify(q, signals: Array(set.publicSignals.prefix(7))))
    }

    @Test func anAggregateForOneKeyFailsForAnother() throws {
        let p = try aggregate(8)
        #expect(try !verify(p, key: Fixtures.otherKey))
    }

    @Test func inputsThatDoNotFitAreTypedErrors() throws {
        #expect(throws: SnarkPackError.tooFewProofs(count: 1)) {
            try Aggregator.aggregate(
                proofs: [set.proofs[0]], publicSignals: [set.publicSignals[0]], verificationKey: set.key, srs: srs)
        }
        #expect(throws: SnarkPackError.proofCountMismatch(proofs: 2, publicSignals: 1)) {
            try Aggregator.aggregate(
                proofs: Array(set.proofs.prefix(2)), publicSignals: [set.publicSignals[0]], verificationKey: set.key,
                srs: srs)
        }
        #expect(throws: SnarkPackError.groth16(.publicInputCount(expected: 1, actual: 0))) {
            try Aggregator.aggregate(
                proofs: Array(set.proofs.prefix(2)), publicSignals: [[], []], verificationKey: set.key, srs: srs)
        }
        let small = try SRS.unsafeDevelopment(maxProofs: 4, threads: Fixtures.threads)
        #expect(throws: SnarkPackError.srsTooSmall(needed: 8, available: 4)) {
            try Aggregator.aggregate(
                proofs: Array(set.proofs.prefix(5)), publicSignals: Array(set.publicSignals.prefix(5)),
                verificationKey: set.key, srs: small)
        }
        let p = try aggregate(8)
        #expect(throws: SnarkPackError.srsTooSmall(needed: 8, available: 4)) {
            try AggregateVerifier.verify(
                aggregate: p, publicSignals: Array(set.publicSignals.prefix(8)), verificationKey: set.key,
                srs: small.verifierKey)
        }
        #expect(throws: SnarkPackError.proofCountMismatch(proofs: 8, publicSignals: 7)) {
            try AggregateVerifier.verify(
                aggregate: p, publicSignals: Array(set.publicSignals.prefix(7)), verificationKey: set.key,
                srs: srs.verifierKey)
        }
        // Another reference string (other secrets) does not verify it.
        #expect(
            try !AggregateVerifier.verify(
                aggregate: p, publicSignals: Array(set.publicSignals.prefix(8)), verificationKey: set.key,
                srs: try SRS.unsafeDevelopment(maxProofs: 8).verifierKey))
    }
}
