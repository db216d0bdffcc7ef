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

    /// The metadata of an administrative change: the one-time code of the caller's authenticator.
    static func changeMetadata(otp: String) -> Metadata {
        var metadata = Metadata()
        metadata.addString(otp, forKey: "x-provernet-otp")
        return metadata
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
                lastSeen: p.lastSeenUnixMillis > 0 ? Date(unixMillis: p.lastSeenUnixMillis) : nil,
                reputation: p.reputation)
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
    /// Needs an admin key and `otp`, a current one-time code of its authenticator (each code is accepted
    /// once); without them the gateway answers `unauthenticated` or `permissionDenied`.
    public func allowProver(
        publicKey: [UInt8], name: String, otp: String
    ) async throws(ProverNetClientError) -> ProverID {
        guard publicKey.count == 32 else {
            throw .invalidArgument(
                name: "public key", value: "\(publicKey.count) bytes",
                reason: "must be a raw Ed25519 public key of 32 bytes")
        }
        var message = Provernet_V1_AllowProverRequest()
        message.publicKey = Data(publicKey)
        message.name = name
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("AllowProver") {
            try await admin.allowProver(sent, metadata: metadata, options: options)
        }
        return ProverID(response.proverID)
    }

    /// Takes a prover off the allowlist of a running gateway (`notFound` for one it does not know).
    public func revokeProver(_ id: ProverID, otp: String) async throws(ProverNetClientError) {
        var message = Provernet_V1_RevokeProverRequest()
        message.proverID = id.rawValue
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        _ = try await call("RevokeProver") { try await admin.revokeProver(sent, metadata: metadata, options: options) }
    }

    // MARK: Keys

    /// Makes an API key (admin, with a one-time code): its record, its secret (shown this once) and, for an
    /// admin key, its TOTP secret (base 32) and `otpauth://` URI.
    public func createKey(
        name: String, role: String, operatorAddress: String? = nil, expires: Date? = nil, otp: String
    ) async throws(ProverNetClientError) -> CreatedKey {
        var message = Provernet_V1_CreateKeyRequest()
        message.name = name
        message.role = role
        message.operatorAddress = operatorAddress ?? ""
        message.expiresUnixMillis = expires.map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("CreateKey") {
            try await admin.createKey(sent, metadata: metadata, options: options)
        }
        return CreatedKey(
            key: KeyListing(response.key), secret: response.secret,
            totpSecret: response.totpSecret.isEmpty ? nil : response.totpSecret,
            totpURI: response.totpUri.isEmpty ? nil : response.totpUri)
    }

    /// Every API key of the gateway (viewer or admin), never a secret.
    public func listKeys() async throws(ProverNetClientError) -> [KeyListing] {
        let (options, admin) = (unaryOptions, self.admin)
        let response = try await call("ListKeys") { try await admin.listKeys(.init(), options: options) }
        return response.keys.map(KeyListing.init)
    }

    /// Revokes an API key (admin, with a one-time code); it stops working at once, its open streams too.
    public func revokeKey(_ id: String, otp: String) async throws(ProverNetClientError) -> KeyListing {
        var message = Provernet_V1_RevokeKeyRequest()
        message.keyID = id
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("RevokeKey") {
            try await admin.revokeKey(sent, metadata: metadata, options: options)
        }
        return KeyListing(response.key)
    }

    /// A page of the audit log (admin): entries after `afterSeq`, and, with the first page, every signed head.
    public func auditPage(afterSeq: Int64, limit: Int = 1_000) async throws(ProverNetClientError) -> AuditPage {
        var message = Provernet_V1_ListAuditEntriesRequest()
        message.afterSeq = afterSeq
        message.limit = UInt32(clamping: limit)
        let (options, admin, sent) = (unaryOptions, self.admin, message)
        let response = try await call("ListAuditEntries") { try await admin.listAuditEntries(sent, options: options) }
        return AuditPage(
            entries: response.entries.map {
                AuditPage.Entry(
                    seq: $0.seq, unixMillis: $0.unixMillis, actor: $0.actor, action: $0.action, subject: $0.subject,
                    details: $0.details, detailsHash: $0.detailsHash, hash: $0.hash)
            },
            heads: response.heads.map {
                AuditPage.Head(
                    seq: $0.seq, hash: $0.hash, unixMillis: $0.unixMillis, signature: $0.signature,
                    publicKey: $0.publicKey)
            })
    }
}

/// An API key as the gateway lists it (never its secret).
public struct KeyListing: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var role: String
    public var operatorAddress: String?
    public var createdUnixMillis: Int64
    public var createdBy: String
    public var expiresUnixMillis: Int64?
    public var revokedUnixMillis: Int64?
    public var secondFactor: Bool

    init(_ k: Provernet_V1_KeyInfo) {
        id = k.keyID
        name = k.name
        role = k.role
        operatorAddress = k.operatorAddress.isEmpty ? nil : k.operatorAddress
        createdUnixMillis = k.createdUnixMillis
        createdBy = k.createdBy
        expiresUnixMillis = k.expiresUnixMillis == 0 ? nil : k.expiresUnixMillis
        revokedUnixMillis = k.revokedUnixMillis == 0 ? nil : k.revokedUnixMillis
        secondFactor = k.secondFactor
    }
}

/// A key just made: its secret and second factor are here once.
public struct CreatedKey: Sendable {
    public var key: KeyListing
    public var secret: String
    public var totpSecret: String?
    public var totpURI: String?
}

/// A page of a gateway's audit log, as its admin API gives it.
public struct AuditPage: Sendable {
    public struct Entry: Sendable {
        public var seq: Int64
        public var unixMillis: Int64
        public var actor: String
        public var action: String
        public var subject: String
        public var details: String
        public var detailsHash: String
        public var hash: String
    }
    public struct Head: Sendable {
        public var seq: Int64
        public var hash: String
        public var unixMillis: Int64
        public var signature: String
        public var publicKey: String
    }
    public var entries: [Entry]
    public var heads: [Head]
}
