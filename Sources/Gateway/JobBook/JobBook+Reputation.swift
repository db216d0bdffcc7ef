import ProverNetCore
import Store

extension JobBook {
    // MARK: Reputation

    /// Counts an event in its prover's and its operator's records and writes it with the batch
    /// (`reputation_event`), so that the records can be folded again from the store.
    mutating func note(
        _ kind: ReputationEvent.Kind, prover: ProverID, operatorAddress: String?, job: JobID?, now: Int64,
        into actions: inout BookActions
    ) {
        let event = ReputationEvent(
            prover: prover, operatorAddress: operatorAddress, kind: kind, atMillis: now, jobID: job)
        reputationRecords.add(event, halfLifeMillis: settings.reputation.halfLifeMillis)
        actions.changes.reputation.append(event)
    }

    /// The operator a lease's events count for: the one its bond is locked from, else its prover's (if connected).
    func operatorOf(_ lease: Lease) -> String? {
        lease.bondOperator ?? provers[lease.prover]?.announcement.operatorAddress
    }

    /// A prover's reputation at `now` (a newcomer's if it has no record).
    public func reputation(of prover: ProverID, now: Int64) -> Double {
        settings.reputation.reputation(reputationRecords.provers[prover], now: now)
    }

    /// An operator's reputation at `now`, over all its provers' events.
    public func reputation(ofOperator address: String, now: Int64) -> Double {
        settings.reputation.reputation(reputationRecords.operators[address.lowercased()], now: now)
    }

    /// Takes up the reputation events read from the store at start, folded in their order.
    public mutating func loadReputation(_ events: [ReputationEvent]) {
        for event in events { reputationRecords.add(event, halfLifeMillis: settings.reputation.halfLifeMillis) }
    }
}

/// The records of provers and operators, folded from events.
public struct ReputationRecords: Sendable, Equatable {
    public var provers: [ProverID: ReputationRecord] = [:]
    public var operators: [String: ReputationRecord] = [:]

    public init(provers: [ProverID: ReputationRecord] = [:], operators: [String: ReputationRecord] = [:]) {
        self.provers = provers
        self.operators = operators
    }

    /// The fold of `events`, in order: what the job book's running sums must equal.
    public init(events: [ReputationEvent], halfLifeMillis: Int64) {
        for event in events { add(event, halfLifeMillis: halfLifeMillis) }
    }

    public mutating func add(_ event: ReputationEvent, halfLifeMillis: Int64) {
        provers[event.prover, default: ReputationRecord()].add(
            event.kind, atMillis: event.atMillis, halfLifeMillis: halfLifeMillis)
        if let address = event.operatorAddress {
            operators[address, default: ReputationRecord()].add(
                event.kind, atMillis: event.atMillis, halfLifeMillis: halfLifeMillis)
        }
    }
}
