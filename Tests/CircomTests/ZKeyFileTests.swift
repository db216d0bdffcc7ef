import BN254
import Circom
import Foundation
import Groth16
import TestSupport
import Testing

@Suite("zkey files")
struct ZKeyFileTests {
    @Test(
        "every .zkey parses with the README's counts",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.zkeyFiles)
    func counts(path: String, nVars: Int, nPublic: Int, domainSize: Int, verificationKey: String?) throws {
        guard let url = TestData.file(path) else { return }
        let key = try ZKeyFile(contentsOf: url).provingKey
        #expect(key.nVars == nVars)
        #expect(key.nPublic == nPublic)
        #expect(key.domainSize == domainSize)
        #expect(key.h.count == domainSize)
        #expect(key.c.count == nVars - nPublic - 1)
        try key.validate()
    }

    @Test(
        "the zkey's verification key equals the set's verification_key.json",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.zkeyFiles.compactMap { $0.4 == nil ? nil : ($0.0, $0.4!) })
    func verificationKeyMatchesJSON(zkey: String, json: String) throws {
        guard let z = TestData.file(zkey), let j = TestData.file(json) else { return }
        let fromKey = try ZKeyFile(contentsOf: z).provingKey.verificationKey
        let fromJSON = try VerificationKey(snarkjsJSONContentsOf: j)
        #expect(fromKey == fromJSON)
        // γ is the G2 generator in every snarkjs key.
        #expect(fromKey.gamma2 == G2Affine.generator)
    }

    /// Settles the coefficient encoding: the zkey's A and B entries must be the .r1cs's A and B rows, plus the
    /// extra rows nConstraints + s with A[s] = 1 that bind the public signals.
    @Test(
        "section 4 reproduces the r1cs's A and B rows",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: [
            ("snarkjs-groth16/circuit.zkey", "snarkjs-groth16/circuit.r1cs"),
            ("rapidsnark-multiplier/circuit_final.zkey", "rapidsnark-multiplier/circuit.r1cs"),
            ("arkworks-mycircuit/test.zkey", "arkworks-mycircuit/mycircuit.r1cs"),
        ])
    func coefficientsReproduceR1CS(zkey: String, circuit: String) throws {
        guard let z = TestData.file(zkey), let c = TestData.file(circuit) else { return }
        let key = try ZKeyFile(contentsOf: z, options: .init(checkB2Subgroup: false)).provingKey
        let r1cs = try R1CSFile(contentsOf: c).r1cs
        var expected: [MatrixCoefficient] = []
        for (row, constraint) in r1cs.constraints.enumerated() {
            for t in constraint.a.terms {
                expected.append(
                    MatrixCoefficient(matrix: .a, constraint: UInt32(row), signal: t.wire, value: t.coefficient))
            }
            for t in constraint.b.terms {
                expected.append(
                    MatrixCoefficient(matrix: .b, constraint: UInt32(row), signal: t.wire, value: t.coefficient))
            }
        }
        for s in 0...r1cs.nPublic {
            expected.append(
                MatrixCoefficient(
                    matrix: .a, constraint: UInt32(r1cs.constraints.count + s), signal: UInt32(s), value: .one))
        }
        func sorted(_ k: [MatrixCoefficient]) -> [MatrixCoefficient] {
            k.sorted { ($0.constraint, $0.matrix.rawValue, $0.signal) < ($1.constraint, $1.matrix.rawValue, $1.signal) }
        }
        #expect(key.coefficients.count == expected.count)
        #expect(sorted(key.coefficients) == sorted(expected))
        // A coefficient other than 1 proves the R² scaling is undone, not only that 1 maps to 1.
        #expect(
            key.coefficients.contains { $0.value != .one }
                || r1cs.constraints.allSatisfy { c in
                    (c.a.terms + c.b.terms).allSatisfy { $0.coefficient == .one }
                })
    }

    @Test(
        "re-writing a .zkey gives the same bytes, section order and contributions included",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.zkeyFiles.map(\.0))
    func rewriteIsByteIdentical(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        let file = try ZKeyFile(bytes: bytes, file: path, options: .init(checkB2Subgroup: false))
        #expect(file.encoded() == bytes)
    }

    @Test(
        "a written .zkey (standard order, empty contributions) reads back identical",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func writeReadRoundTrip() throws {
        guard let url = TestData.file("snarkjs-groth16/circuit.zkey") else { return }
        let original = try ZKeyFile(contentsOf: url)
        let file = ZKeyFile(provingKey: original.provingKey)
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("k.zkey")
            try file.write(to: out)
            let written = try [UInt8](Data(contentsOf: out))
            #expect(written == file.encoded())
            #expect(sectionOffsets(written).keys.sorted() == Array(1...10))
            #expect(sectionOffsets(written)[10]?.size == 68)
            let back = try ZKeyFile(contentsOf: out)
            #expect(sameKey(back.provingKey, original.provingKey))
            #expect(back.sectionOrder == Array(1...10))
            #expect(back.contributions == ZKeyFile.emptyContributions)
            #expect(back.encoded() == written)
        }
    }

    @Test(
        "skipping the B2 subgroup check reads the same key",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func optionsGiveSameKey() throws {
        guard let url = TestData.file("zk-kit-groth16/index.zkey") else { return }
        let checked = try ZKeyFile(contentsOf: url, options: .init(checkB2Subgroup: true, workers: 4))
        let unchecked = try ZKeyFile(contentsOf: url, options: .init(checkB2Subgroup: false, workers: 1))
        #expect(sameKey(checked.provingKey, unchecked.provingKey))
    }
}
