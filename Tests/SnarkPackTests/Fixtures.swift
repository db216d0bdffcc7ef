import BN254
import Circom
import Foundation
import Groth16
import SnarkPack
import TestSupport

/// Proofs and keys shared by the tests, made once: a small synthetic circuit (30 constraints, a 32-point
/// domain) with an UNSAFE development setup, 64 proofs of different statements, and an UNSAFE SnarkPack
/// reference string for 64 proofs.
enum Fixtures {
    struct Set: Sendable {
        var key: VerificationKey
        var proofs: [Proof]
        var publicSignals: [[Fr]]
    }

    static let threads = 2

    static let synthetic: Set = {
        let circuit = SyntheticCircuit.make(constraints: 30)
        guard let provingKey = try? DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: threads) else {
            preconditionFailure("the development setup failed on the synthetic circuit")
        }
        var proofs: [Proof] = []
        var signals: [[Fr]] = []
        for i in 0..<64 {
            let instance = SyntheticCircuit.make(constraints: 30, x: Fr(UInt64(i + 2)), y: Fr(UInt64(7 + i)))
            guard let (proof, publicSignals) = try? Prover.prove(key: provingKey, witness: instance.witness, threads: 1)
            else {
                preconditionFailure("proving the synthetic circuit failed")
            }
            proofs.append(proof)
            signals.append(publicSignals)
        }
        return Set(key: provingKey.verificationKey, proofs: proofs, publicSignals: signals)
    }()

    /// A second, unrelated development setup of the same circuit.
    static let otherKey: VerificationKey = {
        let circuit = SyntheticCircuit.make(constraints: 30)
        guard let key = try? DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: threads) else {
            preconditionFailure("the development setup failed on the synthetic circuit")
        }
        return key.verificationKey
    }()

    static let srs: SRS = {
        guard let srs = try? SRS.unsafeDevelopment(maxProofs: 64, threads: threads) else {
            preconditionFailure("the development SnarkPack reference string failed")
        }
        return srs
    }()

    /// A real set of 64 proofs of zk-kit's circuit (wasm, zkey and verification key from ../shared/testdata):
    /// 8 inputs proven with the wasm witness generator, each proof re-randomized into 7 more (proving 64
    /// times in a debug build would cost a minute), or nil (with a SKIPPED line) when the test data is absent.
    static let zkKit: Set? = {
        do {
            guard var set = try zkKit(count: 8) else { return nil }
            let proven = set
            var g = SeededRandom.forTest("Fixtures.zkKit")
            for i in 8..<64 {
                set.proofs.append(rerandomized(proven.proofs[i % 8], key: set.key, using: &g))
                set.publicSignals.append(proven.publicSignals[i % 8])
            }
            return set
        } catch {
            preconditionFailure("proving zk-kit's circuit failed: \(error)")
        }
    }()

    /// Another valid proof of the same statement: A' = θ⁻¹·A, B' = θ·B + μ·δ, C' = C + μ·A', since
    /// e(A', B') = e(A, B)·e(μ·A', δ).
    static func rerandomized(_ proof: Proof, key: VerificationKey, using g: inout SeededRandom) -> Proof {
        let theta = Fr.random(using: &g)
        let mu = Fr.random(using: &g)
        let a = proof.a.multiplied(by: theta.inverse()).toAffine()
        let b = (proof.b.multiplied(by: theta) + key.delta2.multiplied(by: mu)).toAffine()
        let c = (G1Jacobian(proof.c) + a.multiplied(by: mu)).toAffine()
        return Proof(a: a, b: b, c: c)
    }

    static func zkKit(count: Int) throws -> Set? {
        guard let wasm = SharedTestData.file("zk-kit-groth16/index.wasm"),
            let zkey = SharedTestData.file("zk-kit-groth16/index.zkey"),
            let vkFile = SharedTestData.file("zk-kit-groth16/index.json")
        else { return nil }
        let calculator = try WitnessCalculator(wasmFile: wasm)
        let provingKey = try ZKeyFile(contentsOf: zkey).provingKey
        let key = try VerificationKey(snarkjsJSONContentsOf: vkFile)
        var proofs: [Proof] = []
        var signals: [[Fr]] = []
        for i in 0..<count {
            let witness = try calculator.calculate(inputJSON: Data("{\"message\": \(12 + i), \"scope\": 122}".utf8))
            let (proof, publicSignals) = try Prover.prove(key: provingKey, witness: witness, threads: threads)
            proofs.append(proof)
            signals.append(publicSignals)
        }
        return Set(key: key, proofs: proofs, publicSignals: signals)
    }
}
