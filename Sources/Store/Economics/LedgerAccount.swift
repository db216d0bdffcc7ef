import ProverNetCore

/// An account of the double-entry ledger (`Transfer`), named by a string (`client:KEY`, `escrow:REQUEST`, …).
///
/// Two kinds of account are **sources**: money enters the ledger from them, so their balances are negative
/// (`deposits`, what administrators credited to clients, and `stake:OPERATOR`, what slashes took from an
/// operator's stake). Every other account holds money the ledger owes someone, and is never negative. As
/// every transfer moves an amount from one account to another, the balances always sum to zero:
/// deposits = client balances + escrows + operator earnings + network revenue + slashed funds.
public struct LedgerAccount: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Where administrators' credits to clients come from (and in-process requests without a key).
    public static let deposits = LedgerAccount(rawValue: "deposits")
    /// The network's revenue: the difference between what clients are charged and provers are paid.
    public static let network = LedgerAccount(rawValue: "network")
    /// Slashed stake that was not given to the prover that completed the job.
    public static let slashed = LedgerAccount(rawValue: "slashed")
    /// A client's balance: the API key's id.
    public static func client(_ keyID: String) -> LedgerAccount { LedgerAccount(rawValue: "client:\(keyID)") }
    /// A request's escrow.
    public static func escrow(_ request: RequestID) -> LedgerAccount {
        LedgerAccount(rawValue: "escrow:\(request.rawValue)")
    }
    /// A prover's earnings, owed to its operator (settled per operator).
    public static func earnings(_ prover: ProverID) -> LedgerAccount {
        LedgerAccount(rawValue: "earnings:\(prover.rawValue)")
    }
    /// What settled epochs owe an operator (its provers' receipts less the network's fee), for the on-chain
    /// distributor to pay against the epoch's Merkle root.
    public static func payable(_ operatorAddress: String) -> LedgerAccount {
        LedgerAccount(rawValue: "payable:\(operatorAddress)")
    }
    /// The part of a slash set aside for the prover that completes the job the slashed prover left: paid to it
    /// when it does, forfeited to `slashed` when the job's request ends without it. Counted as slashed funds.
    public static func bounty(_ job: JobID) -> LedgerAccount { LedgerAccount(rawValue: "bounty:\(job.rawValue)") }
    /// An operator's stake, as a source: what slashes took from it.
    public static func stake(_ operatorAddress: String) -> LedgerAccount {
        LedgerAccount(rawValue: "stake:\(operatorAddress)")
    }

    /// What an account holds, by the prefix of its name.
    public enum Category: String, Sendable, CaseIterable, Codable {
        case deposits, stake, client, escrow, earnings, payable, network, slashed, bounty
    }

    public var category: Category? {
        let prefix = rawValue.split(separator: ":", maxSplits: 1).first.map(String.init) ?? rawValue
        return Category(rawValue: prefix)
    }

    /// Whether money enters the ledger from it (its balance is then negative).
    public var isSource: Bool { category == .deposits || category == .stake }

    /// What follows the prefix: the key id, request id, prover id or operator address.
    public var subject: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return "" }
        return String(rawValue[rawValue.index(after: colon)...])
    }

    public var description: String { rawValue }

    public static func < (a: LedgerAccount, b: LedgerAccount) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
