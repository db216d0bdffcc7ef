import Foundation
import ProverNetCore

/// One fact about a prover's work that reputation counts (`docs/economics.md`, *Reputation*), kept in the
/// `reputation_event` table (migration `v10-reputation`) in the transaction of the change it records, so that
/// every prover's and operator's reputation can be computed again from the records alone.
public struct ReputationEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A proof verified within the time its prover announced for the job's class.
        case onTime = "on-time"
        /// A proof verified, but later than its prover announced.
        case late
        /// A proof that did not verify.
        case rejected
        /// A failure the prover reported.
        case failed
        /// A lease lost: the prover disappeared with the job, or still held it at its request's deadline.
        case lost
        /// A slash of the prover's operator's stake for this prover's fault (counted besides the fault itself).
        case slashed
    }

    public var prover: ProverID
    /// The operator whose prover it was (lowercased address), if any: the operator's reputation counts it.
    public var operatorAddress: String?
    public var kind: Kind
    public var atMillis: Int64
    public var jobID: JobID?

    public init(prover: ProverID, operatorAddress: String?, kind: Kind, atMillis: Int64, jobID: JobID? = nil) {
        self.prover = prover
        self.operatorAddress = operatorAddress?.lowercased()
        self.kind = kind
        self.atMillis = atMillis
        self.jobID = jobID
    }
}

/// A prover's (or an operator's) record as running sums of its events, each weighted by
/// 2^−(age / half-life): decayed to `atMillis`, the time of the latest event added. Adding an event decays the
/// sums to its time first, so the sums after a sequence of events depend only on the events (in order): the
/// job book keeps them updated by each event, in O(1), and the same fold over the stored events gives the same
/// numbers (`ReputationRecord(events:halfLifeMillis:)`).
public struct ReputationRecord: Sendable, Equatable {
    /// Verified proofs (on time or late).
    public var delivered = 0.0
    /// Verified proofs delivered within their prover's announced time.
    public var onTime = 0.0
    /// Proofs that did not verify.
    public var rejected = 0.0
    /// Failures reported.
    public var failed = 0.0
    /// Leases lost.
    public var lost = 0.0
    /// Slashes.
    public var slashes = 0.0
    /// The time the sums are decayed to.
    public var atMillis: Int64 = 0

    public init() {}

    /// The fold of `events` (in order) with the given half-life.
    public init(events: some Sequence<ReputationEvent>, halfLifeMillis: Int64) {
        for event in events { add(event.kind, atMillis: event.atMillis, halfLifeMillis: halfLifeMillis) }
    }

    /// The factor by which a weight falls from `atMillis` to `now`: 2^−(Δt / half-life), 1 for a time not
    /// after `atMillis` (a clock that went back does not make old events weigh more).
    public static func decay(from atMillis: Int64, to now: Int64, halfLifeMillis: Int64) -> Double {
        guard now > atMillis, halfLifeMillis > 0 else { return 1 }
        return exp2(-Double(now - atMillis) / Double(halfLifeMillis))
    }

    /// The sums decayed to `now` (unchanged if `now` is not later).
    public func decayed(to now: Int64, halfLifeMillis: Int64) -> ReputationRecord {
        guard now > atMillis else { return self }
        let factor = Self.decay(from: atMillis, to: now, halfLifeMillis: halfLifeMillis)
        var record = self
        record.delivered *= factor
        record.onTime *= factor
        record.rejected *= factor
        record.failed *= factor
        record.lost *= factor
        record.slashes *= factor
        record.atMillis = now
        return record
    }

    /// Decays the sums to `atMillis`, then counts one event of `kind` at full weight.
    public mutating func add(_ kind: ReputationEvent.Kind, atMillis: Int64, halfLifeMillis: Int64) {
        self = decayed(to: atMillis, halfLifeMillis: halfLifeMillis)
        switch kind {
        case .onTime:
            delivered += 1
            onTime += 1
        case .late: delivered += 1
        case .rejected: rejected += 1
        case .failed: failed += 1
        case .lost: lost += 1
        case .slashed: slashes += 1
        }
    }
}
