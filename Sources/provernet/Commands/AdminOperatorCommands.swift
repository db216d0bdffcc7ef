import ArgumentParser
import Ethereum
import Foundation
import ProverNetClient
import ProverNetCore
import Store

/// `provernet admin allow-operator`, `revoke-operator`, `set-stake` and `operators`.
extension AdminCommand {
    /// The address as the store keys it, after checking it (EIP-55 mixed case must match).
    static func operatorAddress(_ text: String) throws -> Address {
        do { return try Address(text) } catch { throw failure("--address: \(error)") }
    }

    struct AllowOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow-operator",
            abstract: "Put an operator's Ethereum address on the network's allowlist.",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The operator's address, 0x and 40 hex digits (`provernet operator key` prints it).")
        var address: String
        @Option(help: "A name for listings and logs.") var name: String = ""
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            let address = try AdminCommand.operatorAddress(self.address)
            let name = self.name
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            _ = try await change.apply(
                offline: { store in
                    try await store.allowOperator(address: address.lowercased, name: name, atMillis: Clock.nowMillis())
                        .address
                },
                online: { client, code in
                    try await client.allowOperator(address: address.checksummed, name: name, otp: code)
                })
            print("{\"operator\":\"\(address.checksummed)\",\"allowed\":true}")
        }
    }

    struct RevokeOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-operator",
            abstract: "Take an operator off the allowlist: its provers take no new jobs.",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The operator's address.") var address: String
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            let address = try AdminCommand.operatorAddress(self.address)
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            _ = try await change.apply(
                offline: { store in
                    try await store.revokeOperator(address: address.lowercased, atMillis: Clock.nowMillis())
                },
                online: { client, code in
                    try await client.revokeOperator(address: address.checksummed, otp: code)
                })
            print("{\"operator\":\"\(address.checksummed)\",\"allowed\":false}")
        }
    }

    struct SetStake: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-stake",
            abstract: "Set an operator's stake in the standalone registry (a decimal integer).",
            discussion: AllowlistChange.discussion)
        @Option(help: "The gateway's data directory.") var dataDir: String
        @Option(help: "The operator's address.") var address: String
        @Option(help: "The stake, a decimal uint256 in the registry's unit.") var stake: String
        @OptionGroup var connection: AllowlistGatewayOptions

        func run() async throws {
            let address = try AdminCommand.operatorAddress(self.address)
            let stake: UInt256
            do { stake = try UInt256(self.stake) } catch { throw failure("--stake: \(error)") }
            let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
            _ = try await change.apply(
                offline: { store in
                    try await store.setOperatorStake(
                        address: address.lowercased, stake: stake.description, atMillis: Clock.nowMillis())
                },
                online: { client, code in
                    try await client.setOperatorStake(
                        address: address.checksummed, stake: stake.description, otp: code)
                })
            print("{\"operator\":\"\(address.checksummed)\",\"stake\":\"\(stake)\"}")
        }
    }

    struct Operators: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the operators: address, name, source, registered, stake, minimum, status, provers.")
        @OptionGroup var gateway: ClientGatewayOptions

        func run() async throws {
            let operators = try await gateway.withClient { client in try await client.listOperators() }
            for o in operators { try ClientOutput.printJSON(o) }
        }
    }
}
