import ProverNetCore

/// The ledger's accounts and transfers (`Transfer`): client balances, escrows, earnings, the network's
/// revenue. Transfers that belong to a state change of requests and jobs are written with it, in
/// `StoreChanges.transfers`, in the batch's one transaction; an administrator's credit is its own. Kept apart
/// from `GatewayStore` so that a second implementation (PostgreSQL) adds it in one file of its own.
///
/// The store enforces what the ledger must never do: a client or escrow account never goes below zero. A
/// batch that would take a client below zero is refused whole with `StoreError.insufficientFunds`, which
/// carries the numbers.
public protocol EconomicsStore: Sendable {
    /// Credits the client whose API key is `keyID` with `amount` (from `deposits`); returns its new balance.
    /// `.missing` for an unknown key. Recorded in the audit log with `actor` (`key:ID`, `local-admin`).
    func credit(keyID: String, amount: Amount, actor: String, atMillis: Int64) async throws(StoreError) -> Amount
    /// An account's balance (zero for one that never moved).
    func balance(of account: LedgerAccount) async throws(StoreError) -> Amount
    /// Every account that has moved, with its balance, by name.
    func accounts() async throws(StoreError) -> [(account: LedgerAccount, balance: Amount)]
    /// The transfers of a request, oldest first.
    func transfers(requestID: RequestID) async throws(StoreError) -> [Transfer]
    /// The transfers after `id`, oldest first, at most `limit`.
    func transfers(after id: Int64, limit: Int) async throws(StoreError) -> [Transfer]
    /// The accounts summed by category.
    func ledgerBalance() async throws(StoreError) -> LedgerBalance
    /// Checks the ledger's invariants and returns what is wrong (empty when nothing is): every account's
    /// balance equals the sum of its transfers; the balances sum to zero (deposits = client balances + escrows
    /// + earnings + revenue + slashed); no client or escrow account is negative; every ended request's escrow
    /// is empty and every open one holds its maximum cost less what it paid; and the per-job ledger lines
    /// agree with the transfers (payments, fees).
    func ledgerProblems() async throws(StoreError) -> [String]
}

extension EconomicsStore {
    /// A credit by the local administrator (offline, holding the data directory).
    public func credit(keyID: String, amount: Amount, atMillis: Int64) async throws(StoreError) -> Amount {
        try await credit(keyID: keyID, amount: amount, actor: "local-admin", atMillis: atMillis)
    }
}
