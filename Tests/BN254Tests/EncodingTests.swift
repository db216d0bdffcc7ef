import Testing

@testable import BN254

@Suite struct EncodingTests {
    @Test func pointEncodingsRoundTrip() throws {
        var g = SeededGenerator(seed: 30)
        for i in 0..<20 {
            let p = i == 0 ? G1Affine.infinity : G1Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            let q = i == 0 ? G2Affine.infinity : G2Jacobian.generator.multiplied(by: Fr.random(using: &g)).toAffine()
            #expect(try G1Affine(ethereumBytes: p.ethereumBytes) == p)
            #expect(try G2Affine(ethereumBytes: q.ethereumBytes) == q)
            #expect(try G1Affine(iden3Bytes: p.iden3Bytes) == p)
            #expect(try G2Affine(iden3Bytes: q.iden3Bytes) == q)
            #expect(try G1Affine(snarkjs: p.snarkjs) == p)
            #expect(try G2Affine(snarkjs: q.snarkjs) == q)
            #expect(try G1Affine(compressed: p.compressed) == p)
            #expect(try G2Affine(compressed: q.compressed) == q)
        }
    }

    @Test func snarkjsJacobianTriplesAreNormalized() throws {
        // (X, Y, Z) = (x·Z², y·Z³, Z) for Z = 5 describes the generator.
        let z = Fq(5)
        let triple = [(Fq(1) * z.squared()).decimal, (Fq(2) * z.squared() * z).decimal, "5"]
        #expect(try G1Affine(snarkjs: triple) == .generator)
        #expect(try G1Affine(snarkjs: ["0", "1", "0"]).isInfinity)
    }

    @Test func malformedEncodingsAreTypedErrors() {
        #expect(throws: BN254Error.malformed("a G1 point needs 3 decimal strings (x, y, z), got 2")) {
            try G1Affine(snarkjs: ["1", "2"])
        }
        #expect(throws: BN254Error.invalidNumber("abc")) { try G1Affine(snarkjs: ["abc", "2", "1"]) }
        #expect(throws: BN254Error.invalidLength(what: "G1 point (iden3)", expected: 64, actual: 63)) {
            try G1Affine(iden3Bytes: [UInt8](repeating: 0, count: 63))
        }
        #expect(throws: BN254Error.self) { try G1Affine(compressed: [UInt8](repeating: 0, count: 32)) }
        var g = SeededGenerator(seed: 31)
        let outside = randomTwistPoint(&g)
        #expect(throws: BN254Error.notInSubgroup(group: "G2")) { try G2Affine(iden3Bytes: outside.iden3Bytes) }
        #expect(throws: BN254Error.notInSubgroup(group: "G2")) { try G2Affine(snarkjs: outside.snarkjs) }
    }
}
