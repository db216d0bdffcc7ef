import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetCore

extension ProverNetClient {
    /// The admin service over this client's connection.
    var admin: Provernet_V1_AdminService.Client<HTTP2ClientTransport.Posix> {
        Provernet_V1_AdminService.Client(wrapping: grpc)
    }

    /// The metadata that carries the gateway's local admin token.
    static func adminMetadata(_ token: String) -> Metadata {
        ["authorization": "Bearer \(token)"]
    }

    /// Every prover on the gateway's allowlist (and every one it has seen), with its record.
    public func listProvers() async throws(ProverNetClientError) -> [ProverListing] {
        let options = unaryOptions
        let admin = self.admin
        let response = try await call("ListProvers") { try await admin.listProvers(.init(), options: options) }
        return response.provers.map { p in
            ProverListing(
                id: ProverID(p.proverID), name: p.name, allowed: p.allowed, connected: p.connected, slots: Int(p.slots),
                running: Int(p.running), jobsVerified: p.jobsVerified, jobsRejected: p.jobsRejected,
                jobsFailed: p.jobsFailed, jobsLost: p.jobsLost, earned: Amount(units: p.earnedUnits),
                lastSeen: p.lastSeenUnixMillis > 0 ? Date(unixMillis: p.lastSeenUnixMillis) : nil)
        }
    }

    /// The most recent jobs (at most `limit`, 1 to 10,000), or the jobs of one request.
    public func listJobs(request: RequestID? = nil, limit: Int = 100) async throws(ProverNetClientError) -> [JobListing]
    {
        guard (1...10_000).contains(limit) else {
            throw .invalidArgument(name: "limit", value: "\(limit)", reason: "must be 1 to 10000")
        }
        var message = Provernet_V1_ListJobsRequest()
        message.requestID = request?.rawValue ?? ""
        message.limit = UInt32(limit)
        let (options, admin, sent) = (unaryOptions, self.admin, message)
        let response = try await call("ListJobs") { try await admin.listJobs(sent, options: options) }
        var jobs: [JobListing] = []
        for j in response.jobs {
            jobs.append(
                JobListing(
                    id: JobID(j.jobID), request: RequestID(j.requestID), index: Int(j.index),
                    state: try JobPhase(j.state, call: "ListJobs"),
                    prover: j.proverID.isEmpty ? nil : ProverID(j.proverID), epoch: j.epoch, attempts: Int(j.attempts),
                    price: Amount(units: j.priceUnits), jobClass: j.jobClass))
        }
        return jobs
    }

    /// The latest market rounds, at most `limit` (1 to 10,000).
    public func listRounds(limit: Int = 20) async throws(ProverNetClientError) -> [RoundListing] {
        guard (1...10_000).contains(limit) else {
            throw .invalidArgument(name: "limit", value: "\(limit)", reason: "must be 1 to 10000")
        }
        var message = Provernet_V1_ListRoundsRequest()
        message.limit = UInt32(limit)
        let (options, admin, sent) = (unaryOptions, self.admin, message)
        let response = try await call("ListRounds") { try await admin.listRounds(sent, options: options) }
        return response.rounds.map { r in
            RoundListing(
                id: r.roundID, jobClass: r.jobClass, unixMillis: r.unixMillis, bids: Int(r.bids), asks: Int(r.asks),
                jobsMatched: Int(r.jobsMatched), welfare: r.welfare, surplus: r.surplus)
        }
    }

    /// Puts a prover's Ed25519 public key (32 bytes) on the allowlist of a running gateway; returns its id.
    /// `adminToken` is the gateway's local admin token (`DATA_DIR/admin.token`, rewritten at each start);
    /// without the right one the gateway answers `unauthenticated` or `permissionDenied`.
    public func allowProver(
        publicKey: [UInt8], name: String, adminToken: String
    ) async throws(ProverNetClientError) -> ProverID {
        guard publicKey.count == 32 else {
            throw .invalidArgument(
                name: "public key", value: "\(publicKey.count) bytes",
                reason: "must be a raw Ed25519 public key of 32 bytes")
        }
        var message = Provernet_V1_AllowProverRequest()
        message.publicKey = Data(publicKey)
        message.name = name
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.adminMetadata(adminToken))
        let response = try await call("AllowProver") {
            try await admin.allowProver(sent, metadata: metadata, options: options)
        }
        return ProverID(response.proverID)
    }

    /// Takes a prover off the allowlist of a running gateway (`notFound` for one it does not know).
    public func revokeProver(_ id: ProverID, adminToken: String) async throws(ProverNetClientError) {
        var message = Provernet_V1_RevokeProverRequest()
        message.proverID = id.rawValue
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.adminMetadata(adminToken))
        _ = try await call("RevokeProver") { try await admin.revokeProver(sent, metadata: metadata, options: options) }
    }
}
