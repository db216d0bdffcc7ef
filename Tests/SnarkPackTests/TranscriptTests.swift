import BN254
import TestSupport
import Testing

@testable import SnarkPack

@Suite struct TranscriptTests {
    @Test func challengesAreDeterministicAndBindEverything() {
        var a = Transcript(domain: "test")
        var b = Transcript(domain: "test")
        a.append("x", [1, 2, 3])
        b.append("x", [1, 2, 3])
        let c1 = a.challenge("c")
        #expect(c1 == b.challenge("c"))
        #expect(!c1.isZero)
        // The next challenge depends on the previous one.
        #expect(a.challenge("c") != c1)
        // Label, message, length split and domain all change the challenge.
        var variants: [Fr] = []
        for (domain, label, bytes) in [
            ("test", "y", [UInt8]([1, 2, 3])), ("test", "x", [1, 2, 4]), ("other", "x", [1, 2, 3]),
        ] {
            var t = Transcript(domain: domain)
            t.append(label, bytes)
            variants.append(t.challenge("c"))
        }
        var split = Transcript(domain: "test")
        split.append("x", [1, 2])
        split.append("", [3])
        variants.append(split.challenge("c"))
        for v in variants { #expect(v != c1) }
    }

    @Test func keyPolynomialCoefficientsMatchItsProductForm() {
        var g = SeededRandom.forTest()
        let challenges = (0..<4).map { _ in Fr.random(using: &g) }
        let shift = Fr.random(using: &g)
        let z = Fr.random(using: &g)
        let coefficients = KeyPolynomial.coefficients(reversedChallenges: challenges, shift: shift)
        #expect(coefficients.count == 16)
        var horner = Fr.zero
        for c in coefficients.reversed() { horner = horner * z + c }
        #expect(horner == KeyPolynomial.evaluate(reversedChallenges: challenges, shift: shift, at: z))
        // (f(X) − f(z))/(X − z) times (X − z) plus f(z) is f.
        let q = KeyPolynomial.quotient(coefficients, at: z)
        let x = Fr.random(using: &g)
        var fx = Fr.zero
        var qx = Fr.zero
        for c in coefficients.reversed() { fx = fx * x + c }
        for c in q.reversed() { qx = qx * x + c }
        #expect(qx * (x - z) + horner == fx)
    }
}
