import Foundation
import ProofSystems
import ProverNetCore
import Testing

@testable import ProverNode

/// The ways a test prover cheats, so that the gateway's tests can show it refuses them.
@Suite struct MisbehaviorTests {
    @Test func otherInputProvesXPlusOneOrTheFirstNumberPlusOne() {
        let synthetic = Misbehavior.otherInput.input(#"{"y": 11, "x": "3"}"#, kind: .synthetic)
        #expect(synthetic == #"{"x":"4","y":11}"#)
        #expect(
            Misbehavior.otherInput.input(#"{"a": ["7", "8"], "b": 9}"#, kind: .circom) == #"{"a": ["8", "8"], "b": 9}"#)
        #expect(Misbehavior.otherInput.input(#"{"in": 41}"#, kind: .circom) == #"{"in": 42}"#)
        #expect(Misbehavior.otherInput.input(#"{"12": "x", "n": "5"}"#, kind: .circom) == #"{"12": "x", "n": "6"}"#)
        #expect(Misbehavior.wrongProof.input(#"{"x": "3"}"#, kind: .synthetic) == #"{"x": "3"}"#)
    }

    @Test func aWrongProofParsesButDoesNotVerify() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 16, in: dir)
        let input = #"{"x": "2", "y": "3"}"#
        try Data(input.utf8).write(to: dir.file("input.json"))
        try ProofWorker.run(
            zkey: fixture.zkey, witness: .synthetic(constraints: 16), inputJSON: input, outputDirectory: dir.url,
            threads: 1, progress: { _ in })
        let proof = try String(contentsOf: dir.file("proof.json"), encoding: .utf8)
        let signals = try String(contentsOf: dir.file("public.json"), encoding: .utf8)
        let expected = try fixture.circuit.publicSignals(inputJSON: input)
        try fixture.circuit.check(proofJSON: proof, publicJSON: signals, expected: expected)
        let wrong = Misbehavior.wrongProof.proof(proof)
        #expect(wrong != proof)
        #expect(throws: ProverNetError.self) {
            try fixture.circuit.check(proofJSON: wrong, publicJSON: signals, expected: expected)
        }
        #expect(Misbehavior.otherInput.proof(proof) == proof)
    }
}
