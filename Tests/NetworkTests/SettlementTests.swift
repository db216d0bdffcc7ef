import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests one after another: these start whole networks.
extension NetworkTests {
    /// Settlement with real processes: requests proven by an operator's prover, `admin settle` closes the epoch
    /// (JSON and CSV), the report reconciles with what the client paid and the ledger still balances, settling again
    /// returns the same report, an earlier end is refused, and `operator earnings` with the operator's own API key
    /// shows it its epoch with a proof that checks against the root, here and in an independent Python tree.
    @Suite struct SettlementTests {
        typealias Ops = OperatorTests

        @Test func anEpochSettlesReconcilesAndTheOperatorSeesItsProof() async throws {
            let (network, operatorKey, address) = try await SlashingTests.network()
            try await SlashingTests.startProver(network, "worker", operatorKey: operatorKey)
            try await network.waitForProvers(["worker"])
            let request = try await SlashingTests.submit(network, 3, offset: 41)
            #expect(try await SlashingTests.waitDone(network, request) == .done)

            let out = network.root.appendingPathComponent("settlements").path
            let gateway = ["--data-dir", network.gatewayDirectory.path]
            let admin = await network.keys?.admin
            let printed = try Ops.succeed(
                ["admin", "settle", "--until", "now", "--out", out, "--otp", await network.oneTimeCode()] + gateway,
                key: admin)
            let report = try JSONDecoder().decode(SettlementReport.self, from: Data(printed.utf8))
            #expect(report.epoch == 1 && report.problems.isEmpty && report.feeBps == SettlementBuilder.defaultFeeBps)
            let line = try #require(report.operators.first)
            #expect(report.operators.count == 1 && line.address == address.lowercased())
            #expect(line.jobs == 3 && line.slashesUnits == 0 && line.receiptsUnits > 0)
            #expect(
                line.feeUnits == line.receiptsUnits * 500 / 10_000
                    && line.payoutUnits == line.receiptsUnits - line.feeUnits)
            // What the client paid, read from the gateway's ledger: the epoch's client payments, all of it.
            let store = try SQLiteStore(path: await network.databasePath)
            let transfers = try await store.transfers(requestID: request)
            let paid = transfers.filter { $0.reason == .payment || $0.reason == .fee }.reduce(Int64(0)) {
                $0 + $1.amount.units
            }
            let charged = try await ProverNetClient.withClient(endpoint: await network.clientEndpoint) { client in
                try await client.request(request).paid
            }
            #expect(report.clientPaymentsUnits == paid && paid == charged.units)
            #expect(report.clientPaymentsUnits == report.paidUnits + report.unattributedUnits + report.spreadUnits)
            #expect(try await store.balance(of: .payable(address.lowercased())).units == line.payoutUnits)
            #expect(try await store.ledgerProblems().isEmpty)
            try? await store.close()
            let ledger = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.ledger()
            }
            #expect(ledger.balances)
            // The files: the same JSON, and a CSV row for the operator.
            let json = try String(contentsOfFile: out + "/settlement-1.json", encoding: .utf8)
            #expect(try JSONDecoder().decode(SettlementReport.self, from: Data(json.utf8)) == report)
            let csv = try String(contentsOfFile: out + "/settlement-1.csv", encoding: .utf8)
            #expect(csv.hasPrefix("epoch,operator,jobs,") && csv.contains("1,\(line.address),3,"))

            // The same end again: the same report, nothing moved; an earlier end: refused.
            let again = try Ops.succeed(
                ["admin", "settle", "--until", String(report.untilMillis), "--otp", await network.oneTimeCode()]
                    + gateway, key: admin)
            #expect(try JSONDecoder().decode(SettlementReport.self, from: Data(again.utf8)) == report)
            let earlier = try Ops.run(
                ["admin", "settle", "--until", String(report.untilMillis - 1), "--otp", await network.oneTimeCode()]
                    + gateway, key: admin)
            #expect(
                earlier.status != 0 && earlier.stderr.contains("the last epoch already ends at"), "\(earlier.stderr)")

            // The operator, with an API key of its own, sees its epoch and proof.
            let made = try Ops.succeed(
                [
                    "admin", "keys", "create", "--gateway", "127.0.0.1:\(await network.port)", "--ca",
                    await network.caPath, "--otp", await network.oneTimeCode(), "--name", "acme-ops", "--role",
                    "operator", "--operator-address", address,
                ], key: admin)
            let operatorAPIKey = try #require(
                (try JSONSerialization.jsonObject(with: Data(made.utf8)) as? [String: Any])?["secret"] as? String)
            let connection = ["--gateway", "127.0.0.1:\(await network.port)", "--ca", await network.caPath]
            let earnings = try Ops.succeed(["operator", "earnings"] + connection, key: operatorAPIKey)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(earnings.utf8)) as? [String: Any])
            let epochs = try #require(object["epochs"] as? [[String: Any]])
            #expect(object["operator"] as? String == address.lowercased() && epochs.count == 1)
            let epoch = try #require(epochs.first)
            #expect(epoch["epoch"] as? Int == 1 && epoch["merkleRoot"] as? String == report.merkleRoot)
            #expect(epoch["payoutUnits"] as? Int == Int(line.payoutUnits) && epoch["proofVerifies"] as? Bool == true)
            #expect(epoch["proof"] as? [String] == line.proof)
            // Another operator's earnings are not its to see.
            let other = "0x" + String(repeating: "12", count: 20)
            let refused = try Ops.run(
                ["operator", "earnings", "--operator", other] + connection, key: operatorAPIKey)
            #expect(refused.status != 0 && refused.stderr.contains("only its own"), "\(refused.stderr)")

            // An independent check of the root and proof (OpenZeppelin's algorithm in Python, eth-abi).
            if EthereumPython.enabled {
                let tree = MerkleCrossCheck.Tree(
                    root: report.merkleRoot,
                    leaves: report.operators.map {
                        .init(address: $0.address, amount: String($0.payoutUnits), proof: $0.proof)
                    })
                let answer = try MerkleCrossCheck.check([tree])
                #expect(answer.roots == [report.merkleRoot] && answer.accepted == [[true]])
            }

            // Epoch 2: one more request; then, with the gateway stopped, settled offline (DATA/gateway.sqlite,
            // under the directory's lock): only the new request's payments, none of epoch 1's.
            let second = try await SlashingTests.submit(network, 1, offset: 47)
            #expect(try await SlashingTests.waitDone(network, second) == .done)
            await network.stopAll()
            let offline = try Ops.succeed(["admin", "settle", "--until", "now"] + gateway)
            let next = try JSONDecoder().decode(SettlementReport.self, from: Data(offline.utf8))
            let reread = try SQLiteStore(path: await network.databasePath)
            let secondPaid = try await reread.transfers(requestID: second).filter {
                $0.reason == .payment || $0.reason == .fee
            }.reduce(Int64(0)) { $0 + $1.amount.units }
            #expect(next.epoch == 2 && next.firstTransferID == report.lastTransferID + 1 && next.problems.isEmpty)
            #expect(next.clientPaymentsUnits == secondPaid && next.operators.map(\.jobs) == [1])
            #expect(try await reread.ledgerProblems().isEmpty)
            #expect(try await reread.settlements().map(\.epoch) == [1, 2])
            try? await reread.close()
            await network.clean()
        }
    }
}
