import BN254
import Foundation
import TestSupport
import Testing

@testable import Circom

/// The witness calculator against the circom `.wasm` files in `../shared/testdata` (see its README):
/// snarkjs's own witnesses byte for byte, known witnesses, the circuit's assert messages, the input errors
/// a user makes, and the circom 1 interface.
@Suite struct WitnessCalculatorTests {
    // MARK: - Witnesses that other tools computed

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func snarkjsCircom2WitnessMatchesByteForByte() throws {
        guard let wasm = WitnessTestData.file("snarkjs-circom2-wasm/circuit.wasm"),
            let input = WitnessTestData.file("snarkjs-circom2-wasm/input.json"),
            let stored = WitnessTestData.file("snarkjs-circom2-wasm/witness.wtns")
        else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        guard case .circom2 = calculator.interface else {
            Issue.record("expected a circom 2 module, got \(calculator.interface)")
            return
        }
        let witness = try calculator.calculate(inputJSON: try Data(contentsOf: input))
        let expected = try [UInt8](Data(contentsOf: stored))
        #expect(witness.count == calculator.witnessCount)
        #expect(wtnsBytes(witness: witness) == expected)
        #expect(try readWtns(expected) == witness)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"), arguments: [1, 2, 3])
    func mycircuitWitnessIsOneProductAndFactors(inputNumber: Int) throws {
        guard let wasm = WitnessTestData.file("arkworks-mycircuit/mycircuit.wasm"),
            let inputFile = WitnessTestData.file("arkworks-mycircuit/mycircuit-input\(inputNumber).json")
        else { return }
        let json = try Data(contentsOf: inputFile)
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let witness = try calculator.calculate(inputJSON: json)
        // mycircuit is c <== a*b with wires [1, c, a, b].
        let input = try CircuitInput(json: [UInt8](json))
        let a = try #require(input.signals.first { $0.name == "a" }?.values.first)
        let b = try #require(input.signals.first { $0.name == "b" }?.values.first)
        #expect(witness == [.one, a * b, a, b])
        if inputNumber == 1 { #expect(witness == [1, 33, 3, 11].map { Fr(UInt64($0)) }) }
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata")) func circuit2WitnessMatchesByteForByte()
        throws
    {
        guard let wasm = WitnessTestData.file("arkworks-mycircuit/circuit2.wasm"),
            let stored = WitnessTestData.file("arkworks-mycircuit/circuit2-witness.wtns"),
            let r1cs = WitnessTestData.file("arkworks-mycircuit/circuit2.r1cs")
        else { return }
        // The input is not in the test set, but circuit2.circom's main has the output c, then the inputs
        // a and b: wires 2 and 3 of the stored witness are the input.
        let expectedBytes = try [UInt8](Data(contentsOf: stored))
        let expected = try readWtns(expectedBytes)
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let witness = try calculator.calculate(inputs: ["a": [expected[2]], "b": [expected[3]]])
        #expect(wtnsBytes(witness: witness) == expectedBytes)
        let system = try MinimalR1CS(bytes: [UInt8](Data(contentsOf: r1cs)))
        #expect(system.wireCount == witness.count)
        #expect(system.firstUnsatisfied(by: witness) == nil)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func zkKitWitnessHasTheCircuitsWiresAndInputs() throws {
        guard let wasm = WitnessTestData.file("zk-kit-groth16/index.wasm") else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let clock = ContinuousClock()
        var witness: [Fr] = []
        let elapsed = try clock.measure {
            witness = try calculator.calculate(inputJSON: Data(#"{"message": 12, "scope": 122}"#.utf8))
        }
        print("TIMING: zk-kit-groth16 witness (456 wires) in \(elapsed)")
        #expect(witness.count == 456)
        #expect(calculator.witnessCount == 456)
        #expect(calculator.inputCount == 2)
        #expect(witness[0] == .one)
        // Wires 1–3 are the three public signals, two outputs and then the public input scope; the private
        // input message follows.
        #expect(witness[3] == Fr(122))
        #expect(witness[4] == Fr(12))
        // The same input gives the same witness (in the instance reused from the first calculation);
        // another input another one.
        var second: [Fr] = []
        let again = try clock.measure {
            second = try calculator.calculate(inputs: ["message": [Fr(12)], "scope": [Fr(122)]])
        }
        #expect(second == witness)
        print("TIMING: zk-kit-groth16 witness again, in a reused instance, in \(again)")
        let other = try calculator.calculate(inputs: ["message": [Fr(13)], "scope": [Fr(122)]])
        #expect(other[1] != witness[1])
    }

    // MARK: - Input encodings

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func hexadecimalNegativeAndBigIntegerStringsAreReducedModuloR() throws {
        guard let wasm = WitnessTestData.file("arkworks-mycircuit/mycircuit.wasm") else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        let witness = try calculator.calculate(inputJSON: Data(#"{"a": "0x0B", "b": [["-1"]]}"#.utf8))
        #expect(witness == [.one, -Fr(11), Fr(11), -Fr.one])
        // 10·r + 3 is 3, as in snarkjs (BigInt(value) % r).
        let reduced = try calculator.calculate(inputJSON: Data(#"{"a": "\#(r)3", "b": 1}"#.utf8))
        #expect(reduced[2] == Fr(3))
    }

    @Test func inputJSONFlattensNestedArraysAndQualifiesObjects() throws {
        let input = try CircuitInput(
            json: Array(
                #"""
                {"m": [[1, "2"], ["0x3", 4]], "bus": {"x": 5, "y": [6, 7]}, "list": [{"v": 8}, {"v": 9}],
                 "big": 123456789012345678901234567890, "e": 1e3, "t": true, "neg": -2}
                """#.utf8))
        let names = input.signals.map(\.name)
        #expect(names == ["m", "bus.x", "bus.y", "list[0].v", "list[1].v", "big", "e", "t", "neg"])
        #expect(input.signals[0].values == [1, 2, 3, 4].map { Fr(UInt64($0)) })
        #expect(input.signals[2].values == [Fr(6), Fr(7)])
        #expect(input.signals[5].values == [try Fr(string: "123456789012345678901234567890")])
        #expect(input.signals[6].values == [Fr(1000)])
        #expect(input.signals[7].values == [.one])
        #expect(input.signals[8].values == [-Fr(2)])
    }

    @Test(arguments: [
        (#"{"a": 1.5}"#, WitnessCalculatorError.invalidValue(signal: "a", value: "1.5")),
        (#"{"a": "12z"}"#, .invalidValue(signal: "a", value: "12z")),
        (#"{"a": null}"#, .invalidValue(signal: "a", value: "null")),
        (#"{"a": [1, {"b": 2}]}"#, .invalidValue(signal: "a", value: "an array mixing objects and numbers")),
        (#"{"a": 1"#, .invalidJSON(reason: "expected }", offset: 7)),
        (#"[1, 2]"#, .invalidJSON(reason: "the input must be a JSON object of signal names", offset: 0)),
    ])
    func malformedInputIsATypedError(json: String, expected: WitnessCalculatorError) {
        #expect(throws: expected) { try CircuitInput(json: Array(json.utf8)) }
    }

    @Test func signalNamesHashWithFNV1a64() {
        #expect(SignalHash("").value == 0xCBF2_9CE4_8422_2325)
        #expect(SignalHash("a").value == 0xAF63_DC4C_8601_EC8C)
        #expect(SignalHash("foobar").value == 0x8594_4171_F739_67E8)
    }

    // MARK: - What the user did wrong, and what the circuit says

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata")) func inputErrorsNameTheSignal() throws {
        guard let wasm = WitnessTestData.file("snarkjs-circom2-wasm/circuit.wasm") else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        #expect(throws: WitnessCalculatorError.missingInputs(given: 1, expected: 2)) {
            try calculator.calculate(inputJSON: Data(#"{"a": 11}"#.utf8))
        }
        #expect(throws: WitnessCalculatorError.wrongNumberOfValues(signal: "a", expected: 1, actual: 2)) {
            try calculator.calculate(inputJSON: Data(#"{"a": [11, 12], "b": 2}"#.utf8))
        }
        #expect(throws: WitnessCalculatorError.unknownSignal("c")) {
            try calculator.calculate(inputJSON: Data(#"{"a": 11, "b": 2, "c": 3}"#.utf8))
        }
        #expect(throws: WitnessCalculatorError.unknownSignal("x")) {
            try calculator.calculate(inputs: ["a": [Fr(11)], "b": [Fr(2)], "x": [Fr(1)]])
        }
        // The calculator is still usable after an error.
        #expect(try calculator.calculate(inputJSON: Data(#"{"a": 11, "b": 2}"#.utf8)).count == calculator.witnessCount)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func failingAssertCarriesTheCircuitsMessage() throws {
        // circuit2 computes inva <-- 1/(a-1) and then requires (a-1)*inva === 1: with a = 1 the constraint,
        // which circom's witness generator checks as an assert, fails.
        guard let wasm = WitnessTestData.file("arkworks-mycircuit/circuit2.wasm") else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let assertFailure = #expect(throws: WitnessCalculatorError.self) {
            try calculator.calculate(inputJSON: Data(#"{"a": 1, "b": 5}"#.utf8))
        }
        guard case .circuitFailed(let code, let message) = assertFailure else {
            Issue.record("expected the circuit's assert to fail, got \(String(describing: assertFailure))")
            return
        }
        #expect(code == 4)
        #expect(message.hasPrefix("Assert Failed.\nError in template Multiplier"))
        #expect(message.contains("line: "))
        // a ≥ 2^64 fails the range check of CheckBits.
        let rangeFailure = #expect(throws: WitnessCalculatorError.self) {
            try calculator.calculate(inputJSON: Data(#"{"a": "0x10000000000000000", "b": 5}"#.utf8))
        }
        guard case .circuitFailed(_, let rangeMessage) = rangeFailure else {
            Issue.record("expected CheckBits to fail, got \(String(describing: rangeFailure))")
            return
        }
        #expect(rangeMessage.contains("Error in template CheckBits"))
    }

    @Test func notAWitnessGeneratorIsATypedError() throws {
        #expect(throws: WitnessCalculatorError.self) { try WitnessCalculator(wasm: Array("not wasm".utf8)) }
        // The smallest valid module: magic and version, no exports.
        #expect(
            throws: WitnessCalculatorError.missingExport(
                name: "getVersion", interface: "circom 2 or circom 1 (getSignalOffset32)")
        ) {
            try WitnessCalculator(wasm: [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        }
        #expect(throws: WitnessCalculatorError.self) {
            try WitnessCalculator(wasmFile: URL(fileURLWithPath: "/nonexistent/circuit.wasm"))
        }
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func oneCalculatorServesConcurrentCalculations() async throws {
        guard let wasm = WitnessTestData.file("arkworks-mycircuit/mycircuit.wasm") else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        try await withThrowingTaskGroup(of: (UInt64, [Fr]).self) { group in
            for a in UInt64(2)..<UInt64(10) {
                group.addTask { (a, try calculator.calculate(inputs: ["a": [Fr(a)], "b": [Fr(7)]])) }
            }
            for try await (a, witness) in group {
                #expect(witness == [.one, Fr(a * 7), Fr(a), Fr(7)])
            }
        }
    }

    // MARK: - circom 1

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func circom1ComplexCircuitWitnessSatisfiesItsR1CS() throws {
        guard let wasm = WitnessTestData.file("arkworks-complex/complex-circuit-10000-10000.wasm"),
            let input = WitnessTestData.file("arkworks-complex/input.json"),
            let r1cs = WitnessTestData.file("arkworks-complex/complex-circuit-10000-10000.r1cs")
        else { return }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        #expect(calculator.interface == .circom1)
        let json = try Data(contentsOf: input)
        let clock = ContinuousClock()
        var witness: [Fr] = []
        let elapsed = try clock.measure { witness = try calculator.calculate(inputJSON: json) }
        print("TIMING: arkworks-complex (circom 1) witness (\(witness.count) wires) in \(elapsed)")
        let system = try MinimalR1CS(bytes: [UInt8](Data(contentsOf: r1cs)))
        #expect(witness.count == system.wireCount)
        #expect(witness[0] == .one)
        // c = a^(2^10000) is wire 1 and a = 3 wire 2.
        var c = Fr(3)
        for _ in 0..<10000 { c = c.squared() }
        #expect(witness[1] == c)
        #expect(witness[2] == Fr(3))
        #expect(system.firstUnsatisfied(by: witness) == nil)
        // The instance that computed it is reused, and computes the same witness again.
        var second: [Fr] = []
        let again = try clock.measure { second = try calculator.calculate(inputJSON: json) }
        #expect(second == witness)
        print("TIMING: arkworks-complex (circom 1) witness again, in a reused instance, in \(again)")
        // circom 1 finds any signal of the main component by name (here the intermediate b would be found),
        // so only a name that is no signal at all is unknown.
        #expect(throws: WitnessCalculatorError.unknownSignal("x")) {
            try calculator.calculate(inputJSON: Data(#"{"a": 3, "x": 3}"#.utf8))
        }
    }
}

// MARK: - Test data and minimal readers and writers of iden3 files

/// Where the shared test data lives: `../shared/testdata` beside the package root.
private enum WitnessTestData {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata")

    static func file(_ relativePath: String) -> URL? {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: test data \(url.path) is absent (expected ../shared/testdata beside the package)")
            return nil
        }
        return url
    }
}

private struct TestFileError: Error, CustomStringConvertible {
    var description: String
}

/// Little-endian reads from a byte array, failing past its end.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else {
            throw TestFileError(description: "truncated at \(offset): need \(count) bytes")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func u32() throws -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func fr() throws -> Fr { try Fr(littleEndian: try take(32)) }
}

/// The sections of an iden3 container ("wtns", "r1cs"): type → (offset, size).
private func iden3Sections(_ bytes: [UInt8], magic: String) throws -> [UInt32: (offset: Int, size: Int)] {
    var reader = ByteReader(bytes: bytes)
    guard try Array(reader.take(4)) == Array(magic.utf8) else {
        throw TestFileError(description: "not a \(magic) file")
    }
    _ = try reader.u32()
    let count = try reader.u32()
    var sections: [UInt32: (offset: Int, size: Int)] = [:]
    for _ in 0..<count {
        let type = try reader.u32()
        let size = Int(try reader.u64())
        sections[type] = (reader.offset, size)
        _ = try reader.take(size)
    }
    return sections
}

/// A .wtns file's witness: section 1 is n8, the prime and the count; section 2 the values.
private func readWtns(_ bytes: [UInt8]) throws -> [Fr] {
    let sections = try iden3Sections(bytes, magic: "wtns")
    guard let header = sections[1], let values = sections[2] else {
        throw TestFileError(description: "wtns sections missing")
    }
    var reader = ByteReader(bytes: bytes, offset: header.offset)
    guard try reader.u32() == 32 else { throw TestFileError(description: "wtns field size is not 32") }
    guard try Array(reader.take(32)) == littleEndianModulus else {
        throw TestFileError(description: "wtns prime is not r")
    }
    let count = Int(try reader.u32())
    guard values.size == 32 * count else { throw TestFileError(description: "wtns section 2 size") }
    reader.offset = values.offset
    return try (0..<count).map { _ in try reader.fr() }
}

/// The .wtns file snarkjs writes for `witness`, byte for byte.
private func wtnsBytes(witness: [Fr]) -> [UInt8] {
    var out: [UInt8] = Array("wtns".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    u32(2)
    u32(2)
    u32(1)
    u64(4 + 32 + 4)
    u32(32)
    out += littleEndianModulus
    u32(UInt32(witness.count))
    u32(2)
    u64(UInt64(32 * witness.count))
    for value in witness { out += value.littleEndianBytes }
    return out
}

private let littleEndianModulus: [UInt8] = {
    let m = FrParameters.modulus
    return [m.0, m.1, m.2, m.3].flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> (8 * $0)) } }
}()

/// Just enough of an .r1cs file to check a witness: the wire count and the constraints.
private struct MinimalR1CS {
    var wireCount: Int
    var constraints: [[[(wire: Int, coefficient: Fr)]]]

    init(bytes: [UInt8]) throws {
        let sections = try iden3Sections(bytes, magic: "r1cs")
        guard let header = sections[1], let body = sections[2] else {
            throw TestFileError(description: "r1cs sections missing")
        }
        var reader = ByteReader(bytes: bytes, offset: header.offset)
        guard try reader.u32() == 32 else { throw TestFileError(description: "r1cs field size is not 32") }
        guard try Array(reader.take(32)) == littleEndianModulus else {
            throw TestFileError(description: "r1cs prime is not r")
        }
        wireCount = Int(try reader.u32())
        _ = try reader.take(3 * 4 + 8) // outputs, public inputs, private inputs, labels
        let constraintCount = Int(try reader.u32())
        reader.offset = body.offset
        constraints = []
        for _ in 0..<constraintCount {
            var sides: [[(wire: Int, coefficient: Fr)]] = []
            for _ in 0..<3 {
                let terms = Int(try reader.u32())
                sides.append(try (0..<terms).map { _ in (Int(try reader.u32()), try reader.fr()) })
            }
            constraints.append(sides)
        }
    }

    /// The index of the first constraint A·B = C that `witness` breaks, or nil.
    func firstUnsatisfied(by witness: [Fr]) -> Int? {
        func evaluate(_ terms: [(wire: Int, coefficient: Fr)]) -> Fr {
            terms.reduce(Fr.zero) { $0 + $1.coefficient * witness[$1.wire] }
        }
        return constraints.firstIndex { evaluate($0[0]) * evaluate($0[1]) != evaluate($0[2]) }
    }
}
