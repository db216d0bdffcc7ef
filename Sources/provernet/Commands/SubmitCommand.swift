import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetVerify

/// `provernet submit`: submits a request of one job per input.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a proof request: a registered circuit and its inputs, one job per input.",
        discussion: """
            Inputs are circom input JSON objects (for synthetic circuits {"x": "3", "y": "11"}): each --input file holds one,
            each --inputs file an array of them. Jobs are numbered from 0: the --input files in the order given, then the
            elements of the --inputs files.
            Prints {"request_id": …, "jobs": …}. Exit status: 0 submitted, 2 bad input or the gateway refused (with its reason).
            """)
    @OptionGroup var connection: ClientGatewayOptions
    @Option(help: "The circuit's id (from `provernet circuit register`).") var circuit: CircuitID
    @Option(help: "A JSON file holding one input object (repeatable).") var input: [String] = []
    @Option(help: "A JSON file holding an array of input objects (repeatable).") var inputs: [String] = []
    @Option(help: "Seconds from now in which the request must be done (default: the gateway's).") var deadlineSeconds:
        Int = 0
    @Option(
        parsing: .unconditional,
        help:
            "The most to pay for one job, in credits (default 100); a job costs at least the gateway's reserve price per unit of work (one 2^12 proof is one unit, 2^16 about 21): a lower price is refused with the least that could trade."
    )
    var maxPrice: String = "100"
    @Option(help: "How many provers prove each input at once (1…16); the first valid proof wins.") var redundancy: Int =
        1
    @Flag(help: "Aggregate the proofs (SnarkPack).") var aggregate = false
    @Flag(
        help:
            "Compute each input's public signals here (with the circuit's --wasm and --verification-key, as `wtns calculate` does) and declare them: the gateway then runs no witness for them. A false declaration fails the request, and you pay for the proof it caused."
    )
    var declareStatements = false
    @Option(help: "The circuit's witness generator (.wasm), for --declare-statements.") var wasm: String?
    @Option(
        help:
            "The circuit's verification key (snarkjs JSON, as `circuit register --verification-key` writes it), for --declare-statements."
    )
    var verificationKey: String?

    func run() async throws {
        let maxPrice = try badInputExits { try Amount.commandLine(self.maxPrice) }
        guard !input.isEmpty || !inputs.isEmpty else { throw failure("give at least one --input or --inputs file") }
        let texts = try badInputExits {
            try input.map { try RequestInputs.object(fileAt: URL(commandLinePath: $0)) }
                + inputs.flatMap { try RequestInputs.array(fileAt: URL(commandLinePath: $0)) }
        }
        var declared: [[String]?] = []
        if declareStatements {
            guard let wasm, let verificationKey else {
                throw failure("--declare-statements needs the circuit's --wasm and --verification-key")
            }
            declared = try badInputExits {
                let key = try String(contentsOf: URL(commandLinePath: verificationKey), encoding: .utf8)
                return try DeclaredStatements.publicSignals(
                    of: texts, kind: .circom, wasm: URL(commandLinePath: wasm), verificationKeyJSON: key
                ).map { $0 }
            }
        }
        let statements = declared
        let request = try await connection.withClient { client in
            try await client.submit(
                circuit: circuit, inputs: texts, deadlineSeconds: deadlineSeconds, maxPricePerJob: maxPrice,
                redundancy: redundancy, aggregate: aggregate, declaredStatements: statements)
        }
        try ClientOutput.printJSON(SubmitOutput(requestID: request.id, jobs: request.jobs))
    }

    struct SubmitOutput: Encodable {
        var requestID: RequestID
        var jobs: Int

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case jobs
        }
    }
}
