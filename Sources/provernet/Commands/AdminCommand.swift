import ArgumentParser
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import Store

/// `provernet admin`: the first admin key (`init`, offline), API keys, the prover allowlist, listings of
/// provers, jobs and rounds, and the audit log, through `ProverNetClient` against the running gateway with
/// an API key; changes also need a one-time code. While no gateway runs on its data directory, the
/// allowlist is written to its database directly, under the directory's lock.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract:
            "Administer a gateway: API keys, the prover and operator allowlists, client credits and the ledger, listings of provers, jobs and rounds, the audit log.",
        subcommands: [
            AdminInitCommand.self, KeysCommand.self, OneTimeCodeCommand.self, AllowProver.self, RevokeProver.self,
            Provers.self, Jobs.self, Rounds.self, AuditCommand.self, AllowOperator.self, RevokeOperator.self,
            SetStake.self, Operators.self, Credit.self, Ledger.self, AdminSettleCommand.self, Slashes.self,
        ])

    struct AllowProver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow-prover",
            abstract: "Put a prover's public key on the allowlist (works while the gateway runs).",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The prover's Ed25519 public key, 64 hex digits (`provernet prover key` prints it).")
        var publicKey: String
        @Option(help: "A name for listings and logs.") var name: String = ""
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            guard let key = [UInt8](hex: publicKey.lowercased()), key.count == 32 else {
                throw failure("--public-key must be 64 hex digits (a raw Ed25519 public key), got '\(publicKey)'")
            }
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            let id = try await change.apply(
                offline: { store in
                    try await store.allowProver(
                        id: ProverAuthentication.proverID(publicKey: key), publicKeyHex: key.hex, name: name,
                        atMillis: Clock.nowMillis()
                    ).id
                },
                online: { client, code in try await client.allowProver(publicKey: key, name: name, otp: code) }
            )
            print("{\"prover_id\":\"\(id)\",\"allowed\":true}")
        }
    }

    struct RevokeProver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-prover", abstract: "Take a prover off the allowlist (by prover id).",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The prover id (hex SHA-256 of its public key).") var prover: String
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            let prover = ProverID(self.prover)
            _ = try await change.apply(
                offline: { store in try await store.revokeProver(id: prover) },
                online: { client, code in try await client.revokeProver(prover, otp: code) })
            print("{\"prover_id\":\"\(prover)\",\"allowed\":false}")
        }
    }

    struct Provers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the allowlisted provers and their records.")
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            let provers = try await gateway.withClient { client in try await client.listProvers() }
            for prover in provers {
                try ClientOutput.printJSON(AdminProverLine(prover))
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent jobs, or the jobs of one request.")
        @OptionGroup var gateway: ClientGatewayOptions
        @Option(help: "Only this request's jobs.") var request: RequestID?
        @Option(help: "At most this many.") var limit: Int = 100

        func run() async throws {
            let (request, limit) = (self.request, max(1, min(limit, 10_000)))
            let jobs = try await gateway.withClient { client in
                try await client.listJobs(request: request, limit: limit)
            }
            for j in jobs {
                try ClientOutput.printJSON(
                    AdminJobLine(
                        job: j.id.rawValue, state: j.state.rawValue, prover: j.prover?.rawValue ?? "",
                        epoch: Int64(j.epoch), attempts: Int64(j.attempts), price: "\(j.price)", jobClass: j.jobClass))
            }
        }
    }

    struct Rounds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the latest market rounds.")
        @OptionGroup var gateway: ClientGatewayOptions
        @Option(help: "At most this many.") var limit: Int = 20

        func run() async throws {
            let limit = max(1, min(limit, 10_000))
            let rounds = try await gateway.withClient { client in try await client.listRounds(limit: limit) }
            for r in rounds {
                try ClientOutput.printJSON(
                    AdminRoundLine(
                        round: Int64(r.id), jobClass: r.jobClass, atMillis: Int64(r.unixMillis), bids: Int64(r.bids),
                        asks: Int64(r.asks), jobsMatched: Int64(r.jobsMatched), welfare: Double(r.welfare),
                        surplus: Double(r.surplus)))
            }
        }
    }
}

/// One job of `admin jobs`, as one JSON line. As in every listing of the CLI, counts are JSON numbers and
/// amounts strings with fixed decimals.
struct AdminJobLine: Encodable {
    var job: String
    var state: String
    var prover: String
    var epoch: Int64
    var attempts: Int64
    var price: String
    var jobClass: String

    enum CodingKeys: String, CodingKey {
        case job, state, prover, epoch, attempts, price
        case jobClass = "class"
    }
}

/// One market round of `admin rounds`, as one JSON line (numbers as JSON numbers).
struct AdminRoundLine: Encodable {
    var round: Int64
    var jobClass: String
    var atMillis: Int64
    var bids: Int64
    var asks: Int64
    var jobsMatched: Int64
    /// The market's own measures, in floating point credits.
    var welfare: Double
    var surplus: Double

    enum CodingKeys: String, CodingKey {
        case round
        case jobClass = "class"
        case atMillis = "at_ms"
        case bids, asks
        case jobsMatched = "jobs_matched"
        case welfare, surplus
    }
}

/// One prover of `admin provers`, as one JSON line.
struct AdminProverLine: Encodable {
    var proverID: String
    var name: String
    var allowed: Bool
    var connected: Bool
    var slots: Int
    var running: Int
    var jobsVerified: UInt64
    var jobsRejected: UInt64
    var jobsFailed: UInt64
    var jobsLost: UInt64
    /// Fixed decimals, as every amount the CLI prints.
    var earned: String
    var reputation: Double

    enum CodingKeys: String, CodingKey {
        case proverID = "prover_id"
        case name, allowed, connected, slots, running
        case jobsVerified = "jobs_verified"
        case jobsRejected = "jobs_rejected"
        case jobsFailed = "jobs_failed"
        case jobsLost = "jobs_lost"
        case earned, reputation
    }

    init(_ p: ProverListing) {
        reputation = p.reputation
        proverID = p.id.rawValue
        name = p.name
        allowed = p.allowed
        connected = p.connected
        slots = p.slots
        running = p.running
        jobsVerified = p.jobsVerified
        jobsRejected = p.jobsRejected
        jobsFailed = p.jobsFailed
        jobsLost = p.jobsLost
        earned = p.earned.description
    }
}
