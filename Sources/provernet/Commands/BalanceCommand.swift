import ArgumentParser
import ProverNetClient
import ProverNetCore

/// `provernet balance`: a key's balance in the ledger.
struct BalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Show your key's balance: what new requests can escrow (their maximum cost).",
        discussion: """
            Prints {"key_id": …, "balance": "12.500000", "balance_units": 12500000}. A viewer or admin key may \
            name another key with --key-id. An administrator credits a key with `provernet admin credit`.
            """)
    @OptionGroup var connection: ClientGatewayOptions
    @Option(help: "Another key's id (viewer or admin keys only).") var keyID: String?

    func run() async throws {
        let keyID = self.keyID
        let (id, balance) = try await connection.withClient { client in try await client.balance(keyID: keyID) }
        try ClientOutput.printJSON(BalanceLine(keyId: id, balance: balance.description, balanceUnits: balance.units))
    }
}

struct BalanceLine: Encodable {
    var keyId: String
    var balance: String
    var balanceUnits: Int64

    enum CodingKeys: String, CodingKey {
        case keyId = "key_id"
        case balance
        case balanceUnits = "balance_units"
    }
}
