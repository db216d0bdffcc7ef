import Foundation
import Logging
import ProofSystems
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization
import Testing

@_spi(Testing) @testable import Gateway

/// The coordinator around the job book, on a real SQLite database: what it commits, what it sends and
/// when, and that what the book decides survives in the store. The job book's rules are tested alone in
/// `JobBookTests`; the network tests run the same code through real processes.
@Suite struct CoordinatorTests {
    /// A clock the test moves.
    final class TestClock: Sendable {
        let millis = Mutex<Int64>(1_000_000)
        func now() -> Int64 { millis.withLock { $0 } }
        func advance(_ delta: Int64) { millis.withLock { $0 += delta } }
    }

    /// A coordinator on a fresh database with one synthetic circuit.
    struct Harness {
        let directory: URL
        let store: SQLiteStore
        /// The store the coordinator writes through: `failing.fail(true)` makes its commits fail.
        let failing: FailingStore
        let coordinator: Coordinator
        let circuit: CircuitDescriptor
        let registry: CircuitRegistry
        let artifacts: ArtifactStore
        let clock = TestClock()

        init(_ configure: (inout GatewayConfiguration) -> Void = { _ in }) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "gateway-tests-\(UUID().uuidString)")
            var configuration = GatewayConfiguration(dataDirectory: directory.path)
            configuration.developmentTLS = true
            configure(&configuration)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Every commit checks the ledger's invariants in its transaction.
            store = try SQLiteStore(path: configuration.databasePath, verifiesLedger: true)
            failing = FailingStore(store)
            let artifacts = try ArtifactStore(directory: configuration.artifactsDirectory)
            self.artifacts = artifacts
            let logger = Logger(label: "test")
            let registry = CircuitRegistry(
                store: store, artifacts: artifacts, proofSystems: .standard(), limits: configuration.limits,
                logger: logger)
            self.registry = registry
            circuit = try await registry.register(kind: .synthetic, constraints: 30, name: "test", uploaded: [])
            let clock = self.clock
            coordinator = Coordinator(
                store: failing, circuits: registry, artifacts: artifacts, aggregation: nil,
                configuration: configuration,
                logger: logger, clock: { clock.now() })
        }

        /// An allowlisted prover, connected, with the instructions the gateway sends it.
        struct Prover: Sendable {
            let id: ProverID
            let connection: UInt64
            let messages: AsyncStream<ProverInstruction>
        }

        func connect(_ name: String, seconds: Double = 0.1, held: Set<JobID> = []) async throws -> Prover {
            let key = Self.publicKey(name)
            let id = ProverAuthentication.proverID(publicKey: key)
            _ = try await store.allowProver(id: id, publicKeyHex: key.hex, name: name, atMillis: clock.now())
            let hello = ProverAnnouncement(
                id: id, name: name, slots: 1, maxConstraints: 1 << 20, proofSystems: [Groth16ProofSystem.name],
                secondsPerJob: [.groth16(domainSize: circuit.domainSize): seconds], askPerUnit: 1, askByClass: [:])
            let (stream, continuation) = AsyncStream<ProverInstruction>.makeStream()
            let connection = await coordinator.connect(hello, held: held, outbound: continuation)
            return Prover(id: id, connection: connection, messages: stream)
        }

        func submit(
            inputs: Int, redundancy: Int = 1, deadlineSeconds: Int = 600, maxPrice: Amount = Amount(whole: 100),
            owner: String? = nil
        ) async throws -> ProofRequest {
            let jobs = (0..<inputs).map { NewJob(inputJSON: #"{"x": "\#($0 + 2)", "y": "3"}"#, statementJSON: "[]") }
            return try await coordinator.submit(
                circuit: circuit, jobClass: .groth16(domainSize: circuit.domainSize), jobs: jobs,
                deadlineSeconds: deadlineSeconds, maxPricePerJob: maxPrice,
                redundancy: redundancy, aggregate: false, owner: owner)
        }

        /// The leased jobs of a request, by prover.
        func leases(_ request: RequestID) async throws -> [ProverID: Job] {
            let (_, jobs) = try await coordinator.snapshot(request)
            var leases: [ProverID: Job] = [:]
            for job in jobs {
                if let lease = job.state.lease { leases[lease.prover] = job }
            }
            return leases
        }

        func accept(_ job: Job, by prover: ProverID) async {
            await coordinator.resultArrived(
                prover, job: job.id, epoch: job.epoch,
                CheckedResult(assumingValid: ProofPayload(proofJSON: "{}", publicJSON: "[]"), proveMillis: 100))
        }

        func payments(_ request: RequestID) async throws -> [LedgerEntry] {
            try await store.ledger(requestID: request).filter { $0.kind == .proverPayment }
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// A 32-byte stand-in public key per name, for the allowlist: the SHA-256 of the name (the
        /// coordinator never sees the stream's signature check, so only the key's identity matters here).
        static func publicKey(_ name: String) -> [UInt8] { [UInt8](hex: ContentHash.sha256Hex(Array(name.utf8))) ?? [] }
    }

    /// The next instruction for a prover that matches.
    static func next(
        _ prover: Harness.Prover, where match: (ProverInstruction) -> Bool
    ) async -> ProverInstruction? {
        for await instruction in prover.messages where match(instruction) { return instruction }
        return nil
    }

    @Test func redundancyLeasesEachInputToDifferentProversAndPaysTheFirstProofOnly() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let provers = [try await harness.connect("a"), try await harness.connect("b"), try await harness.connect("c")]
        let request = try await harness.submit(inputs: 2, redundancy: 2)
        #expect(request.inputCount == 2)
        #expect(await harness.coordinator.runRounds() == 3)
        let (_, jobs) = try await harness.coordinator.snapshot(request.id)
        #expect(jobs.count == 4)
        for index in 0..<2 {
            let holders = jobs.filter { $0.index == index }.compactMap { $0.state.lease?.prover }
            #expect(Set(holders).count == holders.count)
        }
        let leased = jobs.filter { $0.state.lease != nil }
        let winner = try #require(leased.first { $0.index == 0 })
        let winnerProver = try #require(winner.state.lease?.prover)
        await harness.accept(winner, by: winnerProver)
        let (_, after) = try await harness.coordinator.snapshot(request.id)
        #expect(after.filter { $0.index == 0 && $0.id != winner.id }.allSatisfy { $0.state.phase == .cancelled })
        // The winner is told its verdict, and the holder of the sibling to stop.
        let prover = try #require(provers.first { $0.id == winnerProver })
        let verdict = await Self.next(prover) { if case .verdict = $0 { true } else { false } }
        #expect(verdict == .verdict(job: winner.id, epoch: 1, accepted: true, reason: ""))
        if let loser = jobs.first(where: { $0.index == 0 && $0.id != winner.id && $0.state.lease != nil }),
            let holder = provers.first(where: { $0.id == loser.state.lease?.prover })
        {
            let stop = await Self.next(holder) { if case .stop(loser.id, _, _) = $0 { true } else { false } }
            #expect(stop != nil)
            await harness.accept(loser, by: holder.id)
            #expect(try await harness.payments(request.id).count == 1)
        }
        await harness.coordinator.runRounds()
        let (_, now) = try await harness.coordinator.snapshot(request.id)
        let input1 = try #require(now.first { $0.index == 1 && $0.state.lease != nil })
        await harness.accept(input1, by: try #require(input1.state.lease?.prover))
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
        let payments = try await harness.payments(request.id)
        #expect(payments.count == 2 && Set(payments.map(\.jobID)).count == 2)
        #expect(try await harness.store.ledgerTotals().balances)
    }

    @Test func aResultSentTwiceIsAcceptedOnceAndAcknowledgedAgainEvenAfterItsRequestEnded() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let other = try await harness.connect("b")
        let request = try await harness.submit(inputs: 2)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        await harness.accept(job, by: prover.id)
        await harness.accept(job, by: prover.id)
        #expect(try await harness.payments(request.id).count == 1)
        let second = try #require(try await harness.leases(request.id)[other.id])
        await harness.accept(second, by: other.id)
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
        // The request has left memory: the store says it was accepted, so it is acknowledged again.
        await harness.accept(job, by: prover.id)
        var verdicts: [ProverInstruction] = []
        for await instruction in prover.messages {
            if case .verdict = instruction { verdicts.append(instruction) }
            if verdicts.count == 3 { break }
        }
        #expect(
            verdicts == [
                .verdict(job: job.id, epoch: 1, accepted: true, reason: ""),
                .verdict(job: job.id, epoch: 1, accepted: true, reason: "already accepted"),
                .verdict(job: job.id, epoch: 1, accepted: true, reason: "already accepted"),
            ])
        #expect(try await harness.payments(request.id).count == 2)
    }

    @Test func aProverThatDisappearsCostsTheJobNoAttemptButCountsOnItsRecord() async throws {
        let harness = try await Harness {
            $0.heartbeatInterval = .milliseconds(50)
            $0.leaseHeartbeats = 2
        }
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        await harness.coordinator.disconnect(prover.id, connection: prover.connection)
        // The lease stands until it lapses ...
        #expect(try await harness.leases(request.id)[prover.id]?.id == job.id)
        harness.clock.advance(250)
        await harness.coordinator.tick()
        // ... then the job goes back to the market, its attempts untouched, and the prover's record pays.
        let stored = try #require(try await harness.store.job(id: job.id))
        #expect(stored.state == .pending && stored.attempts == 0)
        #expect(try await harness.store.prover(id: prover.id)?.jobsLost == 1)
    }

    @Test func aProverThatReconnectsInTimeKeepsItsLease() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        await harness.coordinator.disconnect(prover.id, connection: prover.connection)
        let again = try await harness.connect("a", held: [job.id])
        await harness.coordinator.tick()
        let kept = try #require(try await harness.leases(request.id)[again.id])
        #expect(kept.id == job.id && kept.epoch == job.epoch)
        await harness.accept(kept, by: again.id)
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
    }

    @Test func heartbeatsExtendLeasesInMemoryAtOnceAndOnDiskCoalesced() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        let granted = try #require(job.state.lease?.expiresMillis)
        harness.clock.advance(20)
        await harness.coordinator.heartbeat(
            prover.id, connection: prover.connection,
            HeartbeatReport(
                freeSlots: 0, jobs: [ProgressReport(job: job.id, epoch: job.epoch, fraction: 0.2, stage: "proving")]))
        let extended = try #require(try await harness.leases(request.id)[prover.id]?.state.lease)
        #expect(extended.expiresMillis > granted && extended.started)
        // Not yet on disk: heartbeats do not cost a transaction each.
        #expect(try await harness.store.job(id: job.id)?.state.lease?.expiresMillis == granted)
        await harness.coordinator.flush()
        let stored = try #require(try await harness.store.job(id: job.id)?.state.lease)
        #expect(stored.expiresMillis == extended.expiresMillis && stored.started)
        #expect(stored == extended)
    }

    @Test func aRequestFailsOnlyWhenNoReplicaOfAnInputIsLeft() async throws {
        let harness = try await Harness { $0.maxAttempts = 1 }
        defer { harness.remove() }
        let a = try await harness.connect("a")
        let b = try await harness.connect("b")
        let request = try await harness.submit(inputs: 1, redundancy: 2)
        await harness.coordinator.runRounds()
        let leases = try await harness.leases(request.id)
        let first = try #require(leases[a.id])
        let second = try #require(leases[b.id])
        await harness.coordinator.resultArrived(a.id, job: first.id, epoch: first.epoch, .invalid("bad"))
        #expect(try await harness.store.request(id: request.id)?.state.phase == .proving)
        await harness.coordinator.failureReported(b.id, job: second.id, epoch: second.epoch, reason: "bad")
        let ended = try #require(try await harness.store.request(id: request.id))
        #expect(ended.state.phase == .failed && (ended.state.reason ?? "").contains("failed 1 times"))
        #expect(try await harness.store.prover(id: a.id)?.jobsRejected == 1)
        #expect(try await harness.store.prover(id: b.id)?.jobsFailed == 1)
    }

    @Test func aGatewayRestartedResumesOpenRequestsFromTheStore() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 2)
        await harness.coordinator.runRounds()
        let leased = try #require(try await harness.leases(request.id)[prover.id])
        // A second coordinator on the same database, as after a crash.
        let artifacts = try ArtifactStore(directory: harness.directory.appendingPathComponent("artifacts").path)
        let configuration = GatewayConfiguration(dataDirectory: harness.directory.path)
        let restarted = Coordinator(
            store: harness.store,
            circuits: CircuitRegistry(
                store: harness.store, artifacts: artifacts, proofSystems: .standard(), limits: .default,
                logger: Logger(label: "t")),
            artifacts: artifacts, aggregation: nil, configuration: configuration, logger: Logger(label: "t"))
        try await restarted.recover()
        let (resumed, jobs) = try await restarted.snapshot(request.id)
        #expect(resumed.state == .proving)
        #expect(jobs.first { $0.id == leased.id }?.state.lease?.prover == prover.id)
        #expect(await restarted.healthCounts().openRequests == 1)
    }

    @Test func aRestartedGatewayFoldsTheSameReputationsFromTheStore() async throws {
        let harness = try await Harness { $0.maxAttempts = 1 }
        defer { harness.remove() }
        let a = try await harness.connect("a")
        let b = try await harness.connect("b")
        let request = try await harness.submit(inputs: 1, redundancy: 2)
        await harness.coordinator.runRounds()
        let leases = try await harness.leases(request.id)
        let (first, second) = (try #require(leases[a.id]), try #require(leases[b.id]))
        await harness.coordinator.resultArrived(a.id, job: first.id, epoch: first.epoch, .invalid("bad"))
        harness.clock.advance(3_600_000)
        await harness.coordinator.failureReported(b.id, job: second.id, epoch: second.epoch, reason: "oom")
        let records = await harness.coordinator.reputationRecords
        #expect(records.provers[a.id]?.rejected == 1 && records.provers[b.id]?.failed == 1)
        // A second coordinator on the same database, on the same clock, as after a restart.
        let artifacts = try ArtifactStore(directory: harness.directory.appendingPathComponent("artifacts").path)
        let clock = harness.clock
        let restarted = Coordinator(
            store: harness.store,
            circuits: CircuitRegistry(
                store: harness.store, artifacts: artifacts, proofSystems: .standard(), limits: .default,
                logger: Logger(label: "t")),
            artifacts: artifacts, aggregation: nil,
            configuration: GatewayConfiguration(dataDirectory: harness.directory.path),
            logger: Logger(label: "t"), clock: { clock.now() })
        try await restarted.recover()
        #expect(await restarted.reputationRecords == records)
        let before = await harness.coordinator.reputations(provers: [a.id, b.id], operators: [])
        let after = await restarted.reputations(provers: [a.id, b.id], operators: [])
        #expect(after.provers == before.provers && before.provers[a.id] == 0.7)
    }

    @Test func aCancelOfAnEndedRequestLeavesItAsItWas() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let request = try await harness.submit(inputs: 1)
        #expect(try await harness.coordinator.cancel(request.id) == .cancelled)
        #expect(try await harness.coordinator.cancel(request.id) == .cancelled)
        await #expect(throws: GatewayError.self) { try await harness.coordinator.cancel("req-unknown") }
        #expect(try await harness.store.request(id: request.id)?.state.reason == "cancelled by the client")
    }

    @Test func anEventWhoseWriteFailsIsRefusedNotHalfApplied() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        harness.failing.fail(true)
        // The round's leases cannot be stored: nothing is assigned, nobody is told, the job still waits.
        #expect(await harness.coordinator.runRounds() == 0)
        #expect(try await harness.leases(request.id).isEmpty)
        #expect(await harness.coordinator.writeFailure == .write(reason: "disk full (injected)"))
        // A submission that cannot be stored is refused with why.
        await #expect(throws: Coordinator.EventFailure.self) { _ = try await harness.submit(inputs: 1) }
        harness.failing.fail(false)
        #expect(await harness.coordinator.runRounds() == 1)
        #expect(await harness.coordinator.writeFailure == nil)
        let job = try #require(try await harness.leases(request.id)[prover.id])
        let assigned = await Self.next(prover) { if case .assign = $0 { true } else { false } }
        #expect(
            assigned.map { if case .assign(let a) = $0 { a.job.id == job.id && a.lease.epoch == 1 } else { false } }
                == true)
        // A proof whose acceptance cannot be stored is not accepted: the prover is told to send it again, and
        // the lease stands.
        harness.failing.fail(true)
        await harness.accept(job, by: prover.id)
        let verdict = await Self.next(prover) { if case .verdict = $0 { true } else { false } }
        #expect(
            verdict
                == .verdict(job: job.id, epoch: 1, accepted: false, reason: "\(LeaseRefusal.notDurable(job: job.id))"))
        #expect(try await harness.leases(request.id)[prover.id]?.id == job.id)
        #expect(try await harness.payments(request.id).isEmpty)
        harness.failing.fail(false)
        await harness.accept(job, by: prover.id)
        #expect(try await harness.store.request(id: request.id)?.state.phase == .done)
        #expect(try await harness.payments(request.id).count == 1)
    }

    @Test func aRevokedProverIsDisconnectedAtOnce() async throws {
        let harness = try await Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        #expect(await harness.coordinator.connectedProverCount() == 1)
        try await harness.store.revokeProver(id: prover.id)
        await harness.coordinator.revoked(prover.id)
        #expect(await harness.coordinator.connectedProverCount() == 0)
        // Its stream of instructions has ended.
        for await _ in prover.messages {}
    }
}
