import ArgumentParser
import Ethereum
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import Store

/// `provernet admin settle --until TIME`: closes an epoch (docs/economics.md, "Settlement").
struct AdminSettleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Close the epoch that ends at a time: a settlement report (JSON and CSV) with its Merkle root.",
        discussion: """
            Each operator's provers' receipts since the last epoch, less the network's fee (the gateway's \
            --settlement-fee-bps), move to what the network owes the operator, whose payout is a leaf of the \
            epoch's Merkle root (OpenZeppelin StandardMerkleTree, (address, uint256)). Settling the last epoch's \
            --until again prints its report unchanged; an earlier --until is refused. Prints the report as JSON; \
            --out DIR also writes DIR/settlement-EPOCH.json and .csv.

            """ + AllowlistChange.discussion + " Offline, the fee is --fee-bps.")
    @Option(help: "The gateway's data directory.") var dataDir: String
    @Option(help: "The epoch's end: Unix milliseconds, an ISO 8601 time (2026-12-07T10:00:00Z), or now.")
    var until: String
    @Option(help: "A folder to write settlement-EPOCH.json and settlement-EPOCH.csv into.") var out: String?
    @Option(help: "Offline only (no gateway runs): the network's fee in basis points (default 500).")
    var feeBps: Int = SettlementBuilder.defaultFeeBps
    @OptionGroup var connection: AllowlistGatewayOptions

    func run() async throws {
        let untilMillis = try badInputExits { try Self.parseTime(until) }
        let feeBps = self.feeBps
        let change = AllowlistChange(dataDirectory: dataDir, connection: connection)
        let (json, newly) = try await change.apply(
            offline: { store in
                guard let settlements = store as? any SettlementStore else {
                    throw failure("this database does not settle epochs")
                }
                let (report, newly) = try await settlements.settle(
                    untilMillis: untilMillis, atMillis: Clock.nowMillis(), actor: "local-admin"
                ) { input in try SettlementBuilder.build(input, feeBps: feeBps) }
                return (try SettlementReports.json(report), newly)
            },
            online: { client, code in try await client.settle(untilMillis: untilMillis, otp: code) })
        let report = try SettlementReports.decode(json)
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let base = (out as NSString).appendingPathComponent("settlement-\(report.epoch)")
            try Data(json.utf8).write(to: URL(fileURLWithPath: base + ".json"))
            try Data(report.csv.utf8).write(to: URL(fileURLWithPath: base + ".csv"))
        }
        if !newly { FileHandle.standardError.write(Data("epoch \(report.epoch) was settled already\n".utf8)) }
        writeLine(json)
    }

    /// Unix milliseconds, ISO 8601, or `now`.
    static func parseTime(_ text: String) throws -> Int64 {
        if text == "now" { return Clock.nowMillis() }
        if let millis = Int64(text), millis > 0 { return millis }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        throw ValidationError("--until \(text): give Unix milliseconds, an ISO 8601 time with its zone, or now")
    }
}

/// `provernet operator earnings`: an operator's settled epochs, amounts and Merkle proofs.
struct OperatorEarningsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earnings",
        abstract: "Show an operator its settled epochs: jobs, receipts, fee, slashes, net, payout and Merkle proof.",
        discussion: """
            With an operator's API key, the gateway shows only that operator's lines. A viewer or admin key names \
            the operator with --operator (or --key). Each proof is checked here against its epoch's root \
            ("proofVerifies"), as an on-chain distributor's MerkleProof.verify would.
            """)
    @Option(help: "The operator's key file (`provernet operator key`), to name its address.") var key: String?
    @Option(help: "The operator's address.") var `operator`: String?
    @OptionGroup var gateway: ClientGatewayOptions

    struct Epoch: Encodable {
        var epoch: Int64
        var address: String
        var fromMillis: Int64
        var untilMillis: Int64
        var merkleRoot: String
        var jobs: Int
        var receipts: String
        var fee: String
        var slashes: String
        var net: String
        var payout: String
        var payoutUnits: Int64
        var leaf: String
        var proof: [String]
        var proofVerifies: Bool
    }

    struct Earnings: Encodable {
        var `operator`: String?
        var epochs: [Epoch]
        var payout: String
    }

    func run() async throws {
        let address = try badInputExits { () throws -> String? in
            if key == nil, self.operator == nil { return nil }
            return try operatorAddress(key: try key.map(OperatorKeyFile.load), given: self.operator).lowercased
        }
        let jsons = try await gateway.withClient { client in try await client.settlements(operatorAddress: address) }
        var epochs: [Epoch] = []
        var seen = Set<String>()
        for json in jsons {
            let report = try SettlementReports.decode(json)
            for line in report.operators where address == nil || line.address == address {
                seen.insert(line.address)
                epochs.append(
                    Epoch(
                        epoch: report.epoch, address: line.address, fromMillis: report.fromMillis,
                        untilMillis: report.untilMillis,
                        merkleRoot: report.merkleRoot, jobs: line.jobs,
                        receipts: Amount(units: line.receiptsUnits).description,
                        fee: Amount(units: line.feeUnits).description,
                        slashes: Amount(units: line.slashesUnits).description,
                        net: Amount(units: line.netUnits).description,
                        payout: Amount(units: line.payoutUnits).description, payoutUnits: line.payoutUnits,
                        leaf: line.leaf, proof: line.proof,
                        proofVerifies: SettlementBuilder.verify(line, root: report.merkleRoot)))
            }
        }
        let total = epochs.reduce(Int64(0)) { $0 + $1.payoutUnits }
        // The operator named, or the one whose lines these are (a viewer or admin without --operator sees every one).
        let shown = address ?? (seen.count == 1 ? seen.first : nil)
        try ClientOutput.printJSON(Earnings(operator: shown, epochs: epochs, payout: Amount(units: total).description))
    }
}

/// A settlement report to and from its JSON (sorted keys, as the gateway sends it).
enum SettlementReports {
    static func json(_ report: SettlementReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> SettlementReport {
        do {
            return try JSONDecoder().decode(SettlementReport.self, from: Data(json.utf8))
        } catch {
            throw failure("the gateway's settlement report does not decode: \(error)")
        }
    }
}
