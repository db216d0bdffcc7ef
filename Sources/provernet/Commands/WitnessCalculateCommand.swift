import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

extension WtnsCommand {
    struct Calculate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Compute a witness by running a circom .wasm witness generator on an input JSON (as snarkjs wtns calculate)."
        )
        @Argument(help: "The circuit's witness generator (.wasm, circom 2.x or circom 1).") var wasm: String
        @Argument(help: "The circuit's input (circom input JSON).") var input: String
        @Argument(help: "Where to write the witness (.wtns).") var witness: String

        func run() async throws {
            try badInputExits {
                let values = try calculateWitness(wasm: wasm, input: input)
                try WitnessFile(values: values).write(to: URL(commandLinePath: witness))
            }
        }
    }
}

extension Groth16Command {
    struct FullProve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fullprove",
            abstract: "Compute the witness and prove in one step (as snarkjs groth16 fullprove).")
        @Argument(help: "The circuit's input (circom input JSON).") var input: String
        @Argument(help: "The circuit's witness generator (.wasm).") var wasm: String
        @Argument(help: "The circuit's proving key (.zkey).") var zkey: String
        @Argument(help: "Where to write the proof (snarkjs JSON).") var proof: String
        @Argument(help: "Where to write the public signals (JSON array).") var publicSignals: String
        @Option(help: "Threads (default: all cores).") var threads: Int = MSM.defaultThreads

        func run() async throws {
            try badInputExits {
                let values = try calculateWitness(wasm: wasm, input: input)
                try proveAndWrite(
                    zkey: zkey, witness: values, proof: proof, publicSignals: publicSignals, threads: threads)
            }
        }
    }
}
