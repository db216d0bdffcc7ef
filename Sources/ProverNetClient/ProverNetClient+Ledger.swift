import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore

/// The ledger as `admin ledger` shows it: the accounts summed by category, in the smallest unit.
public struct LedgerListing: Sendable, Equatable, Encodable {
    public struct AccountLine: Sendable, Equatable, Encodable {
        public var account: String
        public var balanceUnits: Int64
    }

    public var depositsUnits: Int64
    public var clientBalancesUnits: Int64
    public var escrowsUnits: Int64
    public var operatorEarningsUnits: Int64
    public var networkRevenueUnits: Int64
    public var slashedUnits: Int64
    /// deposits = client balances + escrows + operator earnings + network revenue + slashed.
    public var balances: Bool
    public var accounts: [AccountLine]
}

extension ProverNetClient {
    /// The balance of a key (the caller's own when `keyID` is nil).
    public func balance(keyID: String? = nil) async throws(ProverNetClientError) -> (keyID: String, balance: Amount) {
        var message = Provernet_V1_GetBalanceRequest()
        message.keyID = keyID ?? ""
        let sent = message
        let response = try await call("GetBalance", retried: true) {
            try await service.getBalance(sent, options: unaryOptions)
        }
        return (response.keyID, Amount(units: response.balanceUnits))
    }

    /// Credits a client key on a running gateway (admin, with a one-time code); returns its new balance.
    public func credit(keyID: String, amount: Amount, otp: String) async throws(ProverNetClientError) -> Amount {
        var message = Provernet_V1_CreditClientRequest()
        message.keyID = keyID
        message.amount = amount.description
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("CreditClient") {
            try await admin.creditClient(sent, metadata: metadata, options: options)
        }
        return Amount(units: response.balanceUnits)
    }

    /// The ledger summed by category, and every account (viewer or admin).
    public func ledger() async throws(ProverNetClientError) -> LedgerListing {
        let (options, admin) = (unaryOptions, self.admin)
        let r = try await call("ListAccounts") { try await admin.listAccounts(.init(), options: options) }
        return LedgerListing(
            depositsUnits: r.depositsUnits, clientBalancesUnits: r.clientBalancesUnits, escrowsUnits: r.escrowsUnits,
            operatorEarningsUnits: r.operatorEarningsUnits, networkRevenueUnits: r.networkRevenueUnits,
            slashedUnits: r.slashedUnits, balances: r.balances,
            accounts: r.accounts.map { LedgerListing.AccountLine(account: $0.account, balanceUnits: $0.balanceUnits) })
    }
}

extension ProverNetClient {
    /// Settles the epoch that ends at `untilMillis` on a running gateway (admin, with a one-time code): the
    /// report as JSON (Store's `SettlementReport`), and whether this call settled it (false: it was already).
    public func settle(untilMillis: Int64, otp: String) async throws(ProverNetClientError)
        -> (reportJSON: String, newlySettled: Bool)
    {
        var message = Provernet_V1_SettleRequest()
        message.untilUnixMillis = untilMillis
        let (options, admin, sent, metadata) = (unaryOptions, self.admin, message, Self.changeMetadata(otp: otp))
        let response = try await call("Settle") { try await admin.settle(sent, metadata: metadata, options: options) }
        return (response.reportJson, response.newlySettled)
    }

    /// The settled epochs' reports as JSON, oldest first: an operator key gets only its own lines; a viewer or
    /// admin every line, or `operatorAddress`'s.
    public func settlements(operatorAddress: String? = nil) async throws(ProverNetClientError) -> [String] {
        var message = Provernet_V1_ListSettlementsRequest()
        message.operatorAddress = operatorAddress ?? ""
        let (options, admin, sent) = (unaryOptions, self.admin, message)
        let response = try await call("ListSettlements") { try await admin.listSettlements(sent, options: options) }
        return response.reportJson
    }
}
