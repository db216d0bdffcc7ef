import BN254
import Circom
import Foundation
import TestSupport
import Testing

@testable import Groth16

/// A set of test data with a zkey: its verification key file (if any) and a witness to prove with.
struct ZKeySet: CustomTestStringConvertible, Sendable {
    var name: String
    var zkey: String
    var verificationKey: String?
    /// A .wtns file, or the witness values themselves.
    var witnessFile: String?
    var witnessValues: [UInt64]?
    var testDescription: String { name }

    static let all: [ZKeySet] = [
        ZKeySet(
            name: "snarkjs-groth16", zkey: "snarkjs-groth16/circuit.zkey", verificationKey: nil,
            witnessFile: "snarkjs-groth16/witness.wtns"),
        ZKeySet(
            name: "rapidsnark-multiplier", zkey: "rapidsnark-multiplier/circuit_final.zkey",
            verificationKey: "rapidsnark-multiplier/verification_key.json",
            witnessFile: "rapidsnark-multiplier/witness.wtns"),
        ZKeySet(
            name: "arkworks-mycircuit", zkey: "arkworks-mycircuit/test.zkey",
            verificationKey: "arkworks-mycircuit/verification_key.json", witnessValues: [1, 33, 3, 11]),
    ]

    func load() throws -> (key: ProvingKey, fileKey: VerificationKey?, witness: [Fr])? {
        guard let zkeyURL = TestData.file(zkey) else { return nil }
        let key = try ZKeyFile(contentsOf: zkeyURL).provingKey
        var fileKey: VerificationKey?
        if let path = verificationKey {
            guard let url = TestData.file(path) else { return nil }
            fileKey = try VerificationKey(snarkjsJSONContentsOf: url)
        }
        let witness: [Fr]
        if let path = witnessFile {
            guard let url = TestData.file(path) else { return nil }
            witness = try WitnessFile(contentsOf: url).values
        } else {
            witness = (witnessValues ?? []).map { Fr($0) }
        }
        return (key, fileKey, witness)
    }
}

@Suite struct InteroperabilityTests {
    @Test(arguments: ZKeySet.all)
    func proofMadeHereVerifiesWithTheSetsKeyAndTheExportedKey(set: ZKeySet) throws {
        guard let (key, fileKey, witness) = try set.load() else { return }
        let (proof, publicSignals) = try Prover.prove(key: key, witness: witness, threads: 2)
        #expect(try Verifier.verify(key: key.verificationKey, publicSignals: publicSignals, proof: proof))
        if let fileKey {
            #expect(fileKey == key.verificationKey)
            #expect(try Verifier.verify(key: fileKey, publicSignals: publicSignals, proof: proof))
        }
        // The proof survives the snarkjs JSON round trip.
        let decoded = try Proof(snarkjsJSON: proof.snarkjsJSON)
        #expect(decoded == proof)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func snarkjsProofVerifiesAndTamperingIsRejected() throws {
        guard let zkey = TestData.file("snarkjs-groth16/circuit.zkey"),
            let proofURL = TestData.file("snarkjs-groth16/proof.json"),
            let publicURL = TestData.file("snarkjs-groth16/public.json")
        else { return }
        let key = try ZKeyFile(contentsOf: zkey).provingKey.verificationKey
        let proof = try Proof(snarkjsJSONContentsOf: proofURL)
        let signals = try PublicSignals.read(publicURL)
        #expect(try Verifier.verify(key: key, publicSignals: signals, proof: proof))
        // A tampered public signal.
        #expect(try !Verifier.verify(key: key, publicSignals: [signals[0] + .one], proof: proof))
        // A tampered proof: each element moved to another valid point.
        var bad = proof
        bad.a = G1Jacobian(proof.a).doubled().toAffine()
        #expect(try !Verifier.verify(key: key, publicSignals: signals, proof: bad))
        bad = proof
        bad.b = G2Jacobian(proof.b).doubled().toAffine()
        #expect(try !Verifier.verify(key: key, publicSignals: signals, proof: bad))
        bad = proof
        bad.c = G1Jacobian(proof.c).adding(.generator).toAffine()
        #expect(try !Verifier.verify(key: key, publicSignals: signals, proof: bad))
        // A signal ≥ r is refused when the public signals are read.
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        #expect(throws: CircomError.self) { try PublicSignals.decode(Data("[\"\(r)\"]".utf8)) }
        // Batch verification agrees.
        #expect(try Verifier.batchVerify(key: key, items: [(signals, proof), (signals, proof)]))
        #expect(try !Verifier.batchVerify(key: key, items: [(signals, proof), ([signals[0] + .one], proof)]))
    }

    @Test func developmentSetupKeyRoundTripsThroughTheZkeyFormat() throws {
        let circuit = SyntheticCircuit.make(constraints: 100)
        let key = try DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: 2)
        let bytes = ZKeyFile(provingKey: key).encoded()
        let reread = try ZKeyFile(bytes: bytes).provingKey
        #expect(ZKeyFile(provingKey: reread).encoded() == bytes)
        #expect(reread.verificationKey == key.verificationKey)
        #expect(reread.coefficients == key.coefficients)
        #expect(
            reread.a == key.a && reread.b1 == key.b1 && reread.b2 == key.b2 && reread.c == key.c && reread.h == key.h)
        let (proof, signals) = try Prover.prove(key: reread, witness: circuit.witness, threads: 2)
        #expect(try Verifier.verify(key: key.verificationKey, publicSignals: signals, proof: proof))
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func developmentSetupOnARealCircuitGivesProofsThatVerify() throws {
        // circuit2 of arkworks-mycircuit comes with its witness and no zkey.
        guard let r1csURL = TestData.file("arkworks-mycircuit/circuit2.r1cs"),
            let witnessURL = TestData.file("arkworks-mycircuit/circuit2-witness.wtns")
        else { return }
        let r1cs = try R1CSFile(contentsOf: r1csURL).r1cs
        let witness = try WitnessFile(contentsOf: witnessURL).values
        try r1cs.check(witness: witness)
        let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: 2)
        let (proof, signals) = try Prover.prove(key: key, witness: witness, threads: 2)
        #expect(try Verifier.verify(key: key.verificationKey, publicSignals: signals, proof: proof))
    }
}

@Suite struct WitnessToProofTests {
    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func zkKitWitnessFromWasmProvesAgainstItsZkeyAndKey() throws {
        guard let wasm = TestData.file("zk-kit-groth16/index.wasm"),
            let zkey = TestData.file("zk-kit-groth16/index.zkey"),
            let vkURL = TestData.file("zk-kit-groth16/index.json")
        else { return }
        let witness = try WitnessCalculator(wasmFile: wasm).calculate(
            inputJSON: Data(#"{"message": 12, "scope": 122}"#.utf8))
        let key = try ZKeyFile(contentsOf: zkey).provingKey
        let (proof, signals) = try Prover.prove(key: key, witness: witness, threads: 2)
        #expect(signals.count == 3)
        #expect(
            try Verifier.verify(
                key: try VerificationKey(snarkjsJSONContentsOf: vkURL), publicSignals: signals, proof: proof))
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func developmentSetupOnTheCircom1ComplexCircuitGivesProofsThatVerify() throws {
        guard let r1csURL = TestData.file("arkworks-complex/complex-circuit-10000-10000.r1cs"),
            let wasm = TestData.file("arkworks-complex/complex-circuit-10000-10000.wasm"),
            let input = TestData.file("arkworks-complex/input.json")
        else { return }
        let r1cs = try R1CSFile(contentsOf: r1csURL).r1cs
        let witness = try WitnessCalculator(wasmFile: wasm).calculate(inputJSON: try Data(contentsOf: input))
        try r1cs.check(witness: witness)
        let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: 2)
        let (proof, signals) = try Prover.prove(key: key, witness: witness, threads: 2)
        #expect(try Verifier.verify(key: key.verificationKey, publicSignals: signals, proof: proof))
        #expect(try !Verifier.verify(key: key.verificationKey, publicSignals: [signals[0] + .one], proof: proof))
    }
}
