import Foundation
import TestSupport
import Testing

/// `provernet snarkpack` as a user runs it: a development reference string, proofs from `circuit synth`
/// and `groth16 prove`, aggregation and verification, and the exit statuses of bad input.
@Suite struct SnarkPackCLITests {
    @Test func aggregateAndVerifyThroughTheCommandLine() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["circuit", "synth", "--constraints", "30", "--out", dir.path]).status == 0)
        // Three proofs of the same witness (Groth16 proofs are randomized, so they differ).
        for i in 1...3 {
            let prove = try CLI.run([
                "groth16", "prove", p("circuit.zkey"), p("witness.wtns"), p("proof\(i).json"), p("public\(i).json"),
            ])
            #expect(prove.status == 0, "\(prove.stderr)")
        }
        let setup = try CLI.run(["snarkpack", "setup", "-o", p("srs.bin"), "--max-proofs", "4"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stderr.contains("UNSAFE"))
        let aggregate = try CLI.run([
            "snarkpack", "aggregate", p("verification_key.json"), p("proof1.json"), p("proof2.json"), p("proof3.json"),
            "--public", p("public1.json"), p("public2.json"), p("public3.json"), "--srs", p("srs.bin"), "-o",
            p("aggregate.bin"),
        ])
        #expect(aggregate.status == 0, "\(aggregate.stderr)")
        let verify = try CLI.run([
            "snarkpack", "verify", p("verification_key.json"), p("public1.json"), p("public2.json"), p("public3.json"),
            p("aggregate.bin"), "--srs", p("srs.bin"),
        ])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")

        // A wrong public signal is invalid (1).
        try Data(#"["12345"]"#.utf8).write(to: dir.appendingPathComponent("wrong.json"))
        let invalid = try CLI.run([
            "snarkpack", "verify", p("verification_key.json"), p("public1.json"), p("wrong.json"), p("public3.json"),
            p("aggregate.bin"), "--srs", p("srs.bin"),
        ])
        #expect(invalid.status == 1)
        // Bad input (2), each with a one-line reason: a wrong count, a truncated aggregate, a missing SRS.
        let count = try CLI.run([
            "snarkpack", "verify", p("verification_key.json"), p("public1.json"), p("public2.json"), p("aggregate.bin"),
            "--srs", p("srs.bin"),
        ])
        #expect(count.status == 2)
        #expect(count.stderr.split(separator: "\n").count == 1)
        let bytes = try Data(contentsOf: dir.appendingPathComponent("aggregate.bin"))
        try bytes.prefix(100).write(to: dir.appendingPathComponent("short.bin"))
        let short = try CLI.run([
            "snarkpack", "verify", p("verification_key.json"), p("public1.json"), p("public2.json"), p("public3.json"),
            p("short.bin"), "--srs", p("srs.bin"),
        ])
        #expect(short.status == 2)
        #expect(short.stderr.contains("truncated"))
        let noSRS = try CLI.run([
            "snarkpack", "verify", p("verification_key.json"), p("public1.json"), p("public2.json"), p("public3.json"),
            p("aggregate.bin"), "--srs", p("absent.bin"),
        ])
        #expect(noSRS.status == 2)
        // An invalid proof is not aggregated (1).
        let bad = try CLI.run([
            "snarkpack", "aggregate", p("verification_key.json"), p("proof1.json"), p("proof2.json"),
            "--public", p("public1.json"), p("wrong.json"), "--srs", p("srs.bin"), "-o", p("bad.bin"),
        ])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("proof2.json"))
        // A missing ptau file is bad input.
        let srs = try CLI.run([
            "snarkpack", "srs", "--ptau", p("absent.ptau"), "--ptau", p("absent.ptau"), "-o", p("x.bin"),
        ])
        #expect(srs.status == 2)
    }
}
