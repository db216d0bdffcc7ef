import Foundation
import Logging
import ProverNetAPI
import ProverNetCore
import Store
import Testing

@testable import Gateway

/// The coordinator's fault-tolerance rules, driven directly (no network): redundancy, idempotent results,
/// provers that disappear, attempts, early re-auction and durable leases. The network tests run the same
/// code through real processes.
@Suite struct CoordinatorTests {
    /// A coordinator on a fresh database with one synthetic circuit.
    struct Harness {
        let directory: URL
        let store: SQLiteStore
        let coordinator: Coordinator
        let circuit: CircuitDescriptor

        init(_ configure: (inout GatewayConfiguration) -> Void = { _ in }) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-tests-\(UUID().uuidString)")
            var configuration = GatewayConfiguration(dataDirectory: directory.path)
            configuration.developmentTLS = true
            configure(&configuration)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: configuration.databasePath)
            let artifacts = try ArtifactStore(directory: configuration.artifactsDirectory)
            let logger = Logger(label: "test")
            let registry = CircuitRegistry(store: store, artifacts: artifacts, limits: configuration.limits, logger: logger)
            circuit = try registry.registerSynthetic(constraints: 30, name: "test")
            coordinator = Coordinator(
                store: store, circuits: registry, artifacts: artifacts, aggregation: nil, configuration: configuration,
                logger: logger)
        }

        /// An allowlisted prover, connected, with the messages the gateway sends it.
        final class Prover: Sendable {
            let id: ProverID
            let connection: UInt64
            let messages: AsyncStream<Provernet_V1_GatewayMessage>

            init(id: ProverID, connection: UInt64, messages: AsyncStream<Provernet_V1_GatewayMessage>) {
                self.id = id
                self.connection = connection
                self.messages = messages
            }
        }

        func connect(_ name: String, seconds: Double = 0.1, held: [JobID] = []) async throws -> Prover {
            let record = try store.allowProver(publicKey: Self.publicKey(name), name: name)
            var hello = Provernet_V1_Hello()
            hello.capabilities.proofSystems = [Groth16ProofSystem.name]
            hello.capabilities.slots = 1
            hello.capabilities.maxConstraints = 1 << 20
            hello.capabilities.secondsPerJob = [circuit.jobClass.description: seconds]
            hello.ask = ["*": 1.0]
            hello.heldJobs = held
            let (stream, continuation) = AsyncStream<Provernet_V1_GatewayMessage>.makeStream()
            let connection = await coordinator.connect(proverID: record.id, name: name, hello: hello, outbound: continuation)
            return Prover(id: record.id, connection: connection, messages: stream)
        }

        func submit(inputs: Int, redundancy: Int = 1, deadlineSeconds: Int = 600) async throws -> RequestRecord {
            let jobs = (0..<inputs).map { NewJob(inputJSON: #"{"x": "\#($0 + 2)", "y": "3"}"#, expectedPublicJSON: "[]") }
            return try await coordinator.submit(
                circuit: circuit, jobs: jobs, deadlineSeconds: deadlineSeconds, maxPricePerJob: 100, redundancy: redundancy,
                aggregate: false)
        }

        /// The leased jobs of a request, by prover.
        func leases(_ request: RequestID) async throws -> [ProverID: JobRecord] {
            let (_, jobs) = try await coordinator.snapshot(request)
            var leases: [ProverID: JobRecord] = [:]
            for job in jobs where job.state.isLeased { leases[job.proverID ?? ""] = job }
            return leases
        }

        func accept(_ job: JobRecord, by prover: ProverID) async throws(LeaseRefusal) {
            var bundle = Provernet_V1_ProofBundle()
            bundle.proofJson = "{}"
            bundle.publicJson = "[]"
            try await coordinator.accept(proverID: prover, job: job.id, epoch: UInt64(job.epoch), proof: bundle, proveSeconds: 0.1)
        }

        func payments(_ request: RequestID) throws -> [LedgerEntry] {
            try store.ledger(requestID: request).filter { $0.kind == .proverPayment }
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }

        /// A 32-byte stand-in public key per name, for the allowlist: the SHA-256 of the name (the
        /// coordinator never sees the stream's signature check, so only the key's identity matters here).
        static func publicKey(_ name: String) -> [UInt8] { [UInt8](hex: ContentHash.sha256Hex(Array(name.utf8))) ?? [] }
    }

    @Test func redundancyLeasesEachInputToDifferentProversAndPaysTheFirstProofOnly() async throws {
        let harness = try Harness()
        defer { harness.remove() }
        let provers = [try await harness.connect("a"), try await harness.connect("b"), try await harness.connect("c")]
        let request = try await harness.submit(inputs: 2, redundancy: 2)
        #expect(request.jobsTotal == 2)
        #expect(await harness.coordinator.runRounds() == 3)
        let (_, jobs) = try await harness.coordinator.snapshot(request.id)
        #expect(jobs.count == 4)
        // No prover holds two replicas of one input.
        for index in 0..<2 {
            let holders = jobs.filter { $0.index == index && $0.state.isLeased }.compactMap(\.proverID)
            #expect(Set(holders).count == holders.count)
        }
        // The first proof of input 0 wins: its sibling is cancelled, and its holder told to stop.
        let leased = jobs.filter { $0.state.isLeased }
        let winner = try #require(leased.first { $0.index == 0 })
        try await harness.accept(winner, by: try #require(winner.proverID))
        let (_, after) = try await harness.coordinator.snapshot(request.id)
        let siblings = after.filter { $0.index == 0 && $0.id != winner.id }
        #expect(siblings.allSatisfy { $0.state == .cancelled })
        do {
            let loser = try #require(jobs.first { $0.index == 0 && $0.id != winner.id && $0.state.isLeased })
            let holder = try #require(provers.first { $0.id == loser.proverID })
            var iterator = holder.messages.makeAsyncIterator()
            var cancelled = false
            while let message = await iterator.next() {
                if case .cancel(let cancel) = message.message, cancel.jobID == loser.id {
                    cancelled = true
                    break
                }
            }
            #expect(cancelled)
            // Its late result is refused and not paid.
            await #expect(throws: LeaseRefusal.self) { try await harness.accept(loser, by: holder.id) }
        }
        // Input 1 done by whichever replica: the request is done, each input paid once.
        await harness.coordinator.runRounds()
        let (_, now) = try await harness.coordinator.snapshot(request.id)
        let input1 = try #require(now.first { $0.index == 1 && $0.state.isLeased })
        try await harness.accept(input1, by: try #require(input1.proverID))
        #expect(try harness.store.request(id: request.id)?.state == .done)
        let payments = try harness.payments(request.id)
        #expect(payments.count == 2)
        #expect(Set(payments.map(\.jobID)).count == 2)
    }

    @Test func aResultSentTwiceIsAcceptedOnceAndAcknowledgedAgain() async throws {
        let harness = try Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let other = try await harness.connect("b")
        let request = try await harness.submit(inputs: 2)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        try await harness.accept(job, by: prover.id)
        #expect(await harness.coordinator.alreadyAccepted(proverID: prover.id, job: job.id, epoch: UInt64(job.epoch)))
        #expect(!(await harness.coordinator.alreadyAccepted(proverID: other.id, job: job.id, epoch: UInt64(job.epoch))))
        #expect(!(await harness.coordinator.alreadyAccepted(proverID: prover.id, job: job.id, epoch: UInt64(job.epoch + 1))))
        await #expect(throws: LeaseRefusal.self) { try await harness.accept(job, by: prover.id) }
        #expect(try harness.payments(request.id).count == 1)
        // Still recognized once the request has ended and left memory.
        let second = try #require(try await harness.leases(request.id)[other.id])
        try await harness.accept(second, by: other.id)
        #expect(try harness.store.request(id: request.id)?.state == .done)
        #expect(await harness.coordinator.alreadyAccepted(proverID: prover.id, job: job.id, epoch: UInt64(job.epoch)))
    }

    @Test func aProverThatDisappearsCostsTheJobNoAttemptButCountsOnItsRecord() async throws {
        let harness = try Harness {
            $0.heartbeatInterval = .milliseconds(50)
            $0.leaseHeartbeats = 2
        }
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        await harness.coordinator.disconnect(proverID: prover.id, connection: prover.connection)
        // The lease stands until it lapses ...
        #expect(try await harness.leases(request.id)[prover.id]?.id == job.id)
        try await Task.sleep(for: .milliseconds(250))
        await harness.coordinator.reapLeases()
        // ... then the job goes back to the market, its attempts untouched, and the prover's record pays.
        let stored = try #require(try harness.store.job(id: job.id))
        #expect(stored.state == .pending && stored.attempts == 0 && stored.proverID == nil)
        #expect(try harness.store.prover(id: prover.id)?.jobsLost == 1)
    }

    @Test func aProverThatReconnectsInTimeKeepsItsLease() async throws {
        let harness = try Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        await harness.coordinator.disconnect(proverID: prover.id, connection: prover.connection)
        let again = try await harness.connect("a", held: [job.id])
        await harness.coordinator.reapLeases()
        let kept = try #require(try await harness.leases(request.id)[again.id])
        #expect(kept.id == job.id && kept.epoch == job.epoch)
        try await harness.accept(kept, by: again.id)
        #expect(try harness.store.request(id: request.id)?.state == .done)
    }

    @Test func aLeaseThatTheProverNoLongerReportsLapsesDespiteItsHeartbeats() async throws {
        let harness = try Harness {
            $0.heartbeatInterval = .milliseconds(50)
            $0.leaseHeartbeats = 2
        }
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        try await Task.sleep(for: .milliseconds(150))
        // Heartbeats that do not name the job (the prover lost it) do not extend its lease.
        for _ in 0..<3 {
            await harness.coordinator.heartbeat(proverID: prover.id, connection: prover.connection, Provernet_V1_Heartbeat())
            try await Task.sleep(for: .milliseconds(60))
        }
        await harness.coordinator.reapLeases()
        #expect(try harness.store.job(id: job.id)?.state == .pending)
    }

    @Test func aRequestFailsOnlyWhenNoReplicaOfAnInputIsLeft() async throws {
        let harness = try Harness { $0.maxAttempts = 1 }
        defer { harness.remove() }
        let a = try await harness.connect("a")
        let b = try await harness.connect("b")
        let request = try await harness.submit(inputs: 1, redundancy: 2)
        await harness.coordinator.runRounds()
        let leases = try await harness.leases(request.id)
        let first = try #require(leases[a.id])
        let second = try #require(leases[b.id])
        try await harness.coordinator.reject(proverID: a.id, job: first.id, epoch: UInt64(first.epoch), reason: "bad", reportedFailure: false)
        #expect(try harness.store.request(id: request.id)?.state == .proving)
        try await harness.coordinator.reject(proverID: b.id, job: second.id, epoch: UInt64(second.epoch), reason: "bad", reportedFailure: false)
        let ended = try #require(try harness.store.request(id: request.id))
        #expect(ended.state == .failed && (ended.reason ?? "").contains("failed 1 times"))
    }

    @Test func heartbeatsMakeLeasesDurable() async throws {
        let harness = try Harness()
        defer { harness.remove() }
        let prover = try await harness.connect("a")
        let request = try await harness.submit(inputs: 1)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[prover.id])
        try await Task.sleep(for: .milliseconds(20))
        var beat = Provernet_V1_Heartbeat()
        var progress = Provernet_V1_Progress()
        progress.jobID = job.id
        progress.epoch = UInt64(job.epoch)
        beat.jobs = [progress]
        await harness.coordinator.heartbeat(proverID: prover.id, connection: prover.connection, beat)
        let extended = try #require(try await harness.leases(request.id)[prover.id])
        #expect((extended.leaseExpiresMillis ?? 0) > (job.leaseExpiresMillis ?? 0))
        #expect(try harness.store.job(id: job.id)?.leaseExpiresMillis == extended.leaseExpiresMillis)
    }

    @Test func aJobThatCannotFinishBeforeTheDeadlineIsReauctionedToAFasterProver() async throws {
        let harness = try Harness()
        defer { harness.remove() }
        let slow = try await harness.connect("slow", seconds: 1)
        let request = try await harness.submit(inputs: 1, deadlineSeconds: 120)
        await harness.coordinator.runRounds()
        let job = try #require(try await harness.leases(request.id)[slow.id])
        let assigned = try #require(job.assignedMillis)
        var progress = Provernet_V1_Progress()
        progress.jobID = job.id
        progress.epoch = UInt64(job.epoch)
        progress.fraction = 0.1
        progress.stage = "proving"
        await harness.coordinator.progressReport(proverID: slow.id, progress)
        // Seen 20 s after the assignment (the clock is the caller's, so a loaded machine cannot change the
        // test): 10% done, about 180 s to go, 100 s left. Nobody faster: the lease stands.
        let later = assigned + 20_000
        await harness.coordinator.reauctionLate(now: later)
        #expect(try await harness.leases(request.id)[slow.id] != nil)
        // A job on course is left alone.
        progress.fraction = 0.5
        await harness.coordinator.progressReport(proverID: slow.id, progress)
        let fast = try await harness.connect("fast", seconds: 0.1)
        await harness.coordinator.reauctionLate(now: later)
        #expect(try await harness.leases(request.id)[slow.id] != nil)
        // 90 s after the assignment and still half done: 90 s to go, 30 s left, a faster prover free:
        // re-auctioned, no attempt used.
        await harness.coordinator.reauctionLate(now: assigned + 90_000)
        #expect(try await harness.leases(request.id)[slow.id] == nil)
        await harness.coordinator.runRounds()
        let moved = try #require(try await harness.leases(request.id)[fast.id])
        #expect(moved.id == job.id && moved.epoch == job.epoch + 1 && moved.attempts == 0)
    }
}
