import BN254
import Circom
import Foundation
import Groth16
import ProverNetClient
import ProverNetCore
import ProverNetVerify
import TestSupport
import Testing

/// Real proofs of a small synthetic circuit, written the way `provernet fetch` writes them, then checked
/// the way `provernet verify` checks them: valid ones pass, tampered or missing ones are named.
@Suite struct FetchedProofsTests {
    /// A request of three jobs, each with a real proof of the synthetic circuit for its own (x, y).
    static let request: RequestStatus = {
        let constraints = 16
        let (r1cs, _) = SyntheticCircuit.make(constraints: constraints)
        guard let key = try? DevelopmentSetup.setup(r1cs: r1cs, threads: 2) else {
            preconditionFailure("the development setup failed on the synthetic circuit")
        }
        let jobs = (0..<3).map { index in
            let witness = SyntheticCircuit.witness(constraints: constraints, x: Fr(UInt64(3 + index)), y: Fr(11))
            guard let (proof, signals) = try? Prover.prove(key: key, witness: witness, threads: 2) else {
                preconditionFailure("proving the synthetic circuit failed")
            }
            return JobStatus(
                id: JobID("req-test/\(index)"), index: index, state: .verified, prover: "p", attempts: 1, price: 1,
                proof: JobProof(
                    proofJSON: String(decoding: proof.snarkjsJSON, as: UTF8.self),
                    publicJSON: String(decoding: PublicSignals.encode(signals), as: UTF8.self)))
        }
        return RequestStatus(
            id: "req-test", circuit: "c", state: .done, jobs: jobs,
            verificationKeyJSON: String(decoding: key.verificationKey.snarkjsJSON, as: UTF8.self))
    }()

    @Test func fetchedProofsVerify() throws {
        try withTemporaryDirectory { directory in
            let result = try FetchedProofs.write(Self.request, to: directory)
            #expect(result.written == [0, 1, 2])
            #expect(result.isComplete)
            for name in ["verification_key.json", "request.json", "proof_0.json", "public_2.json"] {
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path))
            }
            let verdict = try ProverNetClient.verifyFetched(at: directory)
            #expect(verdict.allValid)
            #expect(verdict.checks.map(\.index) == [0, 1, 2])
        }
    }

    @Test func publicSignalsOfAnotherJobAreReported() throws {
        try withTemporaryDirectory { directory in
            _ = try FetchedProofs.write(Self.request, to: directory)
            // Job 0's public signals are valid numbers, but not those that job 1's proof proves.
            try Data(contentsOf: directory.appendingPathComponent("public_0.json"))
                .write(to: directory.appendingPathComponent("public_1.json"))
            let verdict = try ProverNetClient.verifyFetched(at: directory)
            #expect(!verdict.allValid)
            #expect(verdict.failures.map(\.index) == [1])
            #expect(verdict.failures.first?.failure?.contains("does not verify") == true)
        }
    }

    @Test func tamperedProofIsReported() throws {
        try withTemporaryDirectory { directory in
            _ = try FetchedProofs.write(Self.request, to: directory)
            // A valid point from another proof: the file parses, the pairing equation fails.
            let proof2 = try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("proof_2.json")))
            let proof0 = try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("proof_0.json")))
            guard var tampered = proof2 as? [String: Any], let other = proof0 as? [String: Any] else {
                Issue.record("proof.json is not an object")
                return
            }
            tampered["pi_c"] = other["pi_c"]
            try JSONSerialization.data(withJSONObject: tampered).write(
                to: directory.appendingPathComponent("proof_2.json"))
            // And a point that is not on the curve at all.
            let text = try String(contentsOf: directory.appendingPathComponent("proof_1.json"), encoding: .utf8)
            guard let digit = text.firstRange(of: "\"1") else {
                Issue.record("no coordinate starting with 1 in proof_1.json")
                return
            }
            try text.replacingCharacters(in: digit, with: "\"2")
                .write(to: directory.appendingPathComponent("proof_1.json"), atomically: true, encoding: .utf8)

            let verdict = try ProverNetClient.verifyFetched(at: directory)
            #expect(verdict.failures.map(\.index) == [1, 2])
            #expect(verdict.checks[0].isValid)
        }
    }

    @Test func missingProofsAreReported() throws {
        var request = Self.request
        request.state = .proving
        request.jobs[2].state = .proving
        request.jobs[2].proof = nil
        try withTemporaryDirectory { directory in
            let result = try FetchedProofs.write(request, to: directory)
            #expect(result.written == [0, 1])
            #expect(result.missing == [2])
            #expect(!result.isComplete)
            try FileManager.default.removeItem(at: directory.appendingPathComponent("public_0.json"))
            let verdict = try ProverNetClient.verifyFetched(at: directory)
            #expect(verdict.failures.map(\.index) == [0, 2])
            #expect(verdict.failures.map(\.failure) == ["public_0.json is missing", "proof_2.json is missing"])
        }
    }

    @Test func aDirectoryWithoutKeyOrProofsIsBadInput() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: ProverNetClientError.self) { try ProverNetClient.verifyFetched(at: directory) }
            try Data(Self.request.verificationKeyJSON.utf8).write(
                to: directory.appendingPathComponent("verification_key.json"))
            #expect(
                throws: ProverNetClientError.fetchedDirectory(
                    path: directory.path, reason: "no proof_N.json files to verify")
            ) { try ProverNetClient.verifyFetched(at: directory) }
            try Data("{\"protocol\": \"plonk\"}".utf8).write(
                to: directory.appendingPathComponent("verification_key.json"))
            #expect(throws: ProverNetClientError.self) { try ProverNetClient.verifyFetched(at: directory) }
        }
        let nowhere = URL(fileURLWithPath: "/nonexistent/provernet-fetch")
        #expect(throws: ProverNetClientError.fetchedDirectory(path: nowhere.path, reason: "no such directory")) {
            try ProverNetClient.verifyFetched(at: nowhere)
        }
    }

    /// snarkjs's own proof, in a directory laid out by hand (no request.json): every proof_N.json present is checked.
    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata")) func snarkjsProofVerifiesWithoutManifest()
        throws
    {
        guard let zkey = SharedTestData.file("snarkjs-groth16/circuit.zkey"),
            let proof = SharedTestData.file("snarkjs-groth16/proof.json"),
            let signals = SharedTestData.file("snarkjs-groth16/public.json")
        else { return }
        let key = try ZKeyFile(contentsOf: zkey).provingKey.verificationKey
        try withTemporaryDirectory { directory in
            try key.writeSnarkjsJSON(to: directory.appendingPathComponent("verification_key.json"))
            try Data(contentsOf: proof).write(to: directory.appendingPathComponent("proof_7.json"))
            try Data(contentsOf: signals).write(to: directory.appendingPathComponent("public_7.json"))
            let verdict = try ProverNetClient.verifyFetched(at: directory)
            #expect(verdict.checks.map(\.index) == [7])
            #expect(verdict.allValid)
            // A public signal changed by one: still a number in the field, no longer what was proven.
            let values = try PublicSignals.read(signals)
            try PublicSignals.write(
                values.enumerated().map { $0.offset == 0 ? $0.element + .one : $0.element },
                to: directory.appendingPathComponent("public_7.json"))
            #expect(try ProverNetClient.verifyFetched(at: directory).failures.map(\.index) == [7])
        }
    }
}

/// Runs `body` with a fresh empty directory, removed afterwards.
func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("provernet-client-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}
