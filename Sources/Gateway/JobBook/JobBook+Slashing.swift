import Foundation
import ProverNetCore
import Store

/// What a slash was for.
public enum SlashKind: String, Sendable, Codable {
    /// A proof that does not verify against the job's statement (or an aggregate that does not verify).
    case invalidProof = "invalid-proof"
    /// The lease lapsed while the prover held the job.
    case lapsedLease = "lapsed-lease"
    /// The job was still held when its request's deadline passed.
    case pastDeadline = "past-deadline"
}

/// What a slash's ledger lines carry as evidence (their `note`, as JSON).
public struct SlashEvidence: Sendable, Codable, Equatable {
    public var kind: SlashKind
    public var `operator`: String
    public var prover: String
    public var job: String
    public var epoch: Int64
    public var leaseGrantedMillis: Int64
    public var leaseExpiresMillis: Int64
    public var atMillis: Int64
    public var bondUnits: Int64
    public var slashedUnits: Int64
    public var reason: String
    /// The SHA-256 (hex) of the proof found invalid (its JSON, or an aggregate's bytes).
    public var proofSHA256: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension JobBook {
    // MARK: Slashing

    /// Slashes the bond of `lease` on `job` for `kind`: its share of the bond (`SlashPolicy`), at most what the
    /// operator's stake still holds, moves from the operator's stake into the ledger (`stake:OP → slashed`), with
    /// the evidence. For a lapse of a job that is still open, `completerBasisPoints` of it is set aside for the
    /// prover that completes the job (`stake:OP → bounty:JOB`). The operator's stake in the book drops at once,
    /// and the operator is named in `slashedOperators` so that its registry is read again.
    mutating func slash(
        _ lease: Lease, job: Job, kind: SlashKind, reason: String, jobStaysOpen: Bool, proofSHA256: String? = nil,
        now: Int64
    ) -> BookActions {
        var actions = BookActions()
        guard let address = lease.bondOperator, lease.bond > .zero else { return actions }
        let basisPoints =
            kind == .invalidProof ? settings.slashes.invalidProofBasisPoints : settings.slashes.lapseBasisPoints
        let amount = min(SlashPolicy.share(basisPoints, of: lease.bond), operatorStakes[address] ?? .zero)
        guard amount > .zero else { return actions }
        let bounty =
            kind == .lapsedLease && jobStaysOpen
            ? SlashPolicy.share(settings.slashes.completerBasisPoints, of: amount) : .zero
        let evidence = SlashEvidence(
            kind: kind, operator: address, prover: lease.prover.rawValue, job: job.id.rawValue, epoch: lease.epoch,
            leaseGrantedMillis: lease.grantedMillis, leaseExpiresMillis: lease.expiresMillis, atMillis: now,
            bondUnits: lease.bond.units, slashedUnits: amount.units, reason: reason, proofSHA256: proofSHA256
        ).json
        if bounty > .zero {
            actions.changes.transfers.append(
                Transfer(
                    atMillis: now, reason: .bounty, from: .stake(address), to: .bounty(job.id), amount: bounty,
                    requestID: job.requestID, jobID: job.id, note: evidence))
            bounties[job.id, default: .zero] = bounties[job.id, default: .zero] + bounty
        }
        actions.changes.transfers.append(
            Transfer(
                atMillis: now, reason: .slash, from: .stake(address), to: .slashed, amount: amount - bounty,
                requestID: job.requestID, jobID: job.id, note: evidence))
        operatorStakes[address] = (operatorStakes[address] ?? .zero) - amount
        // Reputation counts a slash for cheating (an invalid proof) besides its rejection; a lapse's or a deadline's
        // slash is counted once, as the job it lost (a crash is not a lie: `docs/economics.md`, *Reputation*).
        if kind == .invalidProof {
            note(.slashed, prover: lease.prover, operatorAddress: address, job: job.id, now: now, into: &actions)
        }
        actions.slashedOperators.insert(address)
        return actions
    }

    /// Takes up the bounties read from the ledger at start (those of jobs the book holds).
    public mutating func loadBounties(_ stored: [JobID: Amount]) {
        for (job, amount) in stored where jobs[job] != nil { bounties[job] = amount }
    }

    /// Pays the bounty of a job, if a slash left one, to the prover that completed it.
    mutating func payBounty(_ job: Job, to prover: ProverID, now: Int64) -> [Transfer] {
        guard let bounty = bounties.removeValue(forKey: job.id), bounty > .zero else { return [] }
        return [
            Transfer(
                atMillis: now, reason: .bountyPaid, from: .bounty(job.id), to: .earnings(prover), amount: bounty,
                requestID: job.requestID, jobID: job.id, note: prover.rawValue)
        ]
    }

    /// Forfeits the bounties of a request's jobs that no one completed (the request ended): to slashed funds.
    mutating func forfeitBounties(of request: RequestID, now: Int64) -> [Transfer] {
        var transfers: [Transfer] = []
        for id in jobsOfRequest[request] ?? [] {
            guard let bounty = bounties.removeValue(forKey: id), bounty > .zero else { continue }
            transfers.append(
                Transfer(
                    atMillis: now, reason: .bountyForfeited, from: .bounty(id), to: .slashed, amount: bounty,
                    requestID: request, jobID: id, note: "the request ended before another prover completed the job"))
        }
        return transfers
    }
}
