import Crypto
import Foundation
import ProverNetCore

/// One entry of the gateway's audit log: what happened (`action`), to what (`subject`), by whom (`actor`: a
/// prover, a client, an administrator, or the gateway itself), when, and the details (JSON) with their
/// hash. Each entry is chained to the one before it: `hash` is SHA-256 over the entry's fields and the
/// previous entry's hash, so that changing, removing, inserting or reordering any entry breaks the chain
/// from there on. Entries are appended in the same transaction as the change they record.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// 1, 2, 3, … without gaps.
    public var seq: Int64
    public var atMillis: Int64
    public var actor: String
    public var action: String
    public var subject: String
    /// The details as JSON (never a secret).
    public var details: String
    /// Lower-case hex SHA-256 of `details`.
    public var detailsHash: String
    /// Lower-case hex SHA-256 of this entry chained to the previous one (`AuditChain.hash`).
    public var hash: String

    public init(
        seq: Int64, atMillis: Int64, actor: String, action: String, subject: String, details: String,
        detailsHash: String, hash: String
    ) {
        self.seq = seq
        self.atMillis = atMillis
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
        self.detailsHash = detailsHash
        self.hash = hash
    }
}

/// An entry before it is chained: what a change records.
public struct AuditEvent: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var subject: String
    public var details: [String: String]

    public init(actor: String, action: String, subject: String, details: [String: String] = [:]) {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
    }
}

/// A signed head of the chain: the gateway's Ed25519 signature over an entry's sequence number and hash,
/// made every so many entries and at shutdown, so that cutting the log's tail is detectable too.
public struct AuditHead: Sendable, Equatable, Codable {
    public var seq: Int64
    public var hash: String
    public var atMillis: Int64
    /// Hex Ed25519 signature over `AuditChain.headMessage(seq:hash:)`.
    public var signature: String
    /// Hex Ed25519 public key of the gateway that signed.
    public var publicKey: String

    public init(seq: Int64, hash: String, atMillis: Int64, signature: String, publicKey: String) {
        self.seq = seq
        self.hash = hash
        self.atMillis = atMillis
        self.signature = signature
        self.publicKey = publicKey
    }
}

/// How entries are chained and heads are signed (format version 1). This is our own format: SHA-256 from
/// swift-crypto over fields separated by a byte no field may contain.
public enum AuditChain {
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of the details' JSON.
    public static func detailsHash(_ details: String) -> String { hex(SHA256.hash(data: Data(details.utf8))) }

    /// SHA-256 over the format's name, the entry's fields (the details by their hash) and `previous`, each
    /// followed by a 0x1F separator.
    public static func hash(
        seq: Int64, atMillis: Int64, actor: String, action: String, subject: String, detailsHash: String,
        previous: String
    ) -> String {
        var hasher = SHA256()
        for field in [
            "provernet-audit-v1", String(seq), String(atMillis), actor, action, subject, detailsHash, previous,
        ] {
            hasher.update(data: Data(field.utf8))
            hasher.update(data: Data([0x1F]))
        }
        return hex(hasher.finalize())
    }

    /// The entry's hash as it should be, given the previous entry's.
    public static func expectedHash(of entry: AuditEntry, previous: String) -> String {
        hash(
            seq: entry.seq, atMillis: entry.atMillis, actor: entry.actor, action: entry.action,
            subject: entry.subject, detailsHash: entry.detailsHash, previous: previous)
    }

    /// Chains `events` after the entry `last` (nil: the log is empty).
    public static func chain(_ events: [AuditEvent], after last: (seq: Int64, hash: String)?, atMillis: Int64)
        -> [AuditEntry]
    {
        var seq = last?.seq ?? 0
        var previous = last?.hash ?? genesis
        return events.map { event in
            seq += 1
            let details = canonicalJSON(event.details)
            let detailsHash = detailsHash(details)
            let hash = hash(
                seq: seq, atMillis: atMillis, actor: event.actor, action: event.action, subject: event.subject,
                detailsHash: detailsHash, previous: previous)
            previous = hash
            return AuditEntry(
                seq: seq, atMillis: atMillis, actor: event.actor, action: event.action, subject: event.subject,
                details: details, detailsHash: detailsHash, hash: hash)
        }
    }

    /// What a head's signature covers.
    public static func headMessage(seq: Int64, hash: String) -> Data {
        Data("provernet-audit-head-v1|\(seq)|\(hash)".utf8)
    }

    /// Signs the head at an entry with the gateway's key.
    public static func sign(seq: Int64, hash: String, atMillis: Int64, key: Curve25519.Signing.PrivateKey) throws
        -> AuditHead
    {
        let signature = try key.signature(for: headMessage(seq: seq, hash: hash))
        return AuditHead(
            seq: seq, hash: hash, atMillis: atMillis, signature: hex(signature),
            publicKey: hex(key.publicKey.rawRepresentation))
    }

    /// JSON with sorted keys: the same details always hash the same.
    static func canonicalJSON(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 { Array(bytes).hex }
}
