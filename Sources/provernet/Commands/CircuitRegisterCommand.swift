import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore

extension CircuitCommand {
    /// `provernet circuit register`: registers a circom circuit (wasm + zkey) or a synthetic one with a gateway.
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Register a circuit with a gateway: a circom circuit (--wasm and --zkey) or a synthetic one (--synthetic-constraints).",
            discussion: """
                Prints {"circuit_id": …, "proof_system": …, "public_signals": …, "constraints": …, "domain_size": …}. The same files always get the same id.
                Exit status: 0 registered, 2 bad input or the gateway refused (with its reason).
                """)
        @OptionGroup var connection: ClientGatewayOptions
        @Option(help: "A name for the circuit.") var name: String
        @Option(help: "The circom witness generator (.wasm).") var wasm: String?
        @Option(help: "The Groth16 proving key (.zkey).") var zkey: String?
        @Option(
            help:
                "A built-in synthetic circuit of this many constraints (e.g. 4096 or 2^12), whose UNSAFE development key the gateway makes."
        )
        var syntheticConstraints: String?
        @Option(help: "Also write the circuit's verification key (snarkjs JSON) here.") var verificationKey: String?

        func validate() throws {
            switch (wasm, zkey, syntheticConstraints) {
            case (.some, .some, nil), (nil, nil, .some): return
            default: throw ValidationError("give either --wasm and --zkey, or --synthetic-constraints")
            }
        }

        func run() async throws {
            var constraints: UInt64? = nil
            if let syntheticConstraints {
                guard let n = BN254Bench.parseSize(syntheticConstraints), n >= 1 else {
                    throw failure(
                        "--synthetic-constraints \(syntheticConstraints) is not a positive count (e.g. 4096 or 2^12)")
                }
                constraints = UInt64(n)
            }
            let circuit = try await connection.withClient { client in
                if let constraints {
                    return try await client.registerSyntheticCircuit(constraints: constraints, name: name)
                }
                guard let wasm, let zkey else { throw failure("give --wasm and --zkey") }
                return try await client.registerCircuit(
                    name: name, wasm: URL(commandLinePath: wasm), zkey: URL(commandLinePath: zkey))
            }
            if let verificationKey {
                try badInputExits {
                    try Data(circuit.verificationKeyJSON.utf8).write(to: URL(commandLinePath: verificationKey))
                }
            }
            try ClientOutput.printJSON(
                RegisterOutput(
                    circuitID: circuit.id, proofSystem: circuit.proofSystem, publicSignals: circuit.publicSignals,
                    constraints: circuit.constraints, domainSize: circuit.domainSize))
        }
    }

    struct RegisterOutput: Encodable {
        var circuitID: CircuitID
        var proofSystem: String
        var publicSignals: Int
        var constraints: UInt64
        /// The proving key's domain: the size of the work, which sets the job class.
        var domainSize: UInt64

        enum CodingKeys: String, CodingKey {
            case circuitID = "circuit_id"
            case proofSystem = "proof_system"
            case publicSignals = "public_signals"
            case constraints
            case domainSize = "domain_size"
        }
    }
}
