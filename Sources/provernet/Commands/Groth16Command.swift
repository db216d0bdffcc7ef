import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

struct Groth16Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groth16",
        abstract: "Groth16 over BN254, compatible with snarkjs and rapidsnark.",
        subcommands: [Prove.self, FullProve.self, Verify.self, Setup.self]
    )

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove from a .zkey and a .wtns (as snarkjs groth16 prove).")
        @Argument(help: "The circuit's proving key (.zkey).") var zkey: String
        @Argument(help: "The witness (.wtns).") var witness: String
        @Argument(help: "Where to write the proof (snarkjs JSON).") var proof: String
        @Argument(help: "Where to write the public signals (JSON array).") var publicSignals: String
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func run() async throws {
            try badInputExits {
                let values = try WitnessFile(contentsOf: URL(commandLinePath: witness)).values
                try proveAndWrite(
                    zkey: zkey, witness: values, proof: proof, publicSignals: publicSignals, threads: threads)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a proof (as snarkjs groth16 verify).",
            discussion: "Exit status: 0 valid, 1 invalid, 2 bad input; a one-line reason otherwise.")
        @Argument(help: "The verification key (snarkjs JSON).") var verificationKey: String
        @Argument(help: "The public signals (JSON array).") var publicSignals: String
        @Argument(help: "The proof (snarkjs JSON).") var proof: String

        func run() async throws {
            let valid = try badInputExits {
                let key = try VerificationKey(snarkjsJSONContentsOf: URL(commandLinePath: verificationKey))
                let signals = try PublicSignals.read(URL(commandLinePath: publicSignals))
                let p = try Proof(snarkjsJSONContentsOf: URL(commandLinePath: proof))
                return try Verifier.verify(key: key, publicSignals: signals, proof: p)
            }
            if valid {
                print("OK: the proof is valid")
            } else {
                print("INVALID: the pairing equation does not hold for this proof and these public signals")
                throw ExitCode(1)
            }
        }
    }

    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "UNSAFE development setup: a .zkey for any .r1cs, with random, discarded toxic waste.",
            discussion: "Never use its keys in production: use a ceremony's zkey (snarkjs powers of tau and phase 2).")
        @Argument(help: "The circuit (.r1cs).") var r1cs: String
        @Argument(help: "Where to write the proving key (.zkey).") var zkey: String
        @Option(help: "Also write the verification key (snarkjs JSON) here.") var verificationKey: String?
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func run() async throws {
            note("WARNING: \(DevelopmentSetup.warning)")
            try badInputExits {
                let circuit = try R1CSFile(contentsOf: URL(commandLinePath: r1cs)).r1cs
                let key = try DevelopmentSetup.setup(r1cs: circuit, threads: threads)
                try ZKeyFile(provingKey: key).write(to: URL(commandLinePath: zkey))
                if let path = verificationKey {
                    try key.verificationKey.writeSnarkjsJSON(to: URL(commandLinePath: path))
                }
            }
        }
    }
}
