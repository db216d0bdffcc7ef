import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

struct ZKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkey", abstract: "Proving keys (.zkey).", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export from a zkey or a proof.",
            subcommands: [VerificationKeyExport.self, SolidityCalldataExport.self])
    }

    struct VerificationKeyExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verificationkey", abstract: "Write the verification key of a .zkey as snarkjs JSON.")
        @Argument(help: "The proving key (.zkey).") var zkey: String
        @Argument(help: "Where to write the verification key.") var verificationKey: String

        func run() async throws {
            try badInputExits {
                let key = try ZKeyFile(contentsOf: URL(commandLinePath: zkey), options: .prover)
                try key.provingKey.verificationKey.writeSnarkjsJSON(to: URL(commandLinePath: verificationKey))
            }
        }
    }

    struct SolidityCalldataExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "soliditycalldata", abstract: "Print a proof and its public signals as Solidity calldata.")
        @Argument(help: "The public signals (JSON array).") var publicSignals: String
        @Argument(help: "The proof (snarkjs JSON).") var proof: String

        func run() async throws {
            let calldata = try badInputExits {
                let signals = try PublicSignals.read(URL(commandLinePath: publicSignals))
                let p = try Proof(snarkjsJSONContentsOf: URL(commandLinePath: proof))
                return SolidityCalldata.format(proof: p, publicSignals: signals)
            }
            print(calldata)
        }
    }
}
