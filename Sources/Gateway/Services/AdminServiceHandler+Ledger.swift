import GRPCCore
import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// The ledger: crediting clients, and the accounts summed by category.
extension AdminServiceHandler {
    func creditClient(request: Provernet_V1_CreditClientRequest, context: ServerContext) async throws
        -> Provernet_V1_CreditClientResponse
    {
        guard let amount = Amount(decimal: request.amount), amount > .zero else {
            throw RPCError(
                code: .invalidArgument,
                message: "amount: a positive decimal with at most \(Amount.decimals) decimals, not '\(request.amount)'")
        }
        do {
            let balance = try await store.credit(
                keyID: request.keyID, amount: amount, actor: actor, atMillis: Clock.nowMillis())
            return .with { $0.balanceUnits = balance.units }
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no key \(request.keyID)")
        } catch {
            throw RPCError.from(error)
        }
    }

    func listAccounts(request: Provernet_V1_ListAccountsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListAccountsResponse
    {
        do {
            let balance = try await store.ledgerBalance()
            let accounts = try await store.accounts()
            return .with { r in
                r.depositsUnits = balance.deposits.units
                r.clientBalancesUnits = balance.clientBalances.units
                r.escrowsUnits = balance.escrows.units
                r.operatorEarningsUnits = balance.operatorEarnings.units
                r.networkRevenueUnits = balance.networkRevenue.units
                r.slashedUnits = balance.slashed.units
                r.balances = balance.balances
                r.accounts = accounts.map { a in
                    .with {
                        $0.account = a.account.rawValue
                        $0.balanceUnits = a.balance.units
                    }
                }
            }
        } catch {
            throw RPCError.from(error)
        }
    }
}
