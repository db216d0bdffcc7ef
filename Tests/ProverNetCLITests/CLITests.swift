import Foundation
import TestSupport
import Testing

/// Runs the real `provernet` binary, as a user would, and checks exit statuses and outputs.
struct CLI {
    static let binary: URL = BuiltBinary.provernet

    typealias Result = CommandRun

    /// Runs the binary to its end (output to files, so a chatty run cannot block on a full pipe).
    static func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        try CommandRun.run(binary, arguments, stdin: stdin)
    }

    static func scratchDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let testdata: URL = SharedTestData.root
}

@Suite struct CLITests {
    @Test func marketClearReadsARoundAndRejectsMalformedInput() throws {
        let round = """
            { "class": "groth16-bn254/2^16", "bondPerJob": 5.0, "minReputation": 0.5,
              "bids": [ { "id": "req-1", "jobs": 4, "value": 10.0, "deadlineSeconds": 120 } ],
              "asks": [ { "id": "prover-a", "slots": 8, "cost": 0.8, "secondsPerJob": 30, "reputation": 0.97, "stakeHeadroom": 100.0 } ] }
            """
        let ok = try CLI.run(["market", "clear"], stdin: round)
        #expect(ok.status == 0)
        let outcome = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any]
        #expect(outcome?["assignments"] != nil && outcome?["welfare"] != nil)
        let bad = try CLI.run(
            ["market", "clear"], stdin: round.replacingOccurrences(of: "\"jobs\": 4", with: "\"jobs\": -4"))
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("req-1"))
    }

    @Test func syntheticCircuitProvesAndVerifiesThroughTheCommandLine() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        let synth = try CLI.run(["circuit", "synth", "--constraints", "200", "--out", dir.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(synth.stderr.contains("UNSAFE"))
        #expect(try CLI.run(["wtns", "check", p("circuit.r1cs"), p("witness.wtns")]).status == 0)
        let prove = try CLI.run([
            "groth16", "prove", p("circuit.zkey"), p("witness.wtns"), p("proof.json"), p("public.json"),
        ])
        #expect(prove.status == 0, "\(prove.stderr)")
        #expect(
            try CLI.run(["groth16", "verify", p("verification_key.json"), p("public.json"), p("proof.json")]).status
                == 0)
        // The key exported from the zkey is the same key.
        #expect(try CLI.run(["zkey", "export", "verificationkey", p("circuit.zkey"), p("vk2.json")]).status == 0)
        #expect(try CLI.run(["groth16", "verify", p("vk2.json"), p("public.json"), p("proof.json")]).status == 0)
        // A wrong public signal is invalid (1); a missing file or a signal ≥ r is bad input (2).
        try Data(#"["12345"]"#.utf8).write(to: dir.appendingPathComponent("wrong.json"))
        let invalid = try CLI.run(["groth16", "verify", p("verification_key.json"), p("wrong.json"), p("proof.json")])
        #expect(invalid.status == 1)
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
        try Data("[\"\(r)\"]".utf8).write(to: dir.appendingPathComponent("big.json"))
        let tooBig = try CLI.run(["groth16", "verify", p("verification_key.json"), p("big.json"), p("proof.json")])
        #expect(tooBig.status == 2)
        #expect(tooBig.stderr.split(separator: "\n").count == 1)
        #expect(
            try CLI.run(["groth16", "verify", p("verification_key.json"), p("absent.json"), p("proof.json")]).status
                == 2)
        let calldata = try CLI.run(["zkey", "export", "soliditycalldata", p("public.json"), p("proof.json")])
        #expect(calldata.status == 0 && calldata.stdout.hasPrefix("[\"0x"))
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func snarkjsProofVerifiesWithTheKeyExportedFromItsZkey() throws {
        let set = CLI.testdata.appendingPathComponent("snarkjs-groth16")
        guard FileManager.default.fileExists(atPath: set.path) else {
            print("SKIPPED: \(set.path) is absent")
            return
        }
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vk = dir.appendingPathComponent("vk.json").path
        #expect(
            try CLI.run(["zkey", "export", "verificationkey", set.appendingPathComponent("circuit.zkey").path, vk])
                .status == 0)
        let verify = try CLI.run([
            "groth16", "verify", vk, set.appendingPathComponent("public.json").path,
            set.appendingPathComponent("proof.json").path,
        ])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let check = try CLI.run([
            "wtns", "check", set.appendingPathComponent("circuit.r1cs").path,
            set.appendingPathComponent("witness.wtns").path,
        ])
        #expect(check.status == 0)
    }

    @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
    func witnessCalculationAndFullProveMatchSnarkjs() throws {
        let set = CLI.testdata.appendingPathComponent("snarkjs-circom2-wasm")
        guard FileManager.default.fileExists(atPath: set.path) else {
            print("SKIPPED: \(set.path) is absent")
            return
        }
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wtns = dir.appendingPathComponent("w.wtns")
        let calc = try CLI.run([
            "wtns", "calculate", set.appendingPathComponent("circuit.wasm").path,
            set.appendingPathComponent("input.json").path, wtns.path,
        ])
        #expect(calc.status == 0, "\(calc.stderr)")
        #expect(try Data(contentsOf: wtns) == Data(contentsOf: set.appendingPathComponent("witness.wtns")))
        #expect(try CLI.run(["wtns", "check", set.appendingPathComponent("circuit.r1cs").path, wtns.path]).status == 0)
        // fullprove with a development key for this circuit, then verify.
        let zkey = dir.appendingPathComponent("c.zkey").path
        let vk = dir.appendingPathComponent("vk.json").path
        #expect(
            try CLI.run([
                "groth16", "setup", set.appendingPathComponent("circuit.r1cs").path, zkey, "--verification-key", vk,
            ]).status == 0)
        let proof = dir.appendingPathComponent("proof.json").path
        let pub = dir.appendingPathComponent("public.json").path
        let full = try CLI.run([
            "groth16", "fullprove", set.appendingPathComponent("input.json").path,
            set.appendingPathComponent("circuit.wasm").path, zkey, proof, pub,
        ])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(try CLI.run(["groth16", "verify", vk, pub, proof]).status == 0)
        // Bad input: a missing signal is a one-line error and exit status 2.
        try Data("{}".utf8).write(to: dir.appendingPathComponent("empty.json"))
        let missing = try CLI.run([
            "wtns", "calculate", set.appendingPathComponent("circuit.wasm").path,
            dir.appendingPathComponent("empty.json").path, wtns.path,
        ])
        #expect(missing.status == 2)
    }
}
