import Foundation
import ProofSystems
import ProverNetCore
import Testing

@testable import ProverNode

/// The ways a test prover cheats, so that the gateway's tests can show it refuses them; the job's proof
/// system makes the bad proof or the other input.
@Suite struct MisbehaviorTests {
    @Test func otherInputProvesXPlusOneOrTheFirstNumberPlusOne() {
        let system = Groth16ProofSystem()
        let synthetic = Misbehavior.otherInput.input(#"{"y": 11, "x": "3"}"#, kind: .synthetic, system: system)
        #expect(synthetic == #"{"x":"4","y":11}"#)
        #expect(
            Misbehavior.otherInput.input(#"{"a": ["7", "8"], "b": 9}"#, kind: .circom, system: system)
                == #"{"a": ["8", "8"], "b": 9}"#)
        #expect(Misbehavior.otherInput.input(#"{"in": 41}"#, kind: .circom, system: system) == #"{"in": 42}"#)
        #expect(
            Misbehavior.otherInput.input(#"{"12": "x", "n": "5"}"#, kind: .circom, system: system)
                == #"{"12": "x", "n": "6"}"#)
        #expect(Misbehavior.wrongProof.input(#"{"x": "3"}"#, kind: .synthetic, system: system) == #"{"x": "3"}"#)
    }

    /// A declared job: the node sends its proof when the proof's public signals are the declared ones, and a
    /// statement mismatch with its own signals when they are not; a lying prover reports one either way.
    @Test func aProofOfOtherSignalsThanTheDeclaredOnesBecomesAStatementMismatch() throws {
        let declared = #"["33","3"]"#
        #expect(JobRunner.mismatch(declared: declared, proven: #"["33","3"]"#, misbehavior: nil) == nil)
        #expect(JobRunner.mismatch(declared: declared, proven: #"["34","3"]"#, misbehavior: nil) == #"["34","3"]"#)
        #expect(JobRunner.mismatch(declared: declared, proven: nil, misbehavior: nil) == nil)
        #expect(
            JobRunner.mismatch(declared: declared, proven: #"["33","3"]"#, misbehavior: .lieStatement)
                == #"["1","3"]"#)
        #expect(JobRunner.mismatch(declared: declared, proven: #"["33","3"]"#, misbehavior: .wrongProof) == nil)
    }

    @Test func aWrongProofParsesButDoesNotVerify() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 16, in: dir)
        let input = #"{"x": "2", "y": "3"}"#
        try Data(input.utf8).write(to: dir.file("input.json"))
        let system = Groth16ProofSystem()
        let output = try system.prove(
            WorkerPoolTests.task(zkey: fixture.zkey, constraints: 16, input: dir.file("input.json"))
        ) { _ in }
        let statement = try fixture.circuit.statement(inputJSON: input, index: nil)
        try fixture.circuit.verify(output.payload, statement: statement)
        let wrong = Misbehavior.wrongProof.payload(output.payload, system: system)
        #expect(wrong != output.payload)
        #expect(throws: Never.self) { try system.checkEncoding(wrong, limits: .default) }
        #expect(throws: ProverNetError.self) { try fixture.circuit.verify(wrong, statement: statement) }
        #expect(Misbehavior.otherInput.payload(output.payload, system: system) == output.payload)
    }
}
