import BN254
import Circom
import Foundation
import Groth16
import TestSupport
import Testing

@Suite("r1cs files")
struct R1CSFileTests {
    @Test(
        "every .r1cs parses with the README's counts",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.r1csFiles)
    func counts(path: String, wires: Int, publicSignals: Int, constraints: Int) throws {
        guard let url = TestData.file(path) else { return }
        let file = try R1CSFile(contentsOf: url)
        #expect(file.r1cs.nWires == wires)
        #expect(file.r1cs.nPublic == publicSignals)
        #expect(file.r1cs.constraints.count == constraints)
        #expect(file.r1cs.wireToLabel.count == wires)
    }

    @Test(
        "re-writing a circom .r1cs gives the same bytes, section order included",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: TestData.r1csFiles.map(\.0))
    func rewriteIsByteIdentical(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        let file = try R1CSFile(bytes: bytes, file: path)
        #expect(file.encoded() == bytes)
    }

    @Test(
        "a written .r1cs reads back identical, through a file and in memory",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func writeReadRoundTrip() throws {
        guard let url = TestData.file("arkworks-mycircuit/circuit2.r1cs") else { return }
        var file = try R1CSFile(contentsOf: url)
        file.sectionOrder = R1CSFile.defaultSectionOrder
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("circuit.r1cs")
            try file.write(to: out)
            let back = try R1CSFile(contentsOf: out)
            #expect(back == file)
            #expect(back.encoded() == file.encoded())
            #expect(try Data(contentsOf: out) == Data(file.encoded()))
        }
        // Without labels, section 3 is left out and the labels read back empty.
        file.r1cs.wireToLabel = []
        let back = try R1CSFile(bytes: file.encoded())
        #expect(back.r1cs == file.r1cs)
        #expect(back.sectionOrder == [1, 2])
    }

    @Test(
        "each stored witness satisfies its circuit", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.witnessFiles)
    func witnessSatisfiesCircuit(witness: String, circuit: String, count: Int) throws {
        guard let w = TestData.file(witness), let c = TestData.file(circuit) else { return }
        let values = try WitnessFile(contentsOf: w).values
        #expect(values.count == count)
        try R1CSFile(contentsOf: c).r1cs.check(witness: values)
    }

    @Test(
        "a tampered witness value breaks the circuit and the check names the constraint",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func tamperedWitness() throws {
        guard let w = TestData.file("snarkjs-groth16/witness.wtns"),
            let c = TestData.file("snarkjs-groth16/circuit.r1cs")
        else { return }
        var values = try WitnessFile(contentsOf: w).values
        values[values.count - 1] += .one
        let r1cs = try R1CSFile(contentsOf: c).r1cs
        #expect(throws: Groth16Error.self) { try r1cs.check(witness: values) }
    }

    @Test(
        "custom gates (sections 4/5) are refused with a clear error",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func customGates() throws {
        guard var bytes = TestData.bytes("arkworks-mycircuit/mycircuit.r1cs") else { return }
        // Append a section 4 declaring one custom gate and bump the section count.
        bytes[8] += 1
        bytes += [4, 0, 0, 0] + [8, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: CircomError.customGates(file: "<memory>", section: 4, count: 1)) { try R1CSFile(bytes: bytes) }
        // An empty custom-gates section is harmless.
        bytes[bytes.count - 8] = 0
        #expect(try R1CSFile(bytes: bytes).r1cs.constraints.count == 1)
    }

    @Test(
        "a constraint on a wire beyond nWires is a count mismatch",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func wireOutOfRange() throws {
        guard var bytes = TestData.bytes("arkworks-mycircuit/mycircuit.r1cs") else { return }
        let constraints = sectionOffsets(bytes)[2]!.offset
        bytes[constraints + 4] = 200 // the first term's wire
        #expect {
            try R1CSFile(bytes: bytes)
        } throws: { error in
            guard case .countMismatch(_, 2, let what)? = error as? CircomError else { return false }
            return what.contains("wire 200")
        }
    }
}

@Suite("wtns files")
struct WitnessFileTests {
    @Test(
        "re-writing a .wtns gives the same bytes", .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"),
        arguments: TestData.witnessFiles.map(\.0))
    func rewriteIsByteIdentical(path: String) throws {
        guard let bytes = TestData.bytes(path) else { return }
        #expect(try WitnessFile(bytes: bytes).encoded() == bytes)
    }

    @Test("a written witness reads back identical")
    func writeReadRoundTrip() throws {
        let values = (0..<50).map { Fr(UInt64($0) * 7919) } + [-Fr.one]
        let file = WitnessFile(values: values)
        try withTemporaryDirectory { dir in
            let url = dir.appendingPathComponent("w.wtns")
            try file.write(to: url)
            #expect(try WitnessFile(contentsOf: url) == file)
            #expect(try Data(contentsOf: url) == Data(file.encoded()))
        }
    }

    @Test(
        "the snarkjs-groth16 witness holds the public signal of public.json and the inputs a = 2, b = 3",
        .enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func matchesPublicSignals() throws {
        guard let w = TestData.file("snarkjs-groth16/witness.wtns"),
            let p = TestData.file("snarkjs-groth16/public.json")
        else { return }
        let values = try WitnessFile(contentsOf: w).values
        #expect(values[0] == .one)
        #expect(Array(values[1...1]) == (try PublicSignals.read(p)))
        #expect(values[2] == Fr(2) && values[3] == Fr(3))
    }
}
