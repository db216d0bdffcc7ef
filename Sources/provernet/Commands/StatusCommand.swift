import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore

/// `provernet status`: a request's state and its jobs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a request's state and its jobs.",
        discussion: "Exit status: 0 shown (whatever the state), 2 bad input or the gateway refused (with its reason).")
    @OptionGroup var connection: ClientGatewayOptions
    @Argument(help: "The request's id.") var request: RequestID
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() async throws {
        let status = try await connection.withClient { client in try await client.request(request) }
        if json {
            try ClientOutput.printJSON(StatusOutput(status))
            return
        }
        var lines = [
            "request  \(status.id)",
            "circuit  \(status.circuit)",
            "state    \(status.state.rawValue)\(status.reason.isEmpty ? "" : " (\(status.reason))")",
            "inputs   \(status.inputsVerified)/\(status.inputsTotal) verified"
                + (status.aggregate ? (status.aggregateProof != nil ? ", aggregated" : ", aggregate pending") : ""),
            "paid     \(status.paid)",
            "",
        ]
        let rows = status.jobs.map { job in
            [
                String(job.index), job.state.rawValue, job.prover.map { String($0.prefix(16)) } ?? "-",
                String(job.attempts),
                job.price.description, job.proof == nil ? "" : "yes",
            ]
        }
        lines += StatusCommand.table(header: ["JOB", "STATE", "PROVER", "FAILED", "PRICE", "PROOF"], rows: rows)
        print(lines.joined(separator: "\n"))
    }

    /// Left-aligned columns, two spaces apart.
    static func table(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    /// `status --json`: the request without its proofs (`provernet fetch` writes those).
    struct StatusOutput: Encodable {
        struct Job: Encodable {
            var index: Int
            var jobID: String
            var state: String
            var proverID: String?
            var attempts: Int
            /// Fixed decimals, as every amount the CLI prints.
            var price: String
            var hasProof: Bool

            enum CodingKeys: String, CodingKey {
                case index
                case jobID = "job_id"
                case state
                case proverID = "prover_id"
                case attempts, price
                case hasProof = "has_proof"
            }
        }

        var requestID: String
        var circuitID: String
        var state: String
        var reason: String
        var jobsTotal: Int
        var jobsVerified: Int
        /// Fixed decimals, as every amount the CLI prints.
        var paid: String
        var createdUnixMillis: Int64
        var finishedUnixMillis: Int64?
        var jobs: [Job]

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case circuitID = "circuit_id"
            case state, reason
            case jobsTotal = "jobs_total"
            case jobsVerified = "jobs_verified"
            case paid
            case createdUnixMillis = "created_unix_millis"
            case finishedUnixMillis = "finished_unix_millis"
            case jobs
        }

        init(_ status: RequestStatus) {
            func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
            requestID = status.id.rawValue
            circuitID = status.circuit.rawValue
            state = status.state.rawValue
            reason = status.reason
            jobsTotal = status.inputsTotal
            jobsVerified = status.inputsVerified
            paid = status.paid.description
            createdUnixMillis = millis(status.createdAt)
            finishedUnixMillis = status.finishedAt.map(millis)
            jobs = status.jobs.map {
                Job(
                    index: $0.index, jobID: $0.id.rawValue, state: $0.state.rawValue, proverID: $0.prover?.rawValue,
                    attempts: $0.attempts,
                    price: $0.price.description, hasProof: $0.proof != nil)
            }
        }
    }
}
