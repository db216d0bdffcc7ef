import Crypto
import Foundation
import ProverNetCore

/// Walks an audit log from its first entry: every entry must be numbered in turn, its details must hash to
/// `detailsHash`, and its hash must chain from the one before; every signed head must carry a valid
/// signature of the gateway's key and match the chain at its entry. The first break is named.
public enum AuditVerifier {
    /// What a walk found.
    public enum Verdict: Sendable, Equatable, CustomStringConvertible {
        /// Every entry chains; `signedThrough` is the last entry a signed head covers (0: none).
        case intact(entries: Int64, heads: Int, signedThrough: Int64)
        /// The log is broken at entry `seq`.
        case broken(seq: Int64, reason: String)

        public var description: String {
            switch self {
            case .intact(let entries, let heads, let signed):
                let unsigned = entries - signed
                return "intact: \(entries) entries, \(heads) signed heads"
                    + (unsigned > 0 ? "; the last \(unsigned) entries are not covered by a signed head yet" : "")
            case .broken(let seq, let reason): return "broken at entry \(seq): \(reason)"
            }
        }
    }

    /// Checks `entries` (in the order of their sequence numbers, as the store reads them) and `heads`
    /// against the gateway's public key (raw 32-byte Ed25519).
    public static func verify(entries: [AuditEntry], heads: [AuditHead], publicKey: [UInt8]) -> Verdict {
        var previous = AuditChain.genesis
        var hashes: [Int64: String] = [:]
        var expected: Int64 = 1
        for entry in entries {
            guard entry.seq == expected else {
                if entry.seq > expected {
                    return .broken(
                        seq: expected, reason: "it was removed (the entry after \(expected - 1) is \(entry.seq))")
                }
                return .broken(seq: entry.seq, reason: "it appears twice or out of order")
            }
            guard AuditChain.detailsHash(entry.details) == entry.detailsHash else {
                return .broken(seq: entry.seq, reason: "its details were changed (they no longer match their hash)")
            }
            guard AuditChain.expectedHash(of: entry, previous: previous) == entry.hash else {
                return .broken(
                    seq: entry.seq,
                    reason: "it was changed, inserted or moved (its hash does not chain from the entry before)")
            }
            hashes[entry.seq] = entry.hash
            previous = entry.hash
            expected += 1
        }
        let last = expected - 1
        let key: Curve25519.Signing.PublicKey
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        } catch {
            return .broken(seq: 0, reason: "the gateway's public key is not an Ed25519 key: \(error)")
        }
        var signedThrough: Int64 = 0
        for head in heads {
            guard let signature = [UInt8](hex: head.signature),
                key.isValidSignature(signature, for: AuditChain.headMessage(seq: head.seq, hash: head.hash))
            else {
                return .broken(
                    seq: head.seq, reason: "the signed head at this entry is not signed by the gateway's key")
            }
            guard head.seq <= last else {
                return .broken(
                    seq: last + 1,
                    reason: "entries \(last + 1) to \(head.seq) were removed (a signed head covers entry \(head.seq))")
            }
            guard hashes[head.seq] == head.hash else {
                return .broken(
                    seq: head.seq, reason: "the chain was rewritten up to here (its hash is not the signed head's)")
            }
            signedThrough = max(signedThrough, head.seq)
        }
        return .intact(entries: last, heads: heads.count, signedThrough: signedThrough)
    }
}
