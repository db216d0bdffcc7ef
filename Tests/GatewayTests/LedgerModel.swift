import ProverNetCore
import Store
import Testing

/// The ledger's accounts kept in memory from the transfers of the book's actions, checked after every event
/// as the store checks them after every transaction: no client or escrow account below zero, the balances
/// summing to zero (deposits = client balances + escrows + earnings + revenue + slashed), and the escrow of an
/// ended request empty.
struct LedgerModel {
    var balances: [LedgerAccount: Amount] = [:]

    /// Applies an event's transfers and checks the invariants; returns the problems (empty when none).
    @discardableResult
    mutating func apply(_ transfers: [Transfer], ended: [RequestID] = []) -> [String] {
        var problems: [String] = []
        for transfer in transfers {
            if transfer.amount < .zero { problems.append("negative transfer \(transfer)") }
            balances[transfer.from, default: .zero] = balances[transfer.from, default: .zero] - transfer.amount
            balances[transfer.to, default: .zero] = balances[transfer.to, default: .zero] + transfer.amount
        }
        for (account, balance) in balances where !account.isSource && balance < .zero {
            problems.append("\(account) is negative: \(balance)")
        }
        var summary = LedgerBalance()
        for (account, balance) in balances { summary.add(account, balance) }
        if !summary.balances { problems.append("the ledger does not balance: \(summary)") }
        for request in ended where balances[.escrow(request), default: .zero] != .zero {
            problems.append("request \(request) ended with \(balances[.escrow(request), default: .zero]) in escrow")
        }
        return problems
    }

    subscript(_ account: LedgerAccount) -> Amount { balances[account, default: .zero] }
}
