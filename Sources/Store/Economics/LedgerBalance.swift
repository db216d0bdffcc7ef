import ProverNetCore

/// The ledger's accounts summed by category: what `EconomicsStore.ledgerBalance()` returns and what the
/// invariant compares. It balances when what entered the ledger equals what it holds, to the unit.
public struct LedgerBalance: Sendable, Equatable, Codable {
    /// What entered the ledger: administrators' credits (and in-process prepaid requests), plus stake taken
    /// by slashes (the negated balances of the source accounts).
    public var deposits = Amount.zero
    public var clientBalances = Amount.zero
    public var escrows = Amount.zero
    /// Provers' earnings not yet settled plus what settled epochs owe operators (`payable:OPERATOR`).
    public var operatorEarnings = Amount.zero
    public var networkRevenue = Amount.zero
    /// Slashed stake: kept by the network, or set aside for the prover that completes a slashed job (bounties).
    public var slashed = Amount.zero

    public init() {}

    /// deposits = client balances + escrows + operator earnings + network revenue + slashed funds.
    public var balances: Bool {
        deposits == clientBalances + escrows + operatorEarnings + networkRevenue + slashed
    }

    /// Adds an account's balance to its category.
    public mutating func add(_ account: LedgerAccount, _ balance: Amount) {
        switch account.category {
        case .deposits, .stake: deposits = deposits - balance
        case .client: clientBalances = clientBalances + balance
        case .escrow: escrows = escrows + balance
        case .earnings, .payable: operatorEarnings = operatorEarnings + balance
        case .network: networkRevenue = networkRevenue + balance
        case .slashed, .bounty: slashed = slashed + balance
        case nil: break
        }
    }
}
