import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProofSystems
import ProverNetCore
import ProverNetCrypto
import Store
import SwiftProtobuf

/// `provernet admin`: the prover allowlist (written to the gateway's database directly, so no remote
/// caller can change it) and read-only listings over gRPC.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer a gateway: the prover allowlist, listings of provers, jobs and rounds.",
        subcommands: [AllowProver.self, RevokeProver.self, Provers.self, Jobs.self, Rounds.self])

    struct AllowProver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow-prover", abstract: "Put a prover's public key on the allowlist (works while the gateway runs).")
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The prover's Ed25519 public key, 64 hex digits (`provernet prover key` prints it).") var publicKey: String
        @Option(help: "A name for listings and logs.") var name: String = ""

        func run() async throws {
            guard let key = [UInt8](hex: publicKey.lowercased()), key.count == 32 else {
                throw failure("--public-key must be 64 hex digits (a raw Ed25519 public key), got '\(publicKey)'")
            }
            let store = try openStore(dataDir)
            let record = try await badInputExitsAsync {
                try await store.allowProver(
                    id: ProverAuthentication.proverID(publicKey: key), publicKeyHex: key.hex, name: name,
                    atMillis: Clock.nowMillis())
            }
            try? await store.close()
            print("{\"prover_id\":\"\(record.id)\",\"allowed\":true}")
        }
    }

    struct RevokeProver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-prover", abstract: "Take a prover off the allowlist (by prover id).")
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The prover id (hex SHA-256 of its public key).") var prover: String

        func run() async throws {
            let store = try openStore(dataDir)
            try await badInputExitsAsync { try await store.revokeProver(id: ProverID(prover)) }
            try? await store.close()
            print("{\"prover_id\":\"\(prover)\",\"allowed\":false}")
        }
    }

    struct Provers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the allowlisted provers and their records.")
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            let response = try await call { try await Provernet_V1_AdminService.Client(wrapping: $0).listProvers(.init()) }
            for p in response.provers {
                try ClientOutput.printJSON(AdminProverLine(p))
            }
        }

        func call<R: Sendable>(_ body: @Sendable @escaping (GRPCClient<HTTP2ClientTransportPosix>) async throws -> R) async throws -> R {
            try await adminCall(gateway, body)
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent jobs, or the jobs of one request.")
        @OptionGroup var gateway: ClientGatewayOptions
        @Option(help: "Only this request's jobs.") var request: String?
        @Option(help: "At most this many.") var limit: Int = 100

        func run() async throws {
            let request = self.request ?? ""
            let limit = UInt32(max(1, min(limit, 10_000)))
            let response = try await adminCall(gateway) { client in
                try await Provernet_V1_AdminService.Client(wrapping: client).listJobs(.with {
                    $0.requestID = request
                    $0.limit = limit
                })
            }
            for j in response.jobs {
                try ClientOutput.printJSON([
                    "job": j.jobID, "state": "\(j.state)", "prover": j.proverID, "epoch": "\(j.epoch)",
                    "attempts": "\(j.attempts)", "price": "\(j.price)", "class": j.jobClass,
                ])
            }
        }
    }

    struct Rounds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the latest market rounds.")
        @OptionGroup var gateway: ClientGatewayOptions
        @Option(help: "At most this many.") var limit: Int = 20

        func run() async throws {
            let limit = UInt32(max(1, min(limit, 10_000)))
            let response = try await adminCall(gateway) { client in
                try await Provernet_V1_AdminService.Client(wrapping: client).listRounds(.with { $0.limit = limit })
            }
            for r in response.rounds {
                try ClientOutput.printJSON([
                    "round": "\(r.roundID)", "class": r.jobClass, "at_ms": "\(r.unixMillis)", "bids": "\(r.bids)",
                    "asks": "\(r.asks)", "jobs_matched": "\(r.jobsMatched)", "welfare": "\(r.welfare)", "surplus": "\(r.surplus)",
                ])
            }
        }
    }
}

struct AdminProverLine: Encodable {
    var prover_id: String
    var name: String
    var allowed: Bool
    var connected: Bool
    var slots: UInt32
    var running: UInt32
    var jobs_verified: UInt64
    var jobs_rejected: UInt64
    var jobs_failed: UInt64
    var jobs_lost: UInt64
    var earned: Double

    init(_ p: Provernet_V1_ProverInfo) {
        prover_id = p.proverID
        name = p.name
        allowed = p.allowed
        connected = p.connected
        slots = p.slots
        running = p.running
        jobs_verified = p.jobsVerified
        jobs_rejected = p.jobsRejected
        jobs_failed = p.jobsFailed
        jobs_lost = p.jobsLost
        earned = p.earned
    }
}

typealias HTTP2ClientTransportPosix = HTTP2ClientTransport.Posix

/// Runs one admin call against the gateway.
func adminCall<R: Sendable>(
    _ options: ClientGatewayOptions, _ body: @Sendable @escaping (GRPCClient<HTTP2ClientTransportPosix>) async throws -> R
) async throws -> R {
    let endpoint = try options.endpoint()
    do {
        return try await withGRPCClient(transport: try endpoint.makeTransport()) { client in try await body(client) }
    } catch let error as RPCError {
        throw failure("\(error.code): \(error.message)")
    }
}

func openStore(_ dataDir: String) throws -> SQLiteStore {
    let path = (dataDir as NSString).appendingPathComponent("gateway.sqlite")
    guard FileManager.default.fileExists(atPath: path) else {
        throw failure("no gateway database at \(path) (start the gateway once with --data-dir \(dataDir))")
    }
    do {
        return try SQLiteStore(path: path)
    } catch {
        throw failure("\(error)")
    }
}
