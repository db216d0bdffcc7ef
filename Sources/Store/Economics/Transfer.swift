import ProverNetCore

/// A line of the double-entry ledger: `amount` moved from one account to another, with why. Transfers are
/// appended, never changed; an account's balance is the sum of what came in less what went out.
public struct Transfer: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// An administrator credited a client (deposits → client).
        case credit
        /// A request was submitted: its maximum cost escrowed (client → escrow).
        case escrow
        /// A job's proof was accepted: the prover's price paid out of the escrow (escrow → earnings).
        case payment
        /// The same job's network fee, the charge less the price (escrow → network).
        case fee
        /// The request ended: what its escrow still holds goes back (escrow → client).
        case refund
        /// A bond slashed (stake → slashed); the note holds the evidence.
        case slash
        /// The part of a slash set aside for whoever completes the job (stake → bounty).
        case bounty
        /// A bounty paid to the prover that completed the job (bounty → earnings).
        case bountyPaid = "bounty_paid"
        /// A bounty no one earned: the job's request ended without it (bounty → slashed).
        case bountyForfeited = "bounty_forfeited"
        /// An epoch settled: a prover's receipts moved to its operator's payable account (earnings → payable).
        case settlement
        /// An epoch settled: the network's fee on an operator's receipts (payable → network).
        case settlementFee = "settlement_fee"
    }

    public var id: Int64?
    public var atMillis: Int64
    public var reason: Reason
    public var from: LedgerAccount
    public var to: LedgerAccount
    public var amount: Amount
    public var requestID: RequestID?
    public var jobID: JobID?
    /// Who did it or what shows it: the actor of a credit (`key:ID`), the evidence of a slash (JSON: kind,
    /// prover, lease epoch, times, reason).
    public var note: String

    public init(
        atMillis: Int64, reason: Reason, from: LedgerAccount, to: LedgerAccount, amount: Amount,
        requestID: RequestID? = nil, jobID: JobID? = nil, note: String = ""
    ) {
        self.id = nil
        self.atMillis = atMillis
        self.reason = reason
        self.from = from
        self.to = to
        self.amount = amount
        self.requestID = requestID
        self.jobID = jobID
        self.note = note
    }
}
