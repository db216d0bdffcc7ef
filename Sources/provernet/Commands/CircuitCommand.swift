import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

struct CircuitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circuit", abstract: "Circuits for tests and benchmarks.",
        subcommands: [Synth.self, Register.self])

    struct Synth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a synthetic circuit of N constraints with its (UNSAFE, development) zkey, a witness and the verification key."
        )
        @Option(help: "The number of constraints (e.g. 65536 or 2^16).") var constraints: String
        @Option(help: "The output directory (created if needed).") var out: String
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func run() async throws {
            guard let n = BN254Bench.parseSize(constraints), n >= 1, n < 1 << 27 else {
                throw failure("--constraints \(constraints) is not a count between 1 and 2^27 − 1")
            }
            note("WARNING: \(DevelopmentSetup.warning)")
            try badInputExits {
                let dir = URL(commandLinePath: out)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                let (r1cs, witness) = SyntheticCircuit.make(constraints: n)
                let key = try DevelopmentSetup.setup(r1cs: r1cs, threads: threads)
                try R1CSFile(r1cs: r1cs).write(to: dir.appendingPathComponent("circuit.r1cs"))
                try ZKeyFile(provingKey: key).write(to: dir.appendingPathComponent("circuit.zkey"))
                try WitnessFile(values: witness).write(to: dir.appendingPathComponent("witness.wtns"))
                try key.verificationKey.writeSnarkjsJSON(to: dir.appendingPathComponent("verification_key.json"))
                note(
                    "wrote circuit.r1cs, circuit.zkey, witness.wtns, verification_key.json to \(dir.path) (\(n) constraints, domain \(key.domainSize))"
                )
            }
        }
    }
}
