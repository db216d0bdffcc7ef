import BN254
import TestSupport
import Testing

@testable import SnarkPack

@Suite struct TargetGroupTests {
    static let e = Pairing.pairing(.generator, .generator)

    @Test func pairingValuesAreInGTAndOthersAreNot() {
        #expect(TargetGroup.contains(Self.e))
        #expect(TargetGroup.contains(.one))
        var generator = SeededRandom.forTest()
        let random = Fq12.random(using: &generator)
        #expect(!TargetGroup.isCyclotomic(random))
        #expect(!TargetGroup.contains(random))
        // The easy part of the final exponentiation lands in the cyclotomic subgroup, almost never in GT.
        var m = random.conjugate() * random.inverse()
        m = m.frobeniusSquared() * m
        #expect(TargetGroup.isCyclotomic(m))
        #expect(!TargetGroup.contains(m))
        #expect(!TargetGroup.contains(-Fq12.one))
    }

    @Test func compressionRoundTrips() throws {
        for f in [
            Self.e, .one, TargetGroup.power(Self.e, Fr(12345)),
            Pairing.pairing(G1Jacobian.generator.multiplied(by: Fr(7)).toAffine(), .generator),
        ] {
            let bytes = TargetGroup.compressed(f)
            #expect(bytes.count == 192)
            #expect(try TargetGroup.decompress(bytes[...], what: "test") == f)
        }
    }

    @Test func decompressionRejectsElementsOutsideGT() {
        // Any g ∈ Fq6 decompresses to a unitary element; a random one is not in GT.
        var bytes = TargetGroup.compressed(Self.e)
        bytes[100] ^= 1
        #expect(throws: SnarkPackError.notInTargetGroup(what: "x")) {
            try TargetGroup.decompress(bytes[...], what: "x")
        }
        var tooLarge = bytes
        for i in 0..<32 { tooLarge[i] = 0xff }
        tooLarge[0] = 0x3f
        #expect(throws: SnarkPackError.self) { try TargetGroup.decompress(tooLarge[...], what: "x") }
    }

    @Test func multiPowerMatchesSeparatePowers() {
        let elements = (1...5).map { TargetGroup.power(Self.e, Fr(UInt64($0 * 1000 + 3))) }
        var g = SeededRandom.forTest()
        let exponents = (0..<5).map { _ in Fr.random(using: &g) }
        var expected = Fq12.one
        for (f, k) in zip(elements, exponents) { expected = expected * f.power(k.canonical) }
        #expect(TargetGroup.multiPower(elements, exponents) == expected)
        #expect(TargetGroup.power(Self.e, .zero) == .one)
    }
}
