import ProverNetCore

/// What can go wrong with the gateway's database.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be opened or migrated.
    case open(path: String, reason: String)
    /// A stored row cannot be read back as what it should be.
    case corrupt(table: String, id: String, reason: String)
    /// A row that must exist does not.
    case missing(table: String, id: String)
    /// A read failed.
    case read(reason: String)
    /// A write failed: nothing of its batch was written.
    case write(reason: String)
    /// A batch would take a client's balance below zero: it was refused whole (a refusal of what the batch
    /// asked for, not a fault of the database).
    case insufficientFunds(account: String, balance: Amount, needed: Amount)
    /// A row is not in the state a conditional change expected (another writer moved it first).
    case staleState(table: String, id: String, state: String, expected: String)
    /// The ledger's invariants do not hold (checked after every batch when the store verifies the ledger).
    case unbalancedLedger(problems: [String])
    /// A settlement up to a time before the last settled epoch's end: epochs close in order.
    case settlementOutOfOrder(untilMillis: Int64, lastUntilMillis: Int64)
    /// A settlement up to a time that has not come yet: transfers could still be made before it.
    case settlementInFuture(untilMillis: Int64, nowMillis: Int64)

    public var description: String {
        switch self {
        case .open(let path, let reason): "cannot open the database \(path): \(reason)"
        case .corrupt(let table, let id, let reason): "stored \(table) \(id) is corrupt: \(reason)"
        case .missing(let table, let id): "no \(table) \(id) in the database"
        case .read(let reason): "database read failed: \(reason)"
        case .write(let reason): "database write failed: \(reason)"
        case .insufficientFunds(let account, let balance, let needed):
            "the balance of \(account) is \(balance), and \(needed) is needed"
        case .staleState(let table, let id, let state, let expected):
            "\(table) \(id) is \(state), not \(expected): it changed meanwhile"
        case .unbalancedLedger(let problems): "the ledger does not balance: " + problems.joined(separator: "; ")
        case .settlementOutOfOrder(let until, let last):
            "cannot settle until \(until) ms: the last epoch already ends at \(last) ms (settle that time again for its "
                + "report, or a later one)"
        case .settlementInFuture(let until, let now):
            "cannot settle until \(until) ms: it is \(now) ms now, and an epoch can only end in the past"
        }
    }

    /// Whether the error refuses what a batch asked for (the database itself is well).
    public var isRefusal: Bool {
        switch self {
        case .insufficientFunds, .settlementOutOfOrder, .settlementInFuture: return true
        default: return false
        }
    }
}
