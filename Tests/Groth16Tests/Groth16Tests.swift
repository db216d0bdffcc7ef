import BN254
import Testing

@testable import Groth16

@Suite struct Groth16Tests {
    static let circuit = SyntheticCircuit.make(constraints: 300)
    static let key: ProvingKey = {
        guard let key = try? DevelopmentSetup.setup(r1cs: circuit.r1cs, threads: 2) else {
            preconditionFailure("the development setup failed on the synthetic circuit")
        }
        return key
    }()

    @Test func syntheticWitnessSatisfiesItsCircuit() throws {
        try Self.circuit.r1cs.check(witness: Self.circuit.witness)
        #expect(Self.circuit.r1cs.constraints.count == 300)
        #expect(Self.circuit.r1cs.nPublic == 1)
    }

    @Test func brokenWitnessNamesTheFirstBrokenConstraint() {
        var witness = Self.circuit.witness
        witness[10] += .one // z_8: used by constraints 6 (as c), 7 and 8
        #expect(throws: Groth16Error.constraintNotSatisfied(constraint: 6)) {
            try Self.circuit.r1cs.check(witness: witness)
        }
        #expect(throws: Groth16Error.witnessLength(expected: 303, actual: 2)) {
            try Self.circuit.r1cs.check(witness: [.one, .one])
        }
        witness = Self.circuit.witness
        witness[0] = Fr(2)
        #expect(throws: Groth16Error.constantWireNotOne("2")) { try Self.circuit.r1cs.check(witness: witness) }
    }

    @Test func developmentSetupKeyIsConsistent() throws {
        try Self.key.validate()
        #expect(Self.key.domainSize == 512)
        #expect(Self.key.h.count == 512)
        #expect(Self.key.ic.count == 2)
    }

    @Test func proofsFromTheDevelopmentSetupVerify() throws {
        let (proof, publicSignals) = try Prover.prove(key: Self.key, witness: Self.circuit.witness, threads: 2)
        #expect(publicSignals == [Self.circuit.witness[1]])
        let vk = Self.key.verificationKey
        #expect(try Verifier.verify(key: vk, publicSignals: publicSignals, proof: proof))
        // A tampered public signal, a tampered proof and a wrong count are rejected.
        #expect(try !Verifier.verify(key: vk, publicSignals: [publicSignals[0] + .one], proof: proof))
        var bad = proof
        bad.a = (G1Jacobian(proof.a).adding(.generator)).toAffine()
        #expect(try !Verifier.verify(key: vk, publicSignals: publicSignals, proof: bad))
        bad = proof
        bad.c = -proof.c
        #expect(try !Verifier.verify(key: vk, publicSignals: publicSignals, proof: bad))
        #expect(throws: Groth16Error.publicInputCount(expected: 1, actual: 0)) {
            try Verifier.verify(key: vk, publicSignals: [], proof: proof)
        }
    }

    @Test func proofsAreRandomized() throws {
        let p1 = try Prover.prove(key: Self.key, witness: Self.circuit.witness, threads: 1).proof
        let p2 = try Prover.prove(key: Self.key, witness: Self.circuit.witness, threads: 2).proof
        #expect(p1 != p2)
    }

    @Test func batchVerificationAcceptsGoodBatchesAndRejectsOneBadProof() throws {
        var items: [(publicSignals: [Fr], proof: Proof)] = []
        for i in 0..<5 {
            let instance = SyntheticCircuit.make(constraints: 300, x: Fr(UInt64(i + 2)), y: Fr(7))
            let (proof, publicSignals) = try Prover.prove(key: Self.key, witness: instance.witness, threads: 2)
            items.append((publicSignals, proof))
        }
        let vk = Self.key.verificationKey
        #expect(try Verifier.batchVerify(key: vk, items: items))
        var tampered = items
        tampered[3].publicSignals[0] += .one
        #expect(try !Verifier.batchVerify(key: vk, items: tampered))
        tampered = items
        tampered[1].proof = items[2].proof
        tampered[2].proof = items[1].proof
        #expect(try !Verifier.batchVerify(key: vk, items: tampered))
        #expect(try Verifier.batchVerify(key: vk, items: []))
    }

    @Test func wrongWitnessLengthIsATypedError() {
        #expect(throws: Groth16Error.witnessLength(expected: 303, actual: 3)) {
            try Prover.prove(key: Self.key, witness: [.one, .one, .one], threads: 1)
        }
    }
}
