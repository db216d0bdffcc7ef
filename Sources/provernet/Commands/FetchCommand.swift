import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore

/// `provernet fetch`: writes a request's proofs as snarkjs files.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a request's verified proofs into a directory as snarkjs files.",
        discussion: """
            Writes proof_N.json and public_N.json for the job at index N, verification_key.json, and request.json;
            for a request that asked for aggregation, also aggregate.bin (SnarkPack) and snarkpack_verifier_key.bin.
            Check them with `provernet verify DIR` or `snarkjs groth16 verify`.
            Prints {"request_id": …, "state": …, "directory": …, "proofs": …, "missing": […], "aggregate": …}.
            Exit status: 0 every job's proof (and the aggregate, if asked for) fetched, 1 some are missing (the others are written),
            2 bad input or the gateway refused (with its reason).
            """)
    @OptionGroup var connection: ClientGatewayOptions
    @Argument(help: "The request's id.") var request: RequestID
    @Option(help: "The directory to write into (created if needed).") var out: String

    func run() async throws {
        let directory = URL(commandLinePath: out)
        let result = try await connection.withClient { client in try await client.fetch(request, to: directory) }
        try ClientOutput.printJSON(
            FetchOutput(
                requestID: result.request, state: result.state.rawValue, directory: directory.path,
                proofs: result.written.count, missing: result.missing,
                aggregate: result.aggregateMissing
                    ? "missing"
                    : FileManager.default.fileExists(
                        atPath: directory.appendingPathComponent(FetchedProofs.aggregateFile).path) ? "written" : nil))
        if result.aggregateMissing, result.missing.isEmpty {
            throw failure(
                "every proof is fetched but the aggregate is not made yet (request \(result.state.rawValue))", code: 1)
        }
        if !result.isComplete {
            throw failure(
                "\(result.missing.count) of \(result.written.count + result.missing.count) jobs have no verified proof (request \(result.state.rawValue)): \(result.missing.map(String.init).joined(separator: ", "))",
                code: 1)
        }
    }

    struct FetchOutput: Encodable {
        var requestID: RequestID
        var state: String
        var directory: String
        var proofs: Int
        var missing: [Int]
        /// "written", "missing", or absent when the request did not ask for an aggregate.
        var aggregate: String?

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case state, directory, proofs, missing, aggregate
        }
    }
}
