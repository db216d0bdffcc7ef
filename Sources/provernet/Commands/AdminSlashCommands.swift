import ArgumentParser
import Foundation
import ProverNetClient
import ProverNetCore
import Store

/// `provernet admin slashes` and `admin slashes cancel`: the EigenLayer slashes queued for the chain.
extension AdminCommand {
    struct Slashes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The slashes of EigenLayer operators queued for the chain (AllocationManager.slashOperator), being sent, and their outcomes.",
            subcommands: [List.self, Cancel.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every slash with its evidence, state, transaction and outcome, as JSON (viewer or admin).")
            @OptionGroup var gateway: ClientGatewayOptions

            func run() async throws {
                let slashes = try await gateway.withClient { client in try await client.slashes() }
                try ClientOutput.printJSON(slashes)
            }
        }

        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cancel a queued slash within its veto window, with a reason (audited).",
                discussion: AllowlistChange.discussion)
            @Argument(help: "The slash's id (`provernet admin slashes` shows it).") var id: Int64
            @Option(help: "Why it is cancelled (required; in the audit log).") var reason: String
            @Option(help: "The gateway's data directory.") var dataDir: String
            @OptionGroup var connection: AllowlistGatewayOptions

            func run() async throws {
                let reason = self.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty else { throw failure("--reason must say why the slash is cancelled") }
                let id = self.id
                let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
                let line = try await change.apply(
                    offline: { store in
                        guard let queue = store as? any SlashQueueStore else {
                            throw failure("this store keeps no slash queue")
                        }
                        let slash = try await queue.cancelSlash(
                            id: id, reason: reason, actor: "local-admin", atMillis: Clock.nowMillis())
                        var line = SlashLine(
                            id: slash.id, transferId: slash.transferID, operator: slash.operator,
                            amountUnits: slash.amount.units, state: slash.state.rawValue, evidence: slash.evidence,
                            queuedUnixMillis: slash.queuedMillis, sendAfterUnixMillis: slash.sendAfterMillis)
                        line.reason = slash.reason
                        line.actor = slash.actor
                        return line
                    },
                    online: { client, code in try await client.cancelSlash(id: id, reason: reason, otp: code) })
                try ClientOutput.printJSON(line)
            }
        }
    }
}
