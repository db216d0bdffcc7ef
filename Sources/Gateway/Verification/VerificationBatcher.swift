import Dispatch
import Foundation
import ProverNetCore

/// Verifies the proofs of each circuit in batches, off the coordinator and off Swift's cooperative pool.
///
/// Batching is natural, as a database's group commit is: a result that finds a verification slot free is
/// verified at once, alone (no added latency); results that arrive while every slot is busy wait, and when a
/// slot frees, the oldest circuit's waiting proofs (up to `maxBatch`) are verified together with one random
/// linear combination (`LoadedCircuit.verifyBatch`: for Groth16 one shared Miller loop and one final
/// exponentiation, with a fallback that verifies each proof alone when the batch fails, so that a bad proof
/// is found and only its prover judged invalid). Circuits take turns, oldest waiting first.
///
/// A pairing check blocks its thread for milliseconds: the batches run on a concurrent dispatch queue of
/// the batcher's own, at most `slots` at once (`--verify-threads`), never on the cooperative pool, which
/// serves the gateway's streams and its actors.
public actor VerificationBatcher {
    /// How verification is batched and how many batches run at once.
    public struct Settings: Sendable, Equatable {
        /// The most proofs in one batch (default 64).
        public var maxBatch: Int
        /// How many batches run at once, each on a thread of its own (default: the machine's active cores).
        public var slots: Int

        public init(maxBatch: Int = 64, slots: Int = ProcessInfo.processInfo.activeProcessorCount) {
            self.maxBatch = maxBatch
            self.slots = slots
        }
    }

    /// One proof waiting for its verdict.
    struct Waiting: Sendable {
        let proof: ProofPayload
        let statement: String
        let circuit: any LoadedCircuit
        let continuation: CheckedContinuation<ProverNetError?, Never>
    }

    public nonisolated let settings: Settings
    let metrics: GatewayMetrics?
    let queue = DispatchQueue(label: "provernet.verification", qos: .userInitiated, attributes: .concurrent)
    /// The proofs waiting, by circuit, in arrival order.
    var waiting: [CircuitID: [Waiting]] = [:]
    /// The circuits with proofs waiting, the next to be served first.
    var turns: [CircuitID] = []
    /// Batches being verified now.
    var running = 0
    /// What the batcher has done since it started.
    public private(set) var statistics = Statistics()

    /// Counts of what was verified, for tests and the bench.
    public struct Statistics: Sendable, Equatable {
        public var batches = 0
        public var proofs = 0
        public var largestBatch = 0
    }

    public init(settings: Settings = Settings(), metrics: GatewayMetrics? = nil) {
        self.settings = Settings(maxBatch: max(1, settings.maxBatch), slots: max(1, settings.slots))
        self.metrics = metrics
    }

    /// The verdict on a proof of `circuit` (registered as `circuitID`): nil when it is valid for `statement`.
    public func verify(_ proof: ProofPayload, statement: String, circuitID: CircuitID, circuit: any LoadedCircuit)
        async -> ProverNetError?
    {
        await withCheckedContinuation { continuation in
            if waiting[circuitID] == nil { turns.append(circuitID) }
            waiting[circuitID, default: []].append(
                Waiting(proof: proof, statement: statement, circuit: circuit, continuation: continuation))
            startBatches()
        }
    }

    /// Proofs waiting for a slot now (for tests and the bench).
    public var waitingCount: Int { waiting.values.reduce(0) { $0 + $1.count } }

    /// Starts a batch per free slot while proofs wait.
    func startBatches() {
        while running < settings.slots, let circuitID = turns.first {
            turns.removeFirst()
            var proofs = waiting.removeValue(forKey: circuitID) ?? []
            let batch = Array(proofs.prefix(settings.maxBatch))
            proofs.removeFirst(batch.count)
            if !proofs.isEmpty {
                waiting[circuitID] = proofs
                turns.append(circuitID)
            }
            guard !batch.isEmpty else { continue }
            running += 1
            statistics.batches += 1
            statistics.proofs += batch.count
            statistics.largestBatch = max(statistics.largestBatch, batch.count)
            let metrics = metrics
            queue.async {
                let start = DispatchTime.now().uptimeNanoseconds
                let verdicts = batch[0].circuit.verifyBatch(batch.map { ($0.proof, $0.statement) })
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                metrics?.verificationBatch(size: batch.count, seconds: seconds)
                for (index, item) in batch.enumerated() {
                    item.continuation.resume(
                        returning: index < verdicts.count
                            ? verdicts[index] : .invalidProof(reason: "the proof system gave no verdict"))
                }
                Task { await self.batchEnded() }
            }
        }
    }

    func batchEnded() {
        running -= 1
        startBatches()
    }
}
