import Ethereum
import Foundation
import Logging
import ProverNetCore
import Store
import Synchronization
import TestSupport
import Testing

@testable import Gateway

/// The queue of EigenLayer slashes against a real chain (Tests/Chain/chain.py, the Vyper AllocationManager with
/// EigenLayer's `slashOperator`) and a real SQLite file: a slash waits out its veto window, can be cancelled, is
/// sent once as a signed EIP-1559 transaction, lowers the stake the registry reads back, and a gateway that
/// stops between the sending and the receipt (or between writing the transaction and broadcasting it) neither
/// loses it nor sends it twice.
@Suite(
    .serialized, .enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-tester, py-evm, vyper): run scripts/setup"))
struct ChainSlasherTests {
    final class TestClock: Sendable {
        let millis = Mutex<Int64>(1_000_000)
        func now() -> Int64 { millis.withLock { $0 } }
        func advance(seconds: Int64) { millis.withLock { $0 += seconds * 1000 } }
    }

    static let token = try! UInt256("1000000000000000000")

    /// A chain with an operator in set 1 of the AVS (accounts[0]), 100 tokens allocated in each of two
    /// strategies, and a funded slasher key the AVS appointed.
    struct Deployment {
        let chain: LocalChain
        let op: Address
        let settings: EigenLayerSettings
        let slasherKey: PrivateKey
        let directory: URL
        var path: String { directory.appendingPathComponent("gateway.sqlite").path }

        static func start() async throws -> Deployment {
            let chain = try await LocalChain.start()
            let (avs, op) = (chain.accounts[0], chain.accounts[1])
            let strategies = [chain.accounts[4], chain.accounts[5]]
            try await chain.transact(
                chain.allocationManager, "setMember(address,uint32,address,bool)",
                [.address(avs), .uint(UInt256(1)), .address(op), .bool(true)])
            for strategy in strategies {
                try await chain.transact(
                    chain.allocationManager, "setAllocated(address,uint32,address,address,uint256)",
                    [
                        .address(avs), .uint(UInt256(1)), .address(op), .address(strategy),
                        .uint(try #require(token.multipliedReportingOverflow(by: 100))),
                    ])
            }
            try await chain.transact(chain.delegationManager, "setOperator(address,bool)", [.address(op), .bool(true)])
            let key = PrivateKey.generate()
            try await chain.fund(key.address, wei: token)
            try await chain.transact(chain.allocationManager, "setSlasher(address)", [.address(key.address)], from: avs)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chain-slasher-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return Deployment(
                chain: chain, op: op,
                settings: EigenLayerSettings(
                    rpcURL: chain.url, delegationManager: chain.delegationManager, avs: avs,
                    registration: .operatorSet(allocationManager: chain.allocationManager, id: 1),
                    strategies: strategies),
                slasherKey: key, directory: directory)
        }

        func slasher(_ store: SQLiteStore, clock: TestClock) throws -> ChainSlasher {
            try ChainSlasher(
                store: store, settings: settings,
                slashing: ChainSlashing(slasherKey: slasherKey, vetoSeconds: 60, receiptSeconds: 1, pollMillis: 100),
                bonds: BondPolicy(stakeUnitsPerCredit: 1_000_000_000_000_000_000), logger: Logger(label: "test"),
                clock: { clock.now() })
        }

        /// The registry as the gateway wires it: the chain's stake less what the queue still owes it.
        func registry(_ store: SQLiteStore, _ slasher: ChainSlasher) async throws -> OperatorRegistry {
            var policy = OperatorPolicy()
            policy.source = .eigenLayer(settings)
            let registry = OperatorRegistry(
                policy: policy, store: store, source: try EigenLayerOperatorSource(settings: settings),
                logger: Logger(label: "test"))
            await registry.setSlashedStake { address in await slasher.pendingStake(of: address) }
            _ = try await store.allowOperator(address: op.lowercased, name: "op", atMillis: 1)
            return registry
        }

        func stakeOnChain() async throws -> UInt256 {
            try await EigenLayerReader(client: chain.client).allocatedStake(
                op, set: .init(avs: settings.avs, id: 1), strategies: settings.strategies,
                allocationManager: chain.allocationManager)
        }

        /// A ledger slash of `credits` whole credits from the operator's stake.
        func slash(_ store: SQLiteStore, credits: Int64, reason: Transfer.Reason = .slash, to: LedgerAccount = .slashed)
            async throws
        {
            var changes = StoreChanges()
            changes.transfers = [
                Transfer(
                    atMillis: 1, reason: reason, from: .stake(op.lowercased), to: to,
                    amount: Amount(units: credits * Amount.unitsPerWhole), note: #"{"kind":"invalid-proof"}"#)
            ]
            try await store.commit(changes)
        }
    }

    func stake(_ registry: OperatorRegistry, _ op: Address) async throws -> UInt256 {
        await registry.refresh(op)
        return try #require(try await registry.view().first).stake
    }

    @Test func aSlashPastItsVetoIsSentOnceAndSurvivesARestartBeforeItsReceipt() async throws {
        let deployment = try await Deployment.start()
        defer {
            deployment.chain.stop()
            try? FileManager.default.removeItem(at: deployment.directory)
        }
        let clock = TestClock()
        let client = deployment.chain.client
        let slasherAddress = deployment.slasherKey.address
        var store = try SQLiteStore(path: deployment.path, verifiesLedger: false)
        var slasher = try deployment.slasher(store, clock: clock)
        var registry = try await deployment.registry(store, slasher)
        let full = try #require(Self.token.multipliedReportingOverflow(by: 200))
        #expect(try await stake(registry, deployment.op) == full)

        // Two slashes in the ledger (5 credits and a bounty of 2): queued, not sent during the veto window, and
        // the registry's figure already lower by both.
        try await deployment.slash(store, credits: 5)
        try await deployment.slash(store, credits: 2, reason: .bounty, to: .bounty(JobID("j1")))
        await slasher.runOnce()
        let queued = try await store.queuedSlashes(states: [])
        #expect(queued.map(\.state) == [.queued, .queued])
        #expect(queued.map(\.sendAfterMillis) == [clock.now() + 60_000, clock.now() + 60_000])
        clock.advance(seconds: 59)
        await slasher.runOnce()
        #expect(try await client.transactionCount(slasherAddress, block: "latest") == 0)
        #expect(try await stake(registry, deployment.op) == full - Self.token * 7)

        // An administrator cancels the bounty's; only a queued slash can be cancelled.
        let cancelled = try await slasher.cancel(
            id: queued[1].id, reason: "the client's deadline was too short", actor: "key:a1")
        #expect(cancelled.state == .cancelled)
        await #expect(throws: StoreError.self) {
            _ = try await slasher.cancel(id: queued[1].id, reason: "again", actor: "key:a1")
        }
        #expect(try await stake(registry, deployment.op) == full - Self.token * 5)

        // Past the window, with the node holding transactions in its pool: signed, written, broadcast, and no
        // receipt within the attempt's second. It stays `sending`; the chain has not changed.
        try await deployment.chain.setAutomine(false)
        clock.advance(seconds: 2)
        await slasher.runOnce()
        let sending = try #require(try await store.queuedSlash(id: queued[0].id))
        #expect(sending.state == .sending)
        #expect(sending.nonce == 0 && sending.wad == "25000000000000000" && sending.stakeRead == "\(full)")
        let hash = try #require(sending.txHash)
        let raw = try Hex.decode(try #require(sending.rawTransaction))
        #expect(Hex.encode(SignedTransaction(raw: raw).hash) == hash)
        #expect(try await deployment.stakeOnChain() == full)
        #expect(try await stake(registry, deployment.op) == full - Self.token * 5)

        // The gateway stops here and starts again (a new store on the same file, a new queue); the node mines.
        try await store.close()
        store = try SQLiteStore(path: deployment.path, verifiesLedger: false)
        slasher = try deployment.slasher(store, clock: clock)
        registry = try await deployment.registry(store, slasher)
        try await deployment.chain.setAutomine(true)
        await slasher.runOnce()
        let confirmed = try #require(try await store.queuedSlash(id: queued[0].id))
        #expect(confirmed.state == .confirmed && confirmed.receiptStatus == 1 && confirmed.txHash == hash)
        #expect(try await client.transactionReceipt(try Hex.decode(hash))?.status == 1)
        // Sent once: the slasher's one transaction; 5 of 200 tokens (a wad of 0.025) gone from the chain, and the
        // registry reads that figure back with nothing pending.
        #expect(try await client.transactionCount(slasherAddress, block: "latest") == 1)
        #expect(try await deployment.stakeOnChain() == full - Self.token * 5)
        #expect(try await stake(registry, deployment.op) == full - Self.token * 5)
        // More passes send nothing more.
        clock.advance(seconds: 3600)
        await slasher.runOnce()
        await slasher.runOnce()
        #expect(try await client.transactionCount(slasherAddress, block: "latest") == 1)
        #expect(try await store.queuedSlashes(states: [.queued, .sending]).isEmpty)
        let actions = try await store.auditEntries(after: 0, limit: 100).map(\.action).filter { $0.hasPrefix("slash.") }
        #expect(actions == ["slash.queued", "slash.queued", "slash.cancelled", "slash.sending", "slash.confirmed"])
        try await store.close()
    }

    /// A gateway that dies after writing the signed transaction and before broadcasting it: the next run
    /// broadcasts the stored bytes (the same hash and nonce). A slash the chain would refuse fails without a
    /// transaction, with the revert as its reason.
    @Test func aSignedSlashNeverBroadcastIsBroadcastAfterARestartAndARevertingOneFails() async throws {
        let deployment = try await Deployment.start()
        defer {
            deployment.chain.stop()
            try? FileManager.default.removeItem(at: deployment.directory)
        }
        let clock = TestClock()
        let client = deployment.chain.client
        var store = try SQLiteStore(path: deployment.path, verifiesLedger: false)
        var slasher = try deployment.slasher(store, clock: clock)
        try await deployment.slash(store, credits: 50)
        try await slasher.scan()
        clock.advance(seconds: 61)
        let due = try #require(try await store.queuedSlashes(states: [.queued]).first)
        let signed = try #require(try await slasher.sign(due))
        #expect(try await store.queuedSlash(id: due.id)?.state == .sending)
        #expect(try await client.transactionCount(deployment.slasherKey.address, block: "latest") == 0)
        try await store.close()

        store = try SQLiteStore(path: deployment.path, verifiesLedger: false)
        slasher = try deployment.slasher(store, clock: clock)
        await slasher.runOnce()
        let done = try #require(try await store.queuedSlash(id: due.id))
        #expect(done.state == .confirmed && done.txHash == signed.txHash && done.nonce == 0)
        #expect(try await client.transactionCount(deployment.slasherKey.address, block: "latest") == 1)
        let left = try #require(Self.token.multipliedReportingOverflow(by: 150))
        #expect(try await deployment.stakeOnChain() == left)

        // The AVS takes the appointment back: the next slash would revert, so it fails unsent, with the reason.
        try await deployment.chain.transact(
            deployment.chain.allocationManager, "setSlasher(address)", [.address(deployment.chain.accounts[9])],
            from: deployment.settings.avs)
        try await deployment.slash(store, credits: 1)
        await slasher.runOnce()
        #expect(try await store.queuedSlashes(states: []).last?.state == .queued)
        clock.advance(seconds: 61)
        await slasher.runOnce()
        let refused = try #require(try await store.queuedSlashes(states: []).last)
        #expect(refused.state == .failed && refused.txHash == nil)
        #expect(refused.reason?.contains("slashOperator would revert") == true)
        #expect(try await client.transactionCount(deployment.slasherKey.address, block: "latest") == 1)
        #expect(try await deployment.stakeOnChain() == left)
        try await store.close()
    }
}

extension UInt256 {
    fileprivate static func * (a: UInt256, b: UInt64) -> UInt256 { a.multipliedReportingOverflow(by: b)! }
    fileprivate static func - (a: UInt256, b: UInt256) -> UInt256 { a.subtractingReportingOverflow(b).partialValue }
}
