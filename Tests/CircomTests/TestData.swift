import BN254
import Foundation
import Groth16
import TestSupport

typealias TestData = SharedTestData

extension SharedTestData {
    /// The .r1cs files and what the README says of them: (path, wires, public signals, constraints).
    static let r1csFiles: [(String, Int, Int, Int)] = [
        ("snarkjs-groth16/circuit.r1cs", 103, 1, 100),
        ("rapidsnark-multiplier/circuit.r1cs", 1003, 1, 1000),
        ("snarkjs-circom2-wasm/circuit.r1cs", 1003, 2, 1000),
        ("arkworks-mycircuit/mycircuit.r1cs", 4, 1, 1),
        ("arkworks-mycircuit/circuit2.r1cs", 132, 1, 131),
        ("arkworks-complex/complex-circuit-10000-10000.r1cs", 10002, 1, 10000),
    ]

    /// (witness, its circuit, number of values).
    static let witnessFiles: [(String, String, Int)] = [
        ("snarkjs-groth16/witness.wtns", "snarkjs-groth16/circuit.r1cs", 103),
        ("rapidsnark-multiplier/witness.wtns", "rapidsnark-multiplier/circuit.r1cs", 1003),
        ("snarkjs-circom2-wasm/witness.wtns", "snarkjs-circom2-wasm/circuit.r1cs", 1003),
        ("arkworks-mycircuit/circuit2-witness.wtns", "arkworks-mycircuit/circuit2.r1cs", 132),
    ]

    /// (zkey, nVars, nPublic, domain size, its verification key JSON or nil).
    static let zkeyFiles: [(String, Int, Int, Int, String?)] = [
        ("snarkjs-groth16/circuit.zkey", 103, 1, 128, nil),
        ("rapidsnark-multiplier/circuit_final.zkey", 1003, 1, 1024, "rapidsnark-multiplier/verification_key.json"),
        ("arkworks-mycircuit/test.zkey", 4, 1, 4, "arkworks-mycircuit/verification_key.json"),
        ("zk-kit-groth16/index.zkey", 456, 3, 512, "zk-kit-groth16/index.json"),
    ]

    static var allBinaryFiles: [String] {
        r1csFiles.map(\.0) + witnessFiles.map(\.0) + zkeyFiles.map(\.0)
    }
}

/// A scratch directory removed when the test ends.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("circom-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// ProvingKey is not Equatable (it lives in Groth16); the tests compare every field.
func sameKey(_ x: ProvingKey, _ y: ProvingKey) -> Bool {
    x.nVars == y.nVars && x.nPublic == y.nPublic && x.domainSize == y.domainSize && x.alpha1 == y.alpha1
        && x.beta1 == y.beta1 && x.beta2 == y.beta2 && x.gamma2 == y.gamma2 && x.delta1 == y.delta1
        && x.delta2 == y.delta2 && x.ic == y.ic && x.coefficients == y.coefficients && x.a == y.a && x.b1 == y.b1
        && x.b2 == y.b2 && x.c == y.c && x.h == y.h
}

/// The offsets of an iden3 file's section payloads by type (an independent reading for the corruption tests).
func sectionOffsets(_ bytes: [UInt8]) -> [UInt32: (offset: Int, size: Int)] {
    var result: [UInt32: (Int, Int)] = [:]
    var offset = 12
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
    while offset + 12 <= bytes.count {
        let size = Int(u64(offset + 4))
        result[u32(offset)] = (offset + 12, size)
        offset += 12 + size
    }
    return result
}
