import Foundation
import ProofSystems
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization
import Testing

@_spi(Testing) @testable import Gateway

/// Batched verification (`VerificationBatcher`) and group commit (`Coordinator.perform`), with real Groth16
/// proofs of a registered synthetic circuit, checked as the prover service checks them (`ResultChecker`) and
/// judged by the coordinator on a real SQLite database.
@Suite struct BatchedVerificationTests {
    typealias Harness = CoordinatorTests.Harness

    /// Real proofs of the harness's circuit: for each leased job, the proof of its input.
    static func proofs(_ harness: Harness, jobs: [Job]) async throws -> [JobID: ProofPayload] {
        let descriptor = try await harness.registry.descriptor(harness.circuit.id)
        let zkey = try #require(
            descriptor.artifacts.first { $0.role == .zkey }.flatMap { harness.artifacts.url(sha256: $0.sha256) })
        let key = try Groth16ProofSystem.loadProvingKey(zkey)
        var proofs: [JobID: ProofPayload] = [:]
        for job in jobs {
            let witness = try Groth16Circuit.Witnesses.synthetic(constraints: Int(harness.circuit.constraints))
                .witness(inputJSON: job.inputJSON)
            let (proof, signals) = try Groth16ProofSystem.prove(key: key, witness: witness, threads: 1)
            proofs[job.id] = ProofPayload(
                proofJSON: String(decoding: proof, as: UTF8.self), publicJSON: String(decoding: signals, as: UTF8.self))
        }
        return proofs
    }

    /// A request of `inputs` inputs whose statements are the ones their inputs imply (as the gateway computes them).
    static func submit(_ harness: Harness, inputs: Int) async throws -> ProofRequest {
        let circuit = try await harness.registry.circuit(harness.circuit.id).circuit
        let jobs = try (0..<inputs).map { index in
            let input = #"{"x": "\#(index + 2)", "y": "3"}"#
            return NewJob(inputJSON: input, statementJSON: try circuit.statement(inputJSON: input, index: index))
        }
        return try await harness.coordinator.submit(
            circuit: harness.circuit, jobClass: .groth16(domainSize: harness.circuit.domainSize), jobs: jobs,
            deadlineSeconds: 600, maxPricePerJob: Amount(whole: 100), redundancy: 1, aggregate: false, owner: nil)
    }

    /// Checks a prover's result as the prover service does, then hands the verdict to the coordinator.
    static func deliver(
        _ proof: ProofPayload, job: Job, prover: ProverID, harness: Harness, checker: ResultChecker
    ) async throws {
        let (job, request) = try await harness.coordinator.checkLease(prover: prover, job: job.id, epoch: job.epoch)
        let checked = await checker.check(proof, proveMillis: 100, job: job, request: request, statements: [])
        await harness.coordinator.resultArrived(prover, job: job.id, epoch: job.epoch, checked)
    }

    func checker(_ harness: Harness, _ settings: VerificationBatcher.Settings) -> ResultChecker {
        ResultChecker(
            circuits: harness.registry, aggregation: nil, limits: .default,
            batcher: VerificationBatcher(settings: settings, metrics: harness.coordinator.metrics))
    }

    @Test func aBadProofInABatchIsFoundAndOnlyItsProverRefusedTheOthersPaid() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        var provers: [Harness.Prover] = []
        for index in 0..<8 { provers.append(try await harness.connect("p\(index)")) }
        let request = try await Self.submit(harness, inputs: 8)
        #expect(await harness.coordinator.runRounds() == 8)
        let leases = try await harness.leases(request.id)
        var proofs = try await Self.proofs(harness, jobs: Array(leases.values))
        let cheater = provers[3].id
        let cheated = try #require(leases[cheater])
        proofs[cheated.id] = try #require(Groth16ProofSystem().tampered(proofs[cheated.id]!))
        // One verification slot: the first proof is verified at once, the seven that arrive meanwhile together.
        let checker = checker(harness, .init(maxBatch: 64, slots: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (prover, job) in leases {
                let proof = proofs[job.id]!
                group.addTask {
                    try await Self.deliver(proof, job: job, prover: prover, harness: harness, checker: checker)
                }
            }
            try await group.waitForAll()
        }
        let stats = await checker.batcher.statistics
        #expect(stats.proofs == 8)
        #expect(stats.largestBatch > 1, "the proofs that arrived while one was verified were verified together")
        #expect(stats.batches < 8)
        // Only the cheater's proof was refused; every other prover is paid once.
        let paid = Set(try await harness.payments(request.id).compactMap(\.proverID))
        #expect(paid == Set(provers.map(\.id)).subtracting([cheater]))
        #expect(try await harness.store.prover(id: cheater)?.jobsRejected == 1)
        for prover in provers where prover.id != cheater {
            #expect(try await harness.store.prover(id: prover.id)?.jobsRejected == 0)
            #expect(try await harness.store.prover(id: prover.id)?.jobsVerified == 1)
        }
        let (_, jobs) = try await harness.coordinator.snapshot(request.id)
        #expect(jobs.first { $0.id == cheated.id }?.attempts == 1)
    }

    @Test func aLoneProofIsVerifiedAtOnceNotHeldForABatch() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await Self.submit(harness, inputs: 1)
        #expect(await harness.coordinator.runRounds() == 1)
        let job = try #require(try await harness.leases(request.id)[prover.id])
        let proof = try #require(try await Self.proofs(harness, jobs: [job])[job.id])
        let checker = checker(harness, .init(maxBatch: 64, slots: 1))
        let loaded = try await harness.registry.circuit(request.circuitID).circuit
        // Alone, the proof is its own batch, started as it arrives: no wait for others to fill it.
        let direct = ContinuousClock().measure { _ = loaded.verifyBatch([(proof, job.statementJSON)]) }
        let start = ContinuousClock.now
        try await Self.deliver(proof, job: job, prover: prover.id, harness: harness, checker: checker)
        let elapsed = ContinuousClock.now - start
        #expect(await checker.batcher.statistics.batches == 1)
        #expect(await checker.batcher.statistics.largestBatch == 1)
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
        // The whole path (lease check, verification, commit) within a second of one verification's time.
        #expect(elapsed < direct + .seconds(1))
    }

    @Test func concurrentEventsCommitInFewerTransactionsWithTheSameStateAsOneByOne() async throws {
        func run(concurrently: Bool) async throws -> (commits: [Int], paid: Int, verified: [Int64], balanced: Bool) {
            let harness = try await Harness()
            defer { harness.remove() }
            var provers: [Harness.Prover] = []
            for index in 0..<16 { provers.append(try await harness.connect("p\(index)")) }
            let request = try await harness.submit(inputs: 16)
            #expect(await harness.coordinator.runRounds() == 16)
            let leases = try await harness.leases(request.id)
            harness.failing.commits.withLock { $0 = [] }
            if concurrently {
                await withTaskGroup(of: Void.self) { group in
                    for (prover, job) in leases { group.addTask { await harness.accept(job, by: prover) } }
                }
            } else {
                for (prover, job) in leases { await harness.accept(job, by: prover) }
            }
            #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
            var verified: [Int64] = []
            for prover in provers { verified.append(try await harness.store.prover(id: prover.id)?.jobsVerified ?? -1) }
            return (
                harness.failing.commits.withLock { $0 }, try await harness.payments(request.id).count, verified,
                try await harness.store.ledgerTotals().balances
            )
        }
        let alone = try await run(concurrently: false)
        let together = try await run(concurrently: true)
        #expect(alone.commits.allSatisfy { $0 == 1 } && alone.commits.count == 16)
        // Sixteen acceptances (and the request's end) in fewer transactions than events.
        #expect(together.commits.count < 16)
        #expect(together.commits.contains { $0 > 1 })
        #expect(together.paid == alone.paid && together.paid == 16)
        #expect(together.verified == alone.verified)
        #expect(together.balanced && alone.balanced)
    }

    @Test func aFailedGroupCommitRefusesAllItsEventsAndLeavesTheBookAsCommitted() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        var provers: [Harness.Prover] = []
        for index in 0..<6 { provers.append(try await harness.connect("p\(index)")) }
        let request = try await harness.submit(inputs: 6)
        #expect(await harness.coordinator.runRounds() == 6)
        let leases = try await harness.leases(request.id)
        // Each commit waits a little before it fails, so that the events behind the first form a group.
        harness.failing.delayMillis.withLock { $0 = 100 }
        harness.failing.fail(true)
        await withTaskGroup(of: Void.self) { group in
            for (prover, job) in leases { group.addTask { await harness.accept(job, by: prover) } }
        }
        #expect(harness.failing.failedGroups.withLock { $0 }.contains { $0 > 1 })
        // Every prover is told its acceptance could not be stored; the leases stand, nobody is paid.
        for prover in provers {
            let job = try #require(leases[prover.id])
            let verdict = await CoordinatorTests.next(prover) { if case .verdict = $0 { true } else { false } }
            #expect(
                verdict
                    == .verdict(
                        job: job.id, epoch: job.epoch, accepted: false,
                        reason: "\(LeaseRefusal.notDurable(job: job.id))"))
        }
        #expect(try await harness.leases(request.id) == leases)
        #expect(try await harness.payments(request.id).isEmpty)
        #expect(try await harness.store.request(id: request.id)?.state.phase != .done)
        #expect(await harness.coordinator.writeFailure != nil)
        // Once the database is back, the same results are accepted.
        harness.failing.delayMillis.withLock { $0 = 0 }
        harness.failing.fail(false)
        for (prover, job) in leases { await harness.accept(job, by: prover) }
        #expect(try await harness.payments(request.id).count == 6)
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
    }
}
