import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore
import Store

/// `provernet admin credit` and `admin ledger`.
extension AdminCommand {
    struct Credit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credit",
            abstract: "Credit a client key's balance in the ledger (a deposit its requests escrow from).",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The key's id (`provernet admin keys list` shows it).") var keyID: String
        @Option(help: "Credits, a positive decimal with at most 6 decimals (100, 2.5).") var amount: String
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            guard let amount = Amount(decimal: amount), amount > .zero else {
                throw failure("--amount must be a positive decimal with at most \(Amount.decimals) decimals")
            }
            let keyID = self.keyID
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            let balance = try await change.apply(
                offline: { store in try await store.credit(keyID: keyID, amount: amount, atMillis: Clock.nowMillis()) },
                online: { client, code in try await client.credit(keyID: keyID, amount: amount, otp: code) })
            try ClientOutput.printJSON(
                BalanceLine(keyId: keyID, balance: balance.description, balanceUnits: balance.units))
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger summed by category (in units of 10^-6 credit), whether it balances, and its accounts."
        )
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            let ledger = try await gateway.withClient { client in try await client.ledger() }
            try ClientOutput.printJSON(ledger)
        }
    }
}
