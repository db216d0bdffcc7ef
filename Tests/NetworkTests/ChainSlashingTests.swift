import Ethereum
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store
import TestSupport
import Testing

extension NetworkTests {
    /// EigenLayer slashing end to end: a prover sending wrong proofs is slashed in the ledger, the gateway sends each
    /// slash to the Vyper AllocationManager after its veto window with the slasher key, and a gateway killed while
    /// its transaction waits in the node's pool finishes it when it is back, without a second transaction.
    @Suite(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-tester, py-evm, vyper): run scripts/setup"))
    struct ChainSlashingTests {
        typealias Ops = OperatorTests
        typealias Slashing = SlashingTests

        static func queue(_ network: ProcessNetwork) async throws -> [QueuedSlash] {
            let store = try SQLiteStore(path: await network.databasePath)
            defer { Task { try? await store.close() } }
            return try await store.queuedSlashes(states: [])
        }

        static func waitForQueue(
            _ network: ProcessNetwork, timeout: Double = 90, _ condition: ([QueuedSlash]) -> Bool
        ) async throws -> [QueuedSlash] {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let found = try await queue(network)
                if condition(found) { return found }
                if Date() >= deadline {
                    throw NetworkTestError("the slash queue did not get there in \(timeout) s: \(found.map(\.state))")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }

        /// A chain with a funded slasher key that the AVS appointed, and a gateway with the EigenLayer registry
        /// (operator set 3) sending slashes after `veto` seconds; the operator `acme` allocated 1 000 000.
        static func started(veto: Int) async throws -> (
            chain: LocalChain, network: ProcessNetwork, slasher: PrivateKey, op: (path: String, address: String),
            stake: @Sendable () async throws -> UInt256
        ) {
            let chain = try await LocalChain.start()
            let (avs, strategy) = (chain.accounts[7], chain.accounts[6])
            let slasher = PrivateKey.generate()
            let keys = FileManager.default.temporaryDirectory.appendingPathComponent("slasher-\(UUID())")
            let keyPath = keys.appendingPathComponent("slasher.key").path
            _ = try OperatorKeyFile.create(at: keyPath, key: slasher)
            try await chain.fund(slasher.address, wei: try UInt256("1000000000000000000"))
            try await chain.transact(
                chain.allocationManager, "setSlasher(address)", [.address(slasher.address)], from: avs)
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(
                    gatewayArguments: OperatorChainTests.gatewayArguments(
                        chain, avs: avs, strategy: strategy,
                        registration: [
                            "--allocation-manager", chain.allocationManager.checksummed, "--operator-set-id", "3",
                        ]) + ["--slasher-key", keyPath, "--slash-veto-seconds", "\(veto)"]))
            let op = try await OperatorChainTests.chainOperator(network, chain, "acme", isOperator: true)
            let opAddress = try Address(op.address)
            try await chain.transact(
                chain.allocationManager, "setMember(address,uint32,address,bool)",
                [.address(avs), .uint(UInt256(3)), .address(opAddress), .bool(true)])
            try await chain.transact(
                chain.allocationManager, "setAllocated(address,uint32,address,address,uint256)",
                [.address(avs), .uint(UInt256(3)), .address(opAddress), .address(strategy), .uint(allocated)])
            let client = chain.client
            let manager = chain.allocationManager
            return (
                chain, network, slasher, op,
                {
                    try await EigenLayerReader(client: client).allocatedStake(
                        opAddress, set: .init(avs: avs, id: 3), strategies: [strategy], allocationManager: manager)
                }
            )
        }

        static let allocated = UInt256(1_000_000)

        @Test func aWrongProofsSlashIsSentOnceAndSurvivesAGatewayKilledBeforeItsReceipt() async throws {
            let (chain, network, slasher, op, stakeOnChain) = try await Self.started(veto: 2)
            defer { chain.stop() }
            let allocated = Self.allocated
            // From here the node keeps transactions in its pool: the first slash is sent and gets no receipt.
            try await chain.setAutomine(false)
            try await Slashing.startProver(
                network, "liar", operatorKey: op.path,
                extra: ["--misbehave", "wrong-proof", "--ask", "0.1", "--slots", "2"])
            try await Slashing.startProver(network, "honest", operatorKey: op.path)
            try await network.waitForProvers(["liar", "honest"])
            let request = try await Slashing.submit(network, 3, offset: 31)
            let inFlight = try #require(
                try await Self.waitForQueue(network) { $0.contains { $0.state == .sending } }.first {
                    $0.state == .sending
                })
            #expect(inFlight.nonce == 0 && inFlight.operator == op.address.lowercased())
            #expect(try await chain.client.transactionCount(slasher.address, block: "latest") == 0)

            // The gateway dies between the sending and the receipt.
            await network.killGateway()
            // With the gateway stopped, an administrator cannot cancel it any more: it is being sent.
            let refused = try Ops.run([
                "admin", "slashes", "cancel", "\(inFlight.id)", "--reason", "too late", "--data-dir",
                network.gatewayDirectory.path,
            ])
            #expect(refused.status != 0 && refused.stderr.contains("sending"), "\(refused.stderr)")

            try await network.startGateway()
            try await chain.setAutomine(true)
            #expect(try await Slashing.waitDone(network, request) == .done)
            let done = try await Self.waitForQueue(network) { queue in
                !queue.isEmpty && queue.allSatisfy { $0.state.isFinal }
            }
            let confirmed = done.filter { $0.state == .confirmed }
            #expect(confirmed.count == done.count, "\(done.map { ($0.state, $0.reason) })")
            // The one in flight at the kill was finished with its own transaction; one transaction per slash.
            #expect(confirmed.first { $0.id == inFlight.id }?.txHash == inFlight.txHash)
            #expect(Set(confirmed.compactMap(\.txHash)).count == confirmed.count)
            #expect(
                try await chain.client.transactionCount(slasher.address, block: "latest") == UInt64(confirmed.count))
            // The chain lost what the ledger slashed (stake units of 10^-6 credit at the default 1 per credit,
            // each rounded up, at most one more per slash); the registry reads that figure back.
            let slashedUnits = done.reduce(Int64(0)) { $0 + ($1.amount.units + Amount.unitsPerWhole - 1) / 1_000_000 }
            let left = try await stakeOnChain()
            let most = allocated.subtractingReportingOverflow(UInt256(UInt64(slashedUnits))).partialValue
            #expect(left <= most && left >= most.subtractingReportingOverflow(UInt256(UInt64(done.count))).partialValue)
            try await Slashing.waitForStake(network, op.address, "\(left)")
            let listed = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.slashes()
            }
            #expect(listed.map(\.id) == done.map(\.id) && listed.allSatisfy { $0.state == "confirmed" })
            #expect(listed.first { $0.id == inFlight.id }?.evidence.contains("invalid-proof") == true)
            #expect(network.logText(of: "gateway").contains("slash confirmed on the chain"))
            await network.clean()
        }

        /// Within the veto window the registry already counts the slash (the chain's figure less it); an
        /// administrator cancels it through the running gateway with a one-time code (refused without one, and
        /// without a reason), nothing is sent, and the registry reads the chain's whole figure again.
        @Test func aQueuedSlashCountsAtOnceAndAnAdministratorCancelsItWithACode() async throws {
            let (chain, network, slasher, op, stakeOnChain) = try await Self.started(veto: 3600)
            defer { chain.stop() }
            try await Slashing.startProver(
                network, "liar", operatorKey: op.path,
                extra: ["--misbehave", "wrong-proof", "--ask", "0.1", "--slots", "2"])
            try await Slashing.startProver(network, "honest", operatorKey: op.path)
            try await network.waitForProvers(["liar", "honest"])
            let request = try await Slashing.submit(network, 3, offset: 41)
            #expect(try await Slashing.waitDone(network, request) == .done)
            let queued = try await Self.waitForQueue(network) { !$0.isEmpty }
            #expect(queued.allSatisfy { $0.state == .queued })
            // What the queue owes the chain, in stake units (1 per credit), rounded up once for the sum.
            let owed = queued.reduce(Int64(0)) { $0 + $1.amount.units }
            let pending = (owed + Amount.unitsPerWhole - 1) / Amount.unitsPerWhole
            try await Slashing.waitForStake(network, op.address, "\(1_000_000 - pending)")

            let admin = await network.keys?.admin
            let base = ["--data-dir", network.gatewayDirectory.path]
            let noCode = try Ops.run(
                ["admin", "slashes", "cancel", "\(queued[0].id)", "--reason", "x"] + base, key: admin)
            #expect(noCode.status != 0, "\(noCode.stdout)")
            let noReason = try Ops.run(
                [
                    "admin", "slashes", "cancel", "\(queued[0].id)", "--reason", " ", "--otp",
                    await network.oneTimeCode(),
                ]
                    + base, key: admin)
            #expect(noReason.status != 0 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
            for slash in queued {
                let printed = try Ops.succeed(
                    [
                        "admin", "slashes", "cancel", "\(slash.id)", "--reason", "the deadline was unreasonable",
                        "--otp", await network.oneTimeCode(),
                    ] + base, key: admin)
                #expect(printed.contains(#""state":"cancelled""#), "\(printed)")
            }
            let listed = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.slashes()
            }
            #expect(listed.allSatisfy { $0.state == "cancelled" && $0.reason == "the deadline was unreasonable" })
            #expect(listed.allSatisfy { $0.actor?.hasPrefix("key:") == true })
            try await Slashing.waitForStake(network, op.address, "1000000")
            #expect(try await stakeOnChain() == Self.allocated)
            #expect(try await chain.client.transactionCount(slasher.address, block: "latest") == 0)
            await network.clean()
        }
    }
}
