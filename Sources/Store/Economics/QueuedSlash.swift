import ProverNetCore

/// A slash of an EigenLayer operator on its way to the chain (`AllocationManager.slashOperator`): one for each
/// ledger transfer that took stake (`stake:OP → slashed` or `→ bounty:JOB`), queued for a veto window, then sent
/// once. Its states:
///
/// - `queued` → `cancelled` (an administrator, with a reason) | `sending` | `failed` (nothing to send);
/// - `sending` (the nonce, the signed raw transaction and its hash, written before it is broadcast: after a
///   restart the same bytes are broadcast again, never a new nonce) → `confirmed` | `failed`;
/// - `cancelled`, `confirmed` (the receipt's block and status, 1 or 0) and `failed` (the reason) are final.
public struct QueuedSlash: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case queued, cancelled, sending, confirmed, failed

        public var isFinal: Bool { self == .cancelled || self == .confirmed || self == .failed }
    }

    /// Given by the store (0 before it is inserted).
    public var id: Int64
    /// The ledger transfer it carries out (unique: a transfer is queued once).
    public var transferID: Int64
    /// `0x` and 40 lower-case hex digits.
    public var `operator`: String
    /// What the ledger took (`Amount` units).
    public var amount: Amount
    /// The transfer's note: the slash's evidence (JSON).
    public var evidence: String
    public var queuedMillis: Int64
    /// The end of the veto window: not sent before.
    public var sendAfterMillis: Int64
    public var state: State
    /// When sending: the chain's stake of the operator then (decimal) and the wad sent (decimal, 1e18 = all).
    public var stakeRead: String?
    public var wad: String?
    public var nonce: Int64?
    /// `0x` and 64 hex digits.
    public var txHash: String?
    /// `0x` and the signed transaction's bytes, as broadcast.
    public var rawTransaction: String?
    public var sentMillis: Int64?
    public var receiptBlock: Int64?
    public var receiptStatus: Int64?
    /// Why it was cancelled (the administrator's reason) or failed.
    public var reason: String?
    /// Who cancelled it (`key:ID`, `local-admin`).
    public var actor: String?
    public var updatedMillis: Int64

    public init(
        id: Int64 = 0, transferID: Int64, operator: String, amount: Amount, evidence: String, queuedMillis: Int64,
        sendAfterMillis: Int64
    ) {
        self.id = id
        self.transferID = transferID
        self.operator = `operator`
        self.amount = amount
        self.evidence = evidence
        self.queuedMillis = queuedMillis
        self.sendAfterMillis = sendAfterMillis
        self.state = .queued
        self.updatedMillis = queuedMillis
    }
}

/// The queued slashes (migration `v12-queued-slashes`). Each change of state is one conditional write: it
/// happens only from the state the caller read (`StoreError.staleState` otherwise), so two gateways, or a
/// gateway and an administrator's cancellation, cannot both move one slash.
public protocol SlashQueueStore: Sendable {
    /// Inserts the slashes whose transfer is not queued yet; returns those inserted, with their ids.
    func enqueueSlashes(_ slashes: [QueuedSlash]) async throws(StoreError) -> [QueuedSlash]
    /// The largest transfer id queued (0 when none): the ledger is read on from there.
    func lastQueuedTransferID() async throws(StoreError) -> Int64
    /// The slashes in `states` (every one when empty), oldest first.
    func queuedSlashes(states: Set<QueuedSlash.State>) async throws(StoreError) -> [QueuedSlash]
    func queuedSlash(id: Int64) async throws(StoreError) -> QueuedSlash?
    /// Writes `slash` (its new state and columns) if the stored one is still in `from`. Recorded in the audit
    /// log with `actor`.
    func updateSlash(_ slash: QueuedSlash, from: QueuedSlash.State, actor: String) async throws(StoreError)
}

extension SlashQueueStore {
    /// Cancels a queued slash within its veto window (an administrator's veto, with the reason): `.missing` for
    /// an unknown id, `.staleState` for one no longer queued (being sent, or already ended).
    public func cancelSlash(id: Int64, reason: String, actor: String, atMillis: Int64) async throws(StoreError)
        -> QueuedSlash
    {
        guard let slash = try await queuedSlash(id: id) else { throw .missing(table: "queued_slash", id: String(id)) }
        guard slash.state == .queued else {
            throw .staleState(table: "queued_slash", id: String(id), state: slash.state.rawValue, expected: "queued")
        }
        var cancelled = slash
        cancelled.state = .cancelled
        cancelled.reason = reason
        cancelled.actor = actor
        cancelled.updatedMillis = atMillis
        try await updateSlash(cancelled, from: .queued, actor: actor)
        return cancelled
    }
}
