import ArgumentParser
import BN254
import Circom
import Foundation
import Groth16

struct WtnsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wtns", abstract: "Witnesses (.wtns).", subcommands: [Calculate.self, Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a witness against a circuit; names the first constraint it breaks.",
            discussion: "Exit status: 0 satisfied, 1 a constraint is broken, 2 bad input.")
        @Argument(help: "The circuit (.r1cs).") var r1cs: String
        @Argument(help: "The witness (.wtns).") var witness: String

        func run() async throws {
            let (circuit, values) = try badInputExits {
                (
                    try R1CSFile(contentsOf: URL(commandLinePath: r1cs)).r1cs,
                    try WitnessFile(contentsOf: URL(commandLinePath: witness)).values
                )
            }
            do {
                try circuit.check(witness: values)
                print("OK: the witness satisfies all \(circuit.constraints.count) constraints")
            } catch {
                if case .constraintNotSatisfied = error { throw failure("\(error)", code: 1) }
                throw failure("\(error)")
            }
        }
    }
}
