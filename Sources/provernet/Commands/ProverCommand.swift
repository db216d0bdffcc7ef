import ArgumentParser
import Foundation
import ProverNetCore
import ProverNetCrypto

/// `provernet prover`: run a prover node (the default), make or show its identity key, and the hidden
/// worker that proves one job in a child process.
struct ProverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prover",
        abstract: "Run a prover node that takes jobs from a gateway and proves them.",
        subcommands: [ProverRunCommand.self, ProverKeyCommand.self, ProverWorkerCommand.self],
        defaultSubcommand: ProverRunCommand.self
    )
}

/// `provernet prover key --key FILE`: creates the identity key if absent and prints what the gateway's
/// administrator needs to allowlist it.
struct ProverKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create the prover's Ed25519 identity key if absent, and print its public key and prover id.",
        discussion: """
            Prints {"public_key": "<hex>", "prover_id": "<hex>"}. The administrator allowlists the public key \
            with `provernet admin allow-prover --public-key HEX`.
            """)

    @Option(help: "The identity key file (64 hex digits; created with mode 0600 if absent).") var key: String

    func run() async throws {
        let identity = try badInputExits { try ProverIdentity.loadOrCreate(at: key) }
        writeLine(identityJSON(identity))
    }
}

/// `{"public_key": "<hex>", "prover_id": "<hex>"}`.
func identityJSON(_ identity: ProverIdentity) -> String {
    #"{"public_key": "\#(identity.publicKey.hex)", "prover_id": "\#(identity.proverID)"}"#
}

/// Writes a line to standard output at once (not buffered), so that a parent process reads it while this
/// one runs.
func writeLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
