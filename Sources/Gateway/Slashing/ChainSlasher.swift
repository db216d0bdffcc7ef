import Ethereum
import Foundation
import Logging
import ProverNetCore
import Store

/// Carries the ledger's slashes of EigenLayer operators to the chain, each exactly once (`QueuedSlash` has the
/// states). One pass (`runOnce`):
///
/// 1. every ledger transfer that took stake (`stake:OP → slashed | bounty:JOB`) and is not queued yet is queued,
///    to be sent after the veto window (the transfer id is unique in the queue, so a pass after a crash queues
///    nothing twice);
/// 2. a slash `sending` (a previous pass, or a previous run of the gateway, signed it) is broadcast again with
///    the same bytes (same hash, same nonce) and its receipt awaited;
/// 3. when none is in flight, the oldest queued slash past its window is signed and written `sending` (nonce,
///    hash, raw bytes) *before* it is broadcast, then broadcast, then its receipt awaited.
///
/// One slash is in flight at a time, so nonces never race. A receipt with status 1 makes it `confirmed`, status 0
/// `failed` (reverted); a transaction not mined in `receiptSeconds` stays `sending` for the next pass. It fails
/// without a transaction when the operator has no allocated stake left or the call would revert (the
/// estimate's error is the reason).
public actor ChainSlasher {
    public nonisolated let store: any SlashQueueStore & EconomicsStore
    let settings: EigenLayerSettings
    let allocationManager: Address
    let operatorSetID: UInt32
    let slashing: ChainSlashing
    let bonds: BondPolicy
    let client: JSONRPCClient
    let reader: EigenLayerReader
    let logger: Logger
    let clock: @Sendable () -> Int64

    public init(
        store: any SlashQueueStore & EconomicsStore, settings: EigenLayerSettings, slashing: ChainSlashing,
        bonds: BondPolicy, logger: Logger, clock: @escaping @Sendable () -> Int64 = { Clock.nowMillis() }
    ) throws(GatewayError) {
        guard case .operatorSet(let allocationManager, let id) = settings.registration else {
            throw .configuration(
                "slashing on the chain needs the operator-set registration (--allocation-manager and --operator-set)")
        }
        guard let url = URL(string: settings.rpcURL), url.scheme == "http" || url.scheme == "https" else {
            throw .configuration("--eth-rpc \(settings.rpcURL) is not an http(s) URL")
        }
        guard !settings.strategies.isEmpty else { throw .configuration("slashing on the chain needs --strategy") }
        self.store = store
        self.settings = settings
        self.allocationManager = allocationManager
        operatorSetID = id
        self.slashing = slashing
        self.bonds = bonds
        client = JSONRPCClient(url: url, timeoutSeconds: settings.timeoutSeconds)
        reader = EigenLayerReader(client: client)
        self.logger = logger
        self.clock = clock
    }

    /// The slasher's address (the AVS or its appointee).
    public nonisolated var slasher: Address { slashing.slasherKey.address }

    // MARK: Queue

    /// Queues the ledger's stake-taking transfers not queued yet; returns those queued now.
    @discardableResult
    public func scan() async throws(StoreError) -> [QueuedSlash] {
        var after = try await store.lastQueuedTransferID()
        var queued: [QueuedSlash] = []
        while true {
            let transfers = try await store.transfers(after: after, limit: 500)
            guard let last = transfers.last?.id else { break }
            after = last
            let slashes = transfers.compactMap { transfer -> QueuedSlash? in
                guard let id = transfer.id, transfer.from.category == .stake, transfer.amount > .zero,
                    transfer.reason == .slash || transfer.reason == .bounty
                else { return nil }
                let now = clock()
                return QueuedSlash(
                    transferID: id, operator: transfer.from.subject.lowercased(), amount: transfer.amount,
                    evidence: transfer.note, queuedMillis: now, sendAfterMillis: now + slashing.vetoSeconds * 1000)
            }
            let inserted = try await store.enqueueSlashes(slashes)
            for slash in inserted {
                logger.notice(
                    "slash queued for the chain",
                    metadata: [
                        "slash": "\(slash.id)", "operator": "\(slash.operator)", "amount": "\(slash.amount)",
                        "veto_seconds": "\(slashing.vetoSeconds)",
                    ])
            }
            queued += inserted
            if transfers.count < 500 { break }
        }
        return queued
    }

    /// What the queue still owes the chain for `operator` (queued and sending slashes), in the registry's unit:
    /// the registry subtracts it from the chain's figure until the chain has it.
    public func pendingStake(of operator: Address) async -> UInt256 {
        guard let slashes = try? await store.queuedSlashes(states: [.queued, .sending]) else { return .zero }
        let amount = slashes.filter { $0.operator == `operator`.lowercased }.reduce(Amount.zero) { $0 + $1.amount }
        return bonds.stake(of: amount)
    }

    // MARK: Sending

    /// One pass: queue, finish what is in flight, send the next due slash. Errors are logged; the next pass
    /// tries again.
    public func runOnce() async {
        do {
            try await scan()
            let open = try await store.queuedSlashes(states: [.queued, .sending])
            if let inFlight = open.first(where: { $0.state == .sending }) {
                await broadcastAndAwait(inFlight)
                return
            }
            let now = clock()
            guard let due = open.first(where: { $0.state == .queued && $0.sendAfterMillis <= now }) else { return }
            guard let signed = try await sign(due) else { return }
            await broadcastAndAwait(signed)
        } catch {
            logger.warning("slash queue: a pass failed; the next one tries again", metadata: ["error": "\(error)"])
        }
    }

    /// Runs a pass every `intervalSeconds` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await runOnce()
            do { try await Task.sleep(for: .milliseconds(Int(slashing.intervalSeconds * 1000))) } catch { return }
        }
    }

    /// Signs `slash` and writes it `sending` (not broadcast yet); nil when it failed or could not be prepared now
    /// (then it stays queued, or is `failed` with the reason).
    func sign(_ slash: QueuedSlash) async throws(StoreError) -> QueuedSlash? {
        let address: Address
        do { address = try Address(slash.operator) } catch {
            return try await fail(slash, from: .queued, "the operator \(slash.operator) is not an address")
        }
        let set = EigenLayerReader.OperatorSet(avs: settings.avs, id: operatorSetID)
        let prepared: (SignedTransaction, nonce: UInt64, stake: UInt256, wad: UInt256)
        do {
            let stake = try await reader.allocatedStake(
                address, set: set, strategies: settings.strategies, allocationManager: allocationManager)
            guard let wad = EigenLayerSlashing.wad(slashing: bonds.stake(of: slash.amount), of: stake) else {
                return try await fail(slash, from: .queued, "the operator has no allocated stake left to slash")
            }
            let data = EigenLayerSlashing.slashOperatorCall(
                avs: settings.avs, operator: address, operatorSetID: operatorSetID, strategies: settings.strategies,
                wad: wad, description: "provernet slash \(slash.id) (ledger transfer \(slash.transferID))")
            let gas: UInt64
            if let limit = slashing.gasLimit {
                gas = limit
            } else {
                do {
                    let estimate = try await client.estimateGas(from: slasher, to: allocationManager, data: data)
                    gas = estimate + estimate / 4
                } catch .rpcError(_, let message) {
                    // The call would revert (not the AVS's slasher, not a member, …): sending it would only burn gas.
                    return try await fail(slash, from: .queued, "slashOperator would revert: \(message)")
                }
            }
            let tip = try await client.maxPriorityFeePerGas()
            let base = try await client.latestBaseFee()
            // Twice the base fee plus the tip: room for six full blocks of base-fee rises before it is stuck.
            let (doubled, _) = base.addingReportingOverflow(base)
            let (maxFee, _) = doubled.addingReportingOverflow(tip)
            let nonce = try await client.transactionCount(slasher, block: "pending")
            let transaction = EIP1559Transaction(
                chainID: try await client.chainID(), nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                gas: gas, to: allocationManager, data: data)
            prepared = (try transaction.signed(with: slashing.slasherKey), nonce, stake, wad)
        } catch {
            logger.warning(
                "slash not sent yet: the chain cannot be read", metadata: ["slash": "\(slash.id)", "error": "\(error)"])
            return nil
        }
        var sending = slash
        sending.state = .sending
        sending.nonce = Int64(prepared.nonce)
        sending.txHash = Hex.encode(prepared.0.hash)
        sending.rawTransaction = Hex.encode(prepared.0.raw)
        sending.stakeRead = "\(prepared.stake)"
        sending.wad = "\(prepared.wad)"
        sending.sentMillis = clock()
        sending.updatedMillis = clock()
        // Written before the broadcast: a gateway that dies after it broadcasts the same bytes when it is back.
        try await store.updateSlash(sending, from: .queued, actor: "gateway")
        return sending
    }

    /// Broadcasts a `sending` slash's bytes (again) and waits up to `receiptSeconds` for its receipt.
    func broadcastAndAwait(_ slash: QueuedSlash) async {
        guard let rawHex = slash.rawTransaction, let hashHex = slash.txHash, let raw = try? Hex.decode(rawHex),
            let hash = try? Hex.decode(hashHex, count: 32)
        else {
            _ = try? await fail(slash, from: .sending, "the stored transaction is not hex")
            return
        }
        do {
            _ = try await client.sendRawTransaction(raw)
            logger.notice(
                "slash sent to the chain",
                metadata: ["slash": "\(slash.id)", "tx": "\(hashHex)", "nonce": "\(slash.nonce ?? -1)"])
        } catch {
            // Already known, already mined ("nonce too low"), or the node is away: the receipt tells.
            logger.info(
                "slash broadcast answered an error; waiting for its receipt",
                metadata: ["slash": "\(slash.id)", "error": "\(error)"])
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(slashing.receiptSeconds * 1000))
        while true {
            if let receipt = try? await client.transactionReceipt(hash) {
                await record(slash, receipt)
                return
            }
            if ContinuousClock.now >= deadline || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(slashing.pollMillis))
        }
        // Not mined: if the nonce is used all the same, another transaction of the slasher's took it.
        if let nonce = slash.nonce, let mined = try? await client.transactionCount(slasher, block: "latest"),
            mined > UInt64(nonce), (try? await client.transactionReceipt(hash)) == nil
        {
            _ = try? await fail(slash, from: .sending, "nonce \(nonce) was used by another transaction of the slasher")
            return
        }
        logger.info(
            "slash not mined yet: it is broadcast again at the next pass",
            metadata: ["slash": "\(slash.id)", "tx": "\(hashHex)"])
    }

    func record(_ slash: QueuedSlash, _ receipt: TransactionReceipt) async {
        var done = slash
        done.receiptBlock = Int64(receipt.blockNumber)
        done.receiptStatus = Int64(receipt.status)
        done.updatedMillis = clock()
        if receipt.status == 1 {
            done.state = .confirmed
            logger.notice(
                "slash confirmed on the chain",
                metadata: ["slash": "\(slash.id)", "operator": "\(slash.operator)", "block": "\(receipt.blockNumber)"])
        } else {
            done.state = .failed
            done.reason = "the transaction reverted in block \(receipt.blockNumber)"
            logger.error(
                "slash reverted on the chain", metadata: ["slash": "\(slash.id)", "tx": "\(slash.txHash ?? "")"])
        }
        do { try await store.updateSlash(done, from: .sending, actor: "gateway") } catch {
            logger.warning("slash outcome not recorded yet", metadata: ["slash": "\(slash.id)", "error": "\(error)"])
        }
    }

    @discardableResult
    func fail(_ slash: QueuedSlash, from: QueuedSlash.State, _ reason: String) async throws(StoreError)
        -> QueuedSlash?
    {
        var failed = slash
        failed.state = .failed
        failed.reason = reason
        failed.updatedMillis = clock()
        try await store.updateSlash(failed, from: from, actor: "gateway")
        logger.error("slash failed", metadata: ["slash": "\(slash.id)", "reason": "\(reason)"])
        return nil
    }

    // MARK: Administration

    /// Cancels a queued slash (an administrator's veto). Only a `queued` slash can be cancelled: one being sent
    /// is refused with `.staleState`.
    public func cancel(id: Int64, reason: String, actor: String) async throws(StoreError) -> QueuedSlash {
        let cancelled = try await store.cancelSlash(id: id, reason: reason, actor: actor, atMillis: clock())
        logger.notice("slash cancelled", metadata: ["slash": "\(id)", "actor": "\(actor)", "reason": "\(reason)"])
        return cancelled
    }
}
