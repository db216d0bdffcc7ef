import ProverNetCore

/// A line of the ledger: for one accepted job, what its client was charged, what its prover was paid, and
/// the network's fee (the difference), each an integer amount.
public struct LedgerEntry: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case clientCharge = "client_charge"
        case proverPayment = "prover_payment"
        case networkFee = "network_fee"
    }

    public var id: Int64?
    public var atMillis: Int64
    public var kind: Kind
    public var requestID: RequestID
    public var jobID: JobID
    public var proverID: ProverID?
    public var amount: Amount

    public init(atMillis: Int64, kind: Kind, requestID: RequestID, jobID: JobID, proverID: ProverID?, amount: Amount) {
        self.id = nil
        self.atMillis = atMillis
        self.kind = kind
        self.requestID = requestID
        self.jobID = jobID
        self.proverID = proverID
        self.amount = amount
    }
}
