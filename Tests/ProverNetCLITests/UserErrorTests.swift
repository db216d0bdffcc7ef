import Foundation
import TestSupport
import Testing

/// What a new user meets off the demo path (issue 19): each bad input gets a message that names the problem
/// and exit status 2 (ArgumentParser's own usage errors: its status), never a raw Foundation error dump.
@Suite struct UserErrorTests {
    @Test func devnetChecksItsInputsBeforeItStartsAnything() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        try Data("(module)".utf8).write(to: URL(fileURLWithPath: p("c.wasm")))
        try Data("zkey".utf8).write(to: URL(fileURLWithPath: p("c.zkey")))
        try Data("[{\"a\": 1},\n {\"a\": 2,}]".utf8).write(to: URL(fileURLWithPath: p("bad.json")))
        let network = p("net")
        let own = ["devnet", "--dir", network, "--wasm", p("c.wasm"), "--zkey", p("c.zkey"), "--exit-when-done"]

        let missing = try CLI.run(own + ["--inputs", p("nope.json")])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("\(p("nope.json")): no such file"), "\(missing.stderr)")

        let badJSON = try CLI.run(own + ["--inputs", p("bad.json")])
        #expect(badJSON.status == 2)
        #expect(
            badJSON.stderr.contains(p("bad.json")) && badJSON.stderr.contains("line 2, column"), "\(badJSON.stderr)")

        let noWasm = try CLI.run([
            "devnet", "--dir", network, "--wasm", p("none.wasm"), "--zkey", p("c.zkey"),
            "--inputs", p("bad.json"),
        ])
        #expect(noWasm.status == 2 && noWasm.stderr.contains("--wasm \(p("none.wasm")): no such file"))

        for run in [missing, badJSON, noWasm] {
            #expect(!run.stderr.contains("NSCocoaErrorDomain") && !run.stdout.contains("NSCocoaErrorDomain"))
        }
        // Nothing was started: no gateway directory was made.
        #expect(!FileManager.default.fileExists(atPath: network))
    }

    @Test func devnetReadsItsInputsFromAPipe() throws {
        // As `--inputs <(…)` hands it: a path that is a pipe, readable once. A wrong object in it is reported
        // before anything starts, which shows that it was read.
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        try Data("(module)".utf8).write(to: URL(fileURLWithPath: p("c.wasm")))
        try Data("zkey".utf8).write(to: URL(fileURLWithPath: p("c.zkey")))
        let run = try CLI.run(
            ["devnet", "--dir", p("net"), "--wasm", p("c.wasm"), "--zkey", p("c.zkey"), "--inputs", "/dev/stdin"],
            stdin: "[3]")
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("element 0 of /dev/stdin is a JSON number"), "\(run.stderr)")
    }

    @Test func negativeNumbersAreOutOfRangeNotMissing() throws {
        for arguments in [
            ["submit", "--gateway", "127.0.0.1:1", "--circuit", "c", "--input", "x.json", "--max-price", "-5"],
            ["devnet", "--max-price", "-5"],
        ] {
            let run = try CLI.run(arguments)
            #expect(run.status == 2)
            #expect(run.stderr.contains("-5 is out of range"), "\(run.stderr)")
            #expect(!run.stderr.contains("Missing value"), "\(run.stderr)")
        }
        let words = try CLI.run(["devnet", "--max-price", "cheap"])
        #expect(words.status == 2 && words.stderr.contains("'cheap' is not an amount"), "\(words.stderr)")
    }

    @Test func groth16VerifyOfAMissingFileNamesTheFile() throws {
        let run = try CLI.run(["groth16", "verify", "nope.json", "public.json", "proof.json"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("nope.json") && run.stderr.contains("no such file"), "\(run.stderr)")
        #expect(!run.stderr.contains("NSCocoaErrorDomain") && !run.stderr.contains("Error Domain"), "\(run.stderr)")
    }

    @Test func devnetHelpSaysWhatItAccepts() throws {
        let help = try CLI.run(["devnet", "--help"])
        #expect(help.stdout.contains("1 to 32"))
        #expect(!help.stdout.contains("at least 2"))
    }

    @Test func theTLSServerNameMustBeADNSName() throws {
        let run = try CLI.run(["admin", "provers", "--gateway", "127.0.0.1:7443", "--tls-server-name", "10.0.0.1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--tls-server-name 10.0.0.1: not a DNS name"), "\(run.stderr)")
    }
}

/// The slasher key's flags are checked before the gateway starts: only with operator sets, a key file that holds
/// a key, a keystore only with its password.
@Suite struct SlasherKeyErrorTests {
    @Test func aSlasherKeyNeedsOperatorSetsAKeyAndAKeystoresPassword() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: p("bad.key")))
        try Data(#"{"version": 3, "crypto": {}}"#.utf8).write(to: URL(fileURLWithPath: p("keystore.json")))
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: p("password")))
        let address = { (digit: String) in "0x" + String(repeating: digit, count: 40) }
        let chain = [
            "--operator-registry", "eigenlayer", "--eth-rpc", "http://127.0.0.1:1", "--delegation-manager",
            address("1"), "--avs", address("2"), "--strategy", address("3"),
        ]
        let gateway = ["gateway", "--data-dir", p("gw"), "--dev-tls", "--port", "0"]
        let sets = ["--allocation-manager", address("4"), "--operator-set-id", "1"]

        let standalone = try CLI.run(gateway + ["--slasher-key", p("bad.key")])
        #expect(standalone.status != 0 && standalone.stderr.contains("operator sets"), "\(standalone.stderr)")
        let directory = try CLI.run(
            gateway + chain + ["--avs-directory", address("5"), "--slasher-key", p("bad.key")])
        #expect(directory.status != 0 && directory.stderr.contains("operator sets"), "\(directory.stderr)")
        let badKey = try CLI.run(gateway + chain + sets + ["--slasher-key", p("bad.key")])
        #expect(
            badKey.status != 0 && badKey.stderr.contains("does not hold a secp256k1 private key"), "\(badKey.stderr)")
        let missing = try CLI.run(gateway + chain + sets + ["--slasher-key", p("none.key")])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read"), "\(missing.stderr)")
        let noPassword = try CLI.run(gateway + chain + sets + ["--slasher-key", p("keystore.json")])
        #expect(
            noPassword.status != 0 && noPassword.stderr.contains("--slasher-keystore-password-file"),
            "\(noPassword.stderr)")
        let badKeystore = try CLI.run(
            gateway + chain + sets + [
                "--slasher-key", p("keystore.json"), "--slasher-keystore-password-file", p("password"),
            ])
        #expect(
            badKeystore.status != 0 && badKeystore.stderr.contains("gateway.slasherKey \(p("keystore.json"))"),
            "\(badKeystore.stderr)")
        let veto = try CLI.run(
            gateway + chain + sets + ["--slasher-key", p("bad.key"), "--slash-veto-seconds", "-1"])
        #expect(veto.status != 0 && veto.stderr.contains("slashVetoSeconds"), "\(veto.stderr)")
    }
}
