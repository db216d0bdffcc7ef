import BN254
import Groth16
import Testing

@testable import SnarkPack

@Suite struct SRSTests {
    /// A minimal ptau of power `power` for a known secret (snarkjs's layout, written by `PowersOfTau.encode`).
    static func ptau(secret tau: Fr, power: Int) -> [UInt8] {
        let g1 = powers(of: tau, count: (1 << (power + 1)) - 1).map {
            G1Jacobian.generator.multiplied(by: $0).toAffine()
        }
        let g2 = powers(of: tau, count: 1 << power).map { G2Jacobian.generator.multiplied(by: $0).toAffine() }
        return PowersOfTau.encode(power: power, tauG1: g1, tauG2: g2)
    }

    @Test func ptauImportRoundTripAndAggregate() throws {
        let (a, b) = (Fr(1_234_567), Fr(7_654_321))
        let first = Self.ptau(secret: a, power: 3)
        let second = Self.ptau(secret: b, power: 4)
        let ptau = try PowersOfTau(encoded: first, file: "a.ptau", threads: 2)
        #expect(ptau.power == 3 && ptau.tauG1.count == 15 && ptau.tauG2.count == 8)
        let srs = try SRS.fromPowersOfTau(first, file: "a.ptau", second, file: "b.ptau", threads: 2)
        #expect(srs.maxProofs == 4)
        #expect(srs.gAlpha[3] == G1Jacobian.generator.multiplied(by: a * a * a).toAffine())
        #expect(srs.hBeta[2] == G2Jacobian.generator.multiplied(by: b * b).toAffine())
        let set = Fixtures.synthetic
        let p = try Aggregator.aggregate(
            proofs: Array(set.proofs.prefix(3)), publicSignals: Array(set.publicSignals.prefix(3)),
            verificationKey: set.key,
            srs: srs, threads: 2)
        #expect(
            try AggregateVerifier.verify(
                aggregate: p, publicSignals: Array(set.publicSignals.prefix(3)), verificationKey: set.key,
                srs: srs.verifierKey))
        // The file round trip.
        let decoded = try SRS(encoded: srs.encoded, threads: 2)
        #expect(decoded == srs)
        #expect(try SRS.verifierKey(encoded: srs.encoded) == srs.verifierKey)
        #expect(
            try SRS.fromPowersOfTau(first, file: "a.ptau", second, file: "b.ptau", maxProofs: 2, threads: 2).maxProofs
                == 2)
    }

    @Test func ptauErrors() throws {
        let good = Self.ptau(secret: Fr(99), power: 2)
        #expect(throws: SnarkPackError.identicalSecrets) {
            try SRS.fromPowersOfTau(good, file: "a.ptau", good, file: "b.ptau", threads: 2)
        }
        var bad = good
        bad[0] = 0
        #expect(throws: SnarkPackError.invalidPowersOfTau(file: "x.ptau", reason: "no \"ptau\" magic")) {
            try PowersOfTau(encoded: bad, file: "x.ptau")
        }
        // The header's q (at 12 + 12 + 4) is not BN254's.
        bad = good
        bad[28] ^= 1
        #expect(throws: SnarkPackError.invalidPowersOfTau(file: "x.ptau", reason: "the curve is not BN254 (bn128)")) {
            try PowersOfTau(encoded: bad, file: "x.ptau")
        }
        #expect(throws: SnarkPackError.self) { try PowersOfTau(encoded: Array(good.dropLast()), file: "x.ptau") }
        // A point's coordinate changed: off the curve.
        bad = good
        let g1Start = 12 + 12 + 44 + 12
        bad[g1Start + 64 + 5] ^= 1
        #expect(throws: SnarkPackError.self) { try PowersOfTau(encoded: bad, file: "x.ptau") }
        // Points that are valid but not powers of one secret.
        let other = Self.ptau(secret: Fr(5), power: 2)
        var mixed = Self.ptau(secret: Fr(7), power: 2)
        mixed.replaceSubrange(g1Start + 64 * 3..<g1Start + 64 * 4, with: other[(g1Start + 64 * 3)..<(g1Start + 64 * 4)])
        #expect(throws: SnarkPackError.invalidSRS("the points are not successive powers of one secret in G1 and G2")) {
            try SRS.fromPowersOfTau(mixed, file: "a.ptau", other, file: "b.ptau", threads: 2)
        }
        #expect(
            throws: SnarkPackError.invalidPowersOfTau(
                file: "a.ptau", reason: "power 1 is too small: SnarkPack needs power ≥ 2")
        ) {
            try SRS.fromPowersOfTau(
                Self.ptau(secret: Fr(3), power: 1), file: "a.ptau", good, file: "b.ptau", threads: 2)
        }
    }

    @Test func srsFileErrors() throws {
        let srs = Fixtures.srs
        var bytes = try SRS.unsafeDevelopment(maxProofs: 2, threads: 2).encoded
        #expect(try SRS(encoded: bytes).maxProofs == 2)
        #expect(throws: SnarkPackError.trailingBytes(what: "SnarkPack reference string", offset: bytes.count, count: 1))
        {
            try SRS(encoded: bytes + [0])
        }
        bytes[0] = 0
        #expect(throws: SnarkPackError.self) { try SRS(encoded: bytes) }
        // gAlpha[2] replaced by gBeta[2]: valid points, not powers.
        var mixed = srs.encoded
        let n = srs.maxProofs
        mixed.replaceSubrange(12 + 64 * 2..<12 + 64 * 3, with: mixed[(12 + 64 * (2 * n + 2))..<(12 + 64 * (2 * n + 3))])
        #expect(throws: SnarkPackError.invalidSRS("the points are not successive powers of one secret in G1 and G2")) {
            try SRS(encoded: mixed, threads: 2)
        }
    }

    @Test func theVerifierKeyFileRoundTripsAndVerifiesAggregates() throws {
        let srs = Fixtures.srs
        let set = Fixtures.synthetic
        let bytes = srs.verifierKey.encoded
        #expect(bytes.count == VerifierKey.encodedSize)
        let key = try VerifierKey(encoded: bytes)
        #expect(key == srs.verifierKey)
        #expect(try VerifierKey.read(encoded: bytes) == key)
        #expect(try VerifierKey.read(encoded: srs.encoded) == key)
        let aggregate = try Aggregator.aggregate(
            proofs: Array(set.proofs[0..<4]), publicSignals: Array(set.publicSignals[0..<4]), verificationKey: set.key,
            srs: srs, threads: 2)
        #expect(
            try AggregateVerifier.verify(
                aggregate: aggregate, publicSignals: Array(set.publicSignals[0..<4]), verificationKey: set.key,
                srs: key, threads: 2))
    }

    @Test func aVerifierKeyFileThatIsWrongIsRefused() throws {
        let bytes = Fixtures.srs.verifierKey.encoded
        #expect(throws: SnarkPackError.trailingBytes(what: "SnarkPack verifier key", offset: bytes.count, count: 1)) {
            try VerifierKey(encoded: bytes + [0])
        }
        #expect(throws: SnarkPackError.self) { try VerifierKey(encoded: Array(bytes.dropLast())) }
        var magic = bytes
        magic[3] = UInt8(ascii: "X")
        #expect(throws: SnarkPackError.self) { try VerifierKey(encoded: magic) }
        // β·g replaced by α·g: identical secrets.
        var same = bytes
        same.replaceSubrange(76..<140, with: bytes[12..<76])
        #expect(throws: SnarkPackError.identicalSecrets) { try VerifierKey(encoded: same) }
        // α·h replaced by β·h: valid points, not powers of one secret.
        var mixed = bytes
        mixed.replaceSubrange(140..<268, with: bytes[268..<396])
        #expect(throws: SnarkPackError.invalidSRS("α·g and α·h (or β) are not powers of the same secret")) {
            try VerifierKey(encoded: mixed)
        }
        // A G1 point off the curve.
        var off = bytes
        off[75] ^= 1
        #expect(throws: SnarkPackError.self) { try VerifierKey(encoded: off) }
    }
}
