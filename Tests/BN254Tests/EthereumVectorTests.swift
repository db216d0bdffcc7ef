import Foundation
import TestSupport
import Testing

@testable import BN254

/// One vector of go-ethereum's precompile test files.
struct PrecompileVector: Decodable, CustomTestStringConvertible, Sendable {
    let input: String
    let expected: String
    let name: String
    var testDescription: String { name }

    /// go-ethereum's files name the fields with capitals.
    enum CodingKeys: String, CodingKey {
        case input = "Input"
        case expected = "Expected"
        case name = "Name"
    }

    static func load(_ file: String) -> [PrecompileVector] {
        guard let url = TestData.file("eip196-197/\(file)"),
            let data = try? Data(contentsOf: url),
            let vectors = try? JSONDecoder().decode([PrecompileVector].self, from: data)
        else { return [] }
        return vectors
    }
}

@Suite struct EthereumVectorTests {
    @Test(arguments: PrecompileVector.load("bn256Add.json"))
    func ecAdd(vector: PrecompileVector) throws {
        #expect(try EthereumPrecompile.add([UInt8](hex: vector.input)).hex == vector.expected)
    }

    @Test(arguments: PrecompileVector.load("bn256ScalarMul.json"))
    func ecMul(vector: PrecompileVector) throws {
        #expect(try EthereumPrecompile.mul([UInt8](hex: vector.input)).hex == vector.expected)
    }

    @Test(arguments: PrecompileVector.load("bn256Pairing.json"))
    func ecPairing(vector: PrecompileVector) throws {
        #expect(try EthereumPrecompile.pairing([UInt8](hex: vector.input)).hex == vector.expected)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata")) func allFortyNineVectorsArePresent() {
        guard TestData.isPresent else {
            print("SKIPPED: ../shared/testdata is absent")
            return
        }
        let count = ["bn256Add.json", "bn256ScalarMul.json", "bn256Pairing.json"].map {
            PrecompileVector.load($0).count
        }
        #expect(count == [16, 19, 14])
    }

    // The failing cases of the precompiles: each must be a typed error, never a crash.

    static let g1Generator = [UInt8](
        hex: String(repeating: "0", count: 63) + "1" + String(repeating: "0", count: 63) + "2")

    @Test func coordinateNotBelowQIsRejected() {
        let q = [UInt8](hex: "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")
        let input = q + [UInt8](repeating: 0, count: 32) + Self.g1Generator
        #expect(
            throws: BN254Error.notInField(
                field: "Fq", value: "21888242871839275222246405745257275088696311157297823662689037894645226208583")
        ) {
            try EthereumPrecompile.add(input)
        }
        #expect(throws: BN254Error.self) { try EthereumPrecompile.mul(input) }
    }

    @Test func pointOffTheCurveIsRejected() {
        var bad = Self.g1Generator
        bad[63] = 3 // (1, 3)
        #expect(throws: BN254Error.notOnCurve(group: "G1", x: "1", y: "3")) {
            try EthereumPrecompile.add(bad + Self.g1Generator)
        }
        #expect(throws: BN254Error.notOnCurve(group: "G1", x: "1", y: "3")) {
            try EthereumPrecompile.mul(bad + [UInt8](repeating: 1, count: 32))
        }
    }

    @Test func pairingRejectsWrongLengthAndPointsOutsideG2() {
        #expect(throws: BN254Error.self) { try EthereumPrecompile.pairing([UInt8](repeating: 0, count: 191)) }
        var g = SeededGenerator(seed: 20)
        let outside = randomTwistPoint(&g)
        let input = Self.g1Generator + outside.ethereumBytes
        #expect(throws: BN254Error.notInSubgroup(group: "G2")) { try EthereumPrecompile.pairing(input) }
        var offCurve = G2Affine.generator.ethereumBytes
        offCurve[127] ^= 1
        #expect(throws: BN254Error.self) { try EthereumPrecompile.pairing(Self.g1Generator + offCurve) }
    }

    @Test func shortInputIsPaddedAndEmptyPairingIsTrue() throws {
        #expect(try EthereumPrecompile.add([]) == [UInt8](repeating: 0, count: 64))
        #expect(try EthereumPrecompile.mul(Self.g1Generator) == [UInt8](repeating: 0, count: 64))
        #expect(try EthereumPrecompile.pairing([]) == [UInt8](repeating: 0, count: 31) + [1])
    }
}
