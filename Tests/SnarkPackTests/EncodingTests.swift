import BN254
import Groth16
import Testing

@testable import SnarkPack

@Suite struct EncodingTests {
    static let aggregate: AggregateProof = {
        let set = Fixtures.synthetic
        guard
            let p = try? Aggregator.aggregate(
                proofs: Array(set.proofs.prefix(4)), publicSignals: Array(set.publicSignals.prefix(4)),
                verificationKey: set.key, srs: Fixtures.srs, threads: Fixtures.threads)
        else { preconditionFailure("aggregation failed") }
        return p
    }()

    var bytes: [UInt8] { Self.aggregate.encoded }

    func decode(_ bytes: [UInt8]) throws(SnarkPackError) -> AggregateProof {
        try AggregateProof(encoded: bytes, threads: 2)
    }

    /// Offsets of the elements in an aggregate with 2 rounds.
    static let gtOffset = 16, aggCOffset = 16 + 5 * 192, round0 = 16 + 5 * 192 + 32
    static let finalOffset = round0 + 2 * (10 * 192 + 64)

    @Test func sizeIsAsDocumented() {
        #expect(bytes.count == 1520 + 1984 * 2)
        #expect(AggregateProof.encodedSize(rounds: 13) == 27_312) // 8,192 proofs: under 40 KB
    }

    @Test func headerErrors() {
        var b = bytes
        b[0] = UInt8(ascii: "X")
        #expect(
            throws: SnarkPackError.wrongFormat(
                what: "SnarkPack aggregate", expected: "magic \"SPAG\"", found: "bytes [88, 80, 65, 71]")
        ) { try decode(b) }
        b = bytes
        b[4] = 2
        #expect(
            throws: SnarkPackError.wrongFormat(what: "SnarkPack aggregate", expected: "version 1", found: "version 2")
        ) { try decode(b) }
        b = bytes
        b[8] = 1
        #expect(throws: SnarkPackError.invalidCount(what: "proof count", value: 1, allowed: "3…4 for 2 rounds")) {
            try decode(b)
        }
        b[8] = 5
        #expect(throws: SnarkPackError.invalidCount(what: "proof count", value: 5, allowed: "3…4 for 2 rounds")) {
            try decode(b)
        }
        b = bytes
        b[12] = 0
        #expect(throws: SnarkPackError.invalidCount(what: "number of rounds", value: 0, allowed: "1…30")) {
            try decode(b)
        }
        b[12] = 31
        #expect(throws: SnarkPackError.invalidCount(what: "number of rounds", value: 31, allowed: "1…30")) {
            try decode(b)
        }
        #expect(throws: SnarkPackError.truncated(what: "SnarkPack aggregate", offset: 0, needed: 4, available: 0)) {
            try decode([])
        }
    }

    @Test func lengthErrors() {
        #expect(
            throws: SnarkPackError.truncated(
                what: "SnarkPack aggregate", offset: bytes.count - 1, needed: 1, available: 0)
        ) {
            try decode(Array(bytes.dropLast()))
        }
        #expect(throws: SnarkPackError.trailingBytes(what: "SnarkPack aggregate", offset: bytes.count, count: 1)) {
            try decode(bytes + [0])
        }
    }

    @Test func coordinateAboveQ() {
        var b = bytes
        // agg_c's x: flag "smaller y" (0b10) over a value ≥ q.
        for i in 0..<32 { b[Self.aggCOffset + i] = 0xff }
        b[Self.aggCOffset] = 0b1011_1111
        #expect(throws: SnarkPackError.self) { try decode(b) }
        do {
            _ = try decode(b)
        } catch {
            guard case .point(let what, .notInField) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(what == "agg_c")
        }
    }

    @Test func g1PointNotOnTheCurve() throws {
        // x = 0: 0³ + 3 = 3 is not a square mod q.
        var b = bytes
        for i in 0..<32 { b[Self.aggCOffset + i] = 0 }
        b[Self.aggCOffset] = 0b1000_0000
        #expect(throws: SnarkPackError.point(what: "agg_c", error: .notOnCurve(group: "G1", x: "0", y: "(none)"))) {
            try decode(b)
        }
    }

    @Test func g2PointOutsideTheSubgroup() throws {
        // A point on the twist but not in G2.
        var x = Fq2(Fq(1), Fq(1))
        var y: Fq2? = nil
        while y == nil {
            x = x + Fq2.one
            y = (x.squared() * x + G2Parameters.b).squareRoot()
        }
        guard let yValue = y else { return }
        let outside = G2Affine(unchecked: x, yValue)
        #expect(!outside.isInSubgroup)
        var b = bytes
        let finalB = Self.finalOffset + 32
        b.replaceSubrange(finalB..<finalB + 64, with: outside.compressed)
        #expect(throws: SnarkPackError.point(what: "final_b", error: .notInSubgroup(group: "G2"))) { try decode(b) }
    }

    @Test func targetGroupElementOutsideGT() {
        var b = bytes
        b[Self.round0 + 5 * 192 + 100] ^= 0x01 // round 0's tuc_l.u
        #expect(throws: SnarkPackError.notInTargetGroup(what: "round 0 tuc_l.u")) { try decode(b) }
        b = bytes
        b[Self.gtOffset] = 0x40 // the identity flag over non-zero bytes
        #expect(throws: SnarkPackError.self) { try decode(b) }
    }

    @Test func aFlippedByteInAnyElementIsRejectedOrFailsToVerify() throws {
        // The last byte of every element (and one in the header's count): decoding fails with a typed error
        // or the aggregate no longer verifies.
        let set = Fixtures.synthetic
        var ends: [Int] = [8]
        var offset = 16
        func element(_ size: Int) {
            offset += size
            ends.append(offset - 1)
        }
        for _ in 0..<5 { element(192) }
        element(32)
        for _ in 0..<2 {
            for _ in 0..<10 { element(192) }
            for _ in 0..<2 { element(32) }
        }
        for size in [32, 64, 32, 64, 64, 32, 32, 64, 64, 32, 32] { element(size) }
        #expect(offset == bytes.count)
        for end in ends {
            var b = bytes
            b[end] ^= 0x04
            do throws(SnarkPackError) {
                let p = try decode(b)
                #expect(
                    try !AggregateVerifier.verify(
                        aggregate: p, publicSignals: Array(set.publicSignals.prefix(p.count)), verificationKey: set.key,
                        srs: Fixtures.srs.verifierKey), "byte \(end)")
            } catch {
                _ = error // a typed decoding error
            }
        }
    }
}
