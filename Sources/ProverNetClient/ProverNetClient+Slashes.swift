import GRPCCore
import ProverNetAPI
import ProverNetCore

/// A slash of an EigenLayer operator as `admin slashes` shows it: its state on the way to the chain, the
/// ledger's evidence, and the outcome.
public struct SlashLine: Sendable, Equatable, Encodable {
    public var id: Int64
    public var transferId: Int64
    public var `operator`: String
    public var amount: String
    public var amountUnits: Int64
    /// queued, cancelled, sending, confirmed or failed.
    public var state: String
    public var evidence: String
    public var queuedUnixMillis: Int64
    public var sendAfterUnixMillis: Int64
    public var stakeRead: String?
    public var wad: String?
    public var nonce: Int64?
    public var txHash: String?
    public var sentUnixMillis: Int64?
    public var receiptBlock: Int64?
    public var receiptStatus: Int64?
    public var reason: String?
    public var actor: String?

    init(_ m: Provernet_V1_QueuedSlash) {
        id = m.id
        transferId = m.transferID
        self.operator = m.operatorAddress
        amount = Amount(units: m.amountUnits).description
        amountUnits = m.amountUnits
        state = m.state
        evidence = m.evidence
        queuedUnixMillis = m.queuedUnixMillis
        sendAfterUnixMillis = m.sendAfterUnixMillis
        stakeRead = m.stakeRead.isEmpty ? nil : m.stakeRead
        wad = m.wad.isEmpty ? nil : m.wad
        nonce = m.nonce < 0 ? nil : m.nonce
        txHash = m.txHash.isEmpty ? nil : m.txHash
        sentUnixMillis = m.sentUnixMillis == 0 ? nil : m.sentUnixMillis
        receiptBlock = m.receiptBlock == 0 ? nil : m.receiptBlock
        receiptStatus = m.receiptStatus < 0 ? nil : m.receiptStatus
        reason = m.reason.isEmpty ? nil : m.reason
        actor = m.actor.isEmpty ? nil : m.actor
    }

    public init(
        id: Int64, transferId: Int64, operator: String, amountUnits: Int64, state: String, evidence: String,
        queuedUnixMillis: Int64, sendAfterUnixMillis: Int64
    ) {
        var m = Provernet_V1_QueuedSlash()
        m.id = id
        m.transferID = transferId
        m.operatorAddress = `operator`
        m.amountUnits = amountUnits
        m.state = state
        m.evidence = evidence
        m.queuedUnixMillis = queuedUnixMillis
        m.sendAfterUnixMillis = sendAfterUnixMillis
        m.nonce = -1
        m.receiptStatus = -1
        self.init(m)
    }
}

extension ProverNetClient {
    /// The slashes queued for the chain, being sent, and their outcomes (viewer or admin).
    public func slashes() async throws(ProverNetClientError) -> [SlashLine] {
        let (options, admin) = (unaryOptions, self.admin)
        let r = try await call("ListSlashes") { try await admin.listSlashes(.init(), options: options) }
        return r.slashes.map(SlashLine.init)
    }

    /// Cancels a queued slash on a running gateway (admin, with a one-time code).
    public func cancelSlash(id: Int64, reason: String, otp: String) async throws(ProverNetClientError) -> SlashLine {
        var message = Provernet_V1_CancelSlashRequest()
        message.id = id
        message.reason = reason
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("CancelSlash") {
            try await admin.cancelSlash(sent, metadata: metadata, options: options)
        }
        return SlashLine(response.slash)
    }
}
