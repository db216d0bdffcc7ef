import Testing

@testable import BN254

/// A deterministic generator so that failures reproduce (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let qDecimal = "21888242871839275222246405745257275088696311157297823662689037894645226208583"
let rDecimal = "21888242871839275222246405745257275088548364400416034343698204186575808495617"

@Suite struct PrimeFieldTests {
    @Test func fieldLawsHoldOnRandomElements() {
        var g = SeededGenerator(seed: 1)
        for _ in 0..<2000 {
            let a = Fq.random(using: &g)
            let b = Fq.random(using: &g)
            let c = Fq.random(using: &g)
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a + b) + c == a + (b + c))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a - a == .zero)
            #expect(a + (-a) == .zero)
            #expect(a * .one == a)
            #expect(a.doubled() == a + a)
            #expect(a.halved().doubled() == a)
            if !a.isZero { #expect(a * a.inverse() == .one) }
            let x = Fr.random(using: &g)
            let y = Fr.random(using: &g)
            #expect((x + y) * (x - y) == x * x - y * y)
            if !x.isZero { #expect(x * x.inverse() == .one) }
        }
    }

    @Test func smallIntegersAndDecimalAgree() throws {
        #expect(Fq(2) * Fq(3) == Fq(6))
        #expect(try Fq(string: "6") == Fq(6))
        #expect(try Fr(string: "0x10") == Fr(16))
        let minusOne = try Fq(string: "21888242871839275222246405745257275088696311157297823662689037894645226208582")
        #expect(minusOne == -Fq.one)
        #expect(minusOne.description == "21888242871839275222246405745257275088696311157297823662689037894645226208582")
        #expect((-Fr.one).decimal == "21888242871839275222246405745257275088548364400416034343698204186575808495616")
    }

    @Test func outOfRangeAndMalformedInputAreTypedErrors() {
        #expect(throws: BN254Error.notInField(field: "Fq", value: qDecimal)) { try Fq(string: qDecimal) }
        #expect(throws: BN254Error.notInField(field: "Fr", value: rDecimal)) { try Fr(string: rDecimal) }
        #expect(throws: BN254Error.invalidNumber("12a")) { try Fr(string: "12a") }
        #expect(throws: BN254Error.invalidNumber("")) { try Fr(string: "") }
        #expect(throws: BN254Error.invalidNumber("-1")) { try Fr(string: "-1") }
        #expect(throws: BN254Error.invalidLength(what: "Fq element (big-endian)", expected: 32, actual: 31)) {
            try Fq(bigEndian: [UInt8](repeating: 0, count: 31))
        }
        #expect(throws: BN254Error.self) { try Fq(bigEndian: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: BN254Error.self) { try Fq(montgomeryLittleEndian: [UInt8](repeating: 0xff, count: 32)) }
        let huge = String(repeating: "9", count: 100)
        #expect(throws: BN254Error.notInField(field: "Fq", value: huge)) { try Fq(string: huge) }
    }

    @Test func encodingsRoundTrip() throws {
        var g = SeededGenerator(seed: 2)
        for _ in 0..<200 {
            let a = Fq.random(using: &g)
            #expect(try Fq(bigEndian: a.bigEndianBytes) == a)
            #expect(try Fq(littleEndian: a.littleEndianBytes) == a)
            #expect(try Fq(montgomeryLittleEndian: a.montgomeryLittleEndianBytes) == a)
            #expect(try Fq(string: a.decimal) == a)
            #expect(a.bigEndianBytes == Array(a.littleEndianBytes.reversed()))
        }
        // The Montgomery encoding of one is R mod q.
        #expect(Fq.one.montgomeryLittleEndianBytes == littleEndianBytes4(FqParameters.r1))
        #expect(Fq(1).littleEndianBytes == [1] + [UInt8](repeating: 0, count: 31))
    }

    @Test func squareRootsAndLegendre() {
        var g = SeededGenerator(seed: 3)
        for _ in 0..<200 {
            let a = Fq.random(using: &g)
            let s = a.squared()
            let root = s.squareRoot()
            #expect(root != nil && root!.squared() == s)
            #expect(s.legendre == (a.isZero ? 0 : 1))
            let b = Fr.random(using: &g)
            let t = b.squared()
            #expect(t.squareRoot()?.squared() == t)
            #expect(t.legendre == 1)
        }
        #expect(Fq(3).legendre == -1 && Fq(3).squareRoot() == nil)
        #expect(Fr(5).legendre == -1 && Fr(5).squareRoot() == nil)
    }

    @Test func rootOfUnityHasOrderTwoToTheTwentyEight() {
        var w = Fr(montgomeryLimbs: FrParameters.rootOfUnity)
        #expect(w.decimal == "19103219067921713944291392827692070036145651957329286315305642004821462161904")
        for _ in 0..<27 { w = w.squared() }
        #expect(w == -Fr.one)
    }

    @Test func batchInverseMatchesSingleInverses() {
        var g = SeededGenerator(seed: 4)
        var values = (0..<100).map { i in i % 17 == 0 ? Fr.zero : Fr.random(using: &g) }
        let expected = values.map { $0.isZero ? Fr.zero : $0.inverse() }
        Fr.batchInverse(&values)
        #expect(values == expected)
    }
}
