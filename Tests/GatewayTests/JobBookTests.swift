import Foundation
import ProverNetCore
import Store
import TestSupport
import Testing

@_spi(Testing) @testable import Gateway

/// The job book driven directly: no database, no sockets, no sleeps; the time is an argument.
@Suite struct JobBookTests {
    static let jobClass = JobClass(proofSystem: "test-system", log2Size: 4)
    static let aggregationClass = JobClass(proofSystem: "test-aggregation", log2Size: 2)

    static func settings(maxAttempts: Int = 3) -> JobBook.Settings {
        JobBook.Settings(
            leaseMillis: 8_000, heartbeatMillis: 2_000, maxAttempts: maxAttempts, reservePricePerUnit: 2,
            workUnits: { _ in 1 })
    }

    /// A book with provers connected and helpers to submit and drive it.
    struct Fixture {
        var book: JobBook
        var now: Int64 = 1_000_000
        var connection: UInt64 = 0
        var ledger: [LedgerEntry] = []
        var written: [JobID: Job] = [:]
        /// The accounts, from the events' transfers, checked after each event.
        var accounts = LedgerModel()

        init(maxAttempts: Int = 3) { book = JobBook(settings: JobBookTests.settings(maxAttempts: maxAttempts)) }

        /// Applies an event's actions as the coordinator would, keeping what it wrote and checking the ledger.
        mutating func keep(_ actions: BookActions) -> BookActions {
            let problems = accounts.apply(actions.changes.transfers, ended: actions.ended)
            #expect(problems.isEmpty, "\(problems)")
            ledger += actions.changes.ledger
            for job in actions.changes.jobs { written[job.id] = job }
            return actions
        }

        @discardableResult
        mutating func connect(
            _ name: String, slots: Int = 1, ask: Amount = 1, seconds: Double = 1, held: Set<JobID> = [],
            operatorAddress: String? = nil
        )
            -> BookActions
        {
            connection += 1
            let prover = ConnectedProver(
                connection: connection,
                announcement: ProverAnnouncement(
                    id: ProverID(name), name: name, slots: slots, maxConstraints: 1 << 20,
                    proofSystems: ["test-system", "test-aggregation"], secondsPerJob: [JobBookTests.jobClass: seconds],
                    askPerUnit: ask, askByClass: [:], operatorAddress: operatorAddress),
                connectedMillis: now)
            return keep(book.proverConnected(prover, held: held, now: now))
        }

        mutating func submit(
            inputs: Int, redundancy: Int = 1, maxPrice: Amount = Amount(whole: 100), deadlineSeconds: Int64 = 600,
            aggregate: Bool = false, owner: String? = nil, declared: Bool = false
        ) throws -> RequestID {
            let id = RequestID.random()
            let request = ProofRequest(
                id: id, circuitID: "circuit", createdMillis: now, deadlineMillis: now + deadlineSeconds * 1000,
                maxPricePerJob: maxPrice, redundancy: redundancy, aggregate: aggregate, inputCount: inputs,
                owner: owner)
            let jobs = (0..<inputs).flatMap { index in
                (0..<redundancy).map { replica in
                    Job(
                        id: JobID(request: id, index: index, replica: replica), requestID: id, index: index,
                        replica: replica, jobClass: JobBookTests.jobClass, inputJSON: "{\"i\":\(index)}",
                        statementJSON: "[\"\(index)\"]", statementDeclared: declared)
                }
            }
            let actions = try book.submit(request, jobs: jobs, now: now)
            #expect(actions.changes.requests.count == 1 && actions.changes.jobs.count == inputs * redundancy)
            #expect(actions.wakeMarket)
            _ = keep(actions)
            return id
        }

        mutating func round() -> BookActions { keep(book.runRounds(now: now)) }

        mutating func result(_ prover: String, _ job: JobID, epoch: Int64, valid: Bool = true) -> BookActions {
            let checked =
                valid
                ? CheckedResult(
                    assumingValid: ProofPayload(proofJSON: "{\"p\":\"\(job)\"}", publicJSON: "[]"), proveMillis: 10)
                : CheckedResult.invalid("bad proof")
            return keep(book.resultArrived(ProverID(prover), job: job, epoch: epoch, checked, now: now))
        }

        func leases(_ request: RequestID) -> [ProverID: Job] {
            var leases: [ProverID: Job] = [:]
            for job in book.snapshot(request)?.1 ?? [] {
                if let lease = job.state.lease { leases[lease.prover] = job }
            }
            return leases
        }

        func assigned(_ actions: BookActions) -> [(ProverID, JobAssignment)] {
            actions.messages.compactMap { m in
                if case .assign(let a) = m.instruction { return (m.prover, a) }
                return nil
            }
        }

        var totals: LedgerTotals {
            var totals = LedgerTotals()
            for entry in ledger { totals.add(entry) }
            return totals
        }
    }

    // MARK: Transitions

    @Test func everyJobTransitionIsInOneSwitchAndRefusesWhatDoesNotApply() {
        let lease = Lease(prover: "p", epoch: 1, grantedMillis: 0, expiresMillis: 10, price: .zero, charge: .zero)
        var job = Job(
            id: "r/0", requestID: "r", index: 0, jobClass: Self.jobClass, inputJSON: "{}", statementJSON: "[]")
        // A lease must be of the next epoch.
        var stale = lease
        stale.epoch = 5
        #expect(!JobBook.transition(&job, .grant(stale)))
        #expect(JobBook.transition(&job, .grant(lease)) && job.state.phase == .assigned && job.epoch == 1)
        #expect(!JobBook.transition(&job, .grant(lease)))
        #expect(JobBook.transition(&job, .start) && job.state.phase == .proving)
        #expect(!JobBook.transition(&job, .start))
        #expect(JobBook.transition(&job, .extend(untilMillis: 20)) && job.state.lease?.expiresMillis == 20)
        #expect(!JobBook.transition(&job, .extend(untilMillis: 15)))
        #expect(JobBook.transition(&job, .release(reason: "lapsed")) && job.state == .pending && job.attempts == 0)
        #expect(!JobBook.transition(&job, .release(reason: "again")))
        var second = lease
        second.epoch = 2
        #expect(JobBook.transition(&job, .grant(second)))
        // A proof of another lease does not verify it.
        let foreign = VerifiedProof(lease: lease, verifiedMillis: 1, proveMillis: 1, proof: ProofPayload())
        #expect(!JobBook.transition(&job, .verify(foreign)))
        #expect(
            JobBook.transition(&job, .reject(reason: "bad", maxAttempts: 2)) && job.state == .pending
                && job.attempts == 1)
        var third = lease
        third.epoch = 3
        #expect(JobBook.transition(&job, .grant(third)))
        #expect(JobBook.transition(&job, .reject(reason: "bad", maxAttempts: 2)) && job.state == .failed(reason: "bad"))
        // Final states stay final.
        for event in [JobEvent.grant(third), .start, .release(reason: ""), .cancel(reason: ""), .fail(reason: "")] {
            #expect(!JobBook.transition(&job, event))
        }
        var other = Job(
            id: "r/1", requestID: "r", index: 1, jobClass: Self.jobClass, inputJSON: "{}", statementJSON: "[]")
        #expect(JobBook.transition(&other, .cancel(reason: "gone")) && other.state == .cancelled(reason: "gone"))
        #expect(!JobBook.transition(&other, .fail(reason: "late")))
    }

    @Test func everyRequestTransitionIsInOneSwitch() {
        var request = ProofRequest(
            id: "r", circuitID: "c", createdMillis: 0, deadlineMillis: 10, maxPricePerJob: .zero, inputCount: 1)
        #expect(!JobBook.transition(&request, .aggregated, now: 1))
        #expect(JobBook.transition(&request, .leased, now: 1) && request.state == .proving)
        #expect(!JobBook.transition(&request, .leased, now: 1))
        #expect(JobBook.transition(&request, .allInputsProven, now: 2) && request.state == .done(atMillis: 2))
        #expect(!JobBook.transition(&request, .end(.cancelled(reason: "x", atMillis: 3)), now: 3))
        var aggregated = ProofRequest(
            id: "a", circuitID: "c", createdMillis: 0, deadlineMillis: 10, maxPricePerJob: .zero, aggregate: true,
            inputCount: 1)
        #expect(JobBook.transition(&aggregated, .allInputsProven, now: 2) && aggregated.state == .aggregating)
        #expect(JobBook.transition(&aggregated, .aggregated, now: 3) && aggregated.state == .done(atMillis: 3))
        var ended = ProofRequest(
            id: "e", circuitID: "c", createdMillis: 0, deadlineMillis: 10, maxPricePerJob: .zero, inputCount: 1)
        #expect(!JobBook.transition(&ended, .end(.proving), now: 1))
        #expect(JobBook.transition(&ended, .end(.expired(reason: "late", atMillis: 4)), now: 4) && ended.state.isFinal)
    }

    // MARK: The market into the ledger

    @Test func aRoundLeasesJobsAtTheAuctionsPricesAndAnAcceptedProofPaysThemIntoABalancedLedger() throws {
        var f = Fixture()
        f.connect("a", ask: 1)
        f.connect("b", ask: Amount(decimal: "1.5")!)
        let request = try f.submit(inputs: 2, maxPrice: Amount(decimal: "10")!)
        let round = f.round()
        let assigned = f.assigned(round)
        #expect(assigned.count == 2)
        #expect(round.changes.rounds.count == 1 && round.changes.rounds[0].jobsMatched == 2)
        #expect(f.book.requests[request]?.state == .proving)
        for (prover, a) in assigned {
            #expect(a.lease.prover == prover && a.lease.epoch == 1)
            #expect(a.lease.price <= a.lease.charge && a.lease.charge <= Amount(whole: 10))
            #expect(a.lease.price > .zero)
            #expect(a.lease.expiresMillis == f.now + 8_000)
        }
        let (prover, first) = assigned[0]
        let accepted = f.result(prover.rawValue, first.job.id, epoch: 1)
        #expect(
            accepted.messages.first?.instruction == .verdict(job: first.job.id, epoch: 1, accepted: true, reason: ""))
        // Three ledger lines: the charge, the payment, and the network's fee, their difference.
        #expect(accepted.changes.ledger.map(\.kind) == [.clientCharge, .proverPayment, .networkFee])
        #expect(accepted.changes.ledger[0].amount == first.lease.charge)
        #expect(accepted.changes.ledger[1].amount == first.lease.price)
        #expect(accepted.changes.ledger[1].proverID == prover)
        #expect(f.totals.balances)
        #expect(
            accepted.changes.proverActivity == [
                ProverActivity(prover: prover, verified: 1, earned: first.lease.price, lastSeenMillis: f.now)
            ])
        #expect(f.book.requests[request]?.paid == first.lease.charge)
        let (other, second) = assigned[1]
        let done = f.result(other.rawValue, second.job.id, epoch: 1)
        #expect(done.ended == [request])
        #expect(done.changes.requests.last?.state == .done(atMillis: f.now))
        // Watchers see the count of inputs verified with each update.
        #expect(accepted.updates.map(\.inputsVerified) == [1])
        #expect(done.updates.map(\.kind) == [.verified, .state] && done.updates.allSatisfy { $0.inputsVerified == 2 })
        #expect(f.book.requests[request] == nil)
        #expect(f.totals.balances)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func theLedgerBalancesToTheUnitOverManyRandomRounds(seed: UInt64) throws {
        // Each case draws from the run's seed (PROVERNET_TEST_SEED repeats a run) and its own number.
        var random = SeededRandom(seed: SeededRandom.runSeed ^ seed)
        print("SEED: ledger case \(seed) draws from run seed \(SeededRandom.runSeed)")
        var f = Fixture(maxAttempts: 100)
        for i in 0..<6 {
            f.connect(
                "p\(i)", slots: Int.random(in: 1...3, using: &random),
                ask: Amount.flooring(Double.random(in: 0.1...3, using: &random)))
        }
        var requests: [RequestID] = []
        for _ in 0..<40 {
            // At or above the reserve (2 per job here): below it a request is refused.
            let maxPrice = Amount.flooring(Double.random(in: 2...20, using: &random))
            requests.append(
                try f.submit(
                    inputs: Int.random(in: 1...4, using: &random), redundancy: Int.random(in: 1...2, using: &random),
                    maxPrice: maxPrice))
            for (prover, a) in f.assigned(f.round()) {
                // Most proofs are good; some are rejected and go round again.
                _ = f.result(
                    prover.rawValue, a.job.id, epoch: a.lease.epoch, valid: Int.random(in: 0..<10, using: &random) > 1)
            }
            f.now += 100
        }
        for _ in 0..<200 {
            let assigned = f.assigned(f.round())
            if assigned.isEmpty { break }
            for (prover, a) in assigned { _ = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch) }
            f.now += 100
        }
        let totals = f.totals
        #expect(
            totals.balances,
            "charges \(totals.clientCharges) ≠ payments \(totals.proverPayments) + fees \(totals.networkFees)")
        #expect(totals.clientCharges > .zero)
        #expect(f.ledger.allSatisfy { $0.amount >= .zero })
        // Each input paid once, whatever its replicas.
        let paidJobs = f.ledger.filter { $0.kind == .proverPayment }.map(\.jobID)
        let paidInputs = paidJobs.map { $0.rawValue.split(separator: "~")[0] }
        #expect(Set(paidInputs).count == paidInputs.count)
    }

    // MARK: Leases

    @Test func aResultOfAStaleEpochIsRefusedAndAnotherProversIsNotYours() throws {
        var f = Fixture()
        f.connect("a")
        let request = try f.submit(inputs: 1)
        _ = f.round()
        let job = try #require(f.leases(request)["a"])
        let stale = f.result("a", job.id, epoch: job.epoch - 1)
        #expect(stale.refusal == .staleEpoch(job: job.id, epoch: 0, current: 1))
        #expect(stale.changes.isEmpty && stale.messages.isEmpty)
        let foreign = f.result("b", job.id, epoch: job.epoch)
        #expect(foreign.refusal == .notYours(job.id))
        #expect(f.book.jobs[job.id]?.state.lease != nil)
    }

    @Test func aDuplicateResultIsAcknowledgedAgainAndPaidOnce() throws {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        let request = try f.submit(inputs: 2)
        _ = f.round()
        let job = try #require(f.leases(request)["a"])
        _ = f.result("a", job.id, epoch: 1)
        let again = f.result("a", job.id, epoch: 1)
        #expect(again.refusal == nil)
        #expect(
            again.messages.map(\.instruction) == [
                .verdict(job: job.id, epoch: 1, accepted: true, reason: "already accepted")
            ])
        #expect(again.changes.isEmpty)
        #expect(f.ledger.filter { $0.kind == .proverPayment }.count == 1)
        #expect(f.book.alreadyAccepted(prover: "b", job: job.id, epoch: 1) == false)
    }

    @Test func heartbeatsExtendOnlyTheLeasesTheyNameAndTheWriteIsLazy() throws {
        var f = Fixture()
        f.connect("a", slots: 2)
        let request = try f.submit(inputs: 2)
        _ = f.round()
        let jobs = try #require(f.book.snapshot(request)?.1)
        #expect(jobs.allSatisfy { $0.state.lease?.prover == "a" })
        f.now += 5_000
        let named = jobs[0]
        let beat = f.book.heartbeat(
            "a", connection: f.connection,
            HeartbeatReport(
                freeSlots: 0, jobs: [ProgressReport(job: named.id, epoch: 1, fraction: 0.5, stage: "proving")]),
            now: f.now)
        #expect(beat.changes.isEmpty)
        #expect(beat.lazyJobs == [named.id])
        #expect(f.book.jobs[named.id]?.state.lease?.expiresMillis == f.now + 8_000)
        #expect(f.book.jobs[named.id]?.state.phase == .proving)
        #expect(beat.updates.map(\.kind) == [.progress])
        // The other lapses at its time: stopped, back to the market, counted against the prover.
        f.now += 4_000
        let tick = f.keep(f.book.tick(now: f.now))
        #expect(tick.messages.map(\.instruction) == [.stop(job: jobs[1].id, epoch: 1, reason: "lease expired")])
        #expect(f.book.jobs[jobs[1].id]?.state == .pending && f.book.jobs[jobs[1].id]?.attempts == 0)
        #expect(tick.changes.proverActivity == [ProverActivity(prover: "a", lost: 1)])
        #expect(f.book.jobs[named.id]?.state.lease != nil)
        // A heartbeat of an old connection changes nothing.
        let old = f.book.heartbeat("a", connection: f.connection - 1, HeartbeatReport(freeSlots: 2), now: f.now)
        #expect(old.isEmpty)
    }

    @Test func aProverThatReconnectsKeepsTheLeasesItHoldsAndIsToldToStopTheOthers() throws {
        var f = Fixture()
        f.connect("a", slots: 2)
        let request = try f.submit(inputs: 2)
        _ = f.round()
        let jobs = try #require(f.book.snapshot(request)?.1)
        let reconnect = f.connect("a", slots: 2, held: [jobs[0].id, "req-gone/0"])
        #expect(reconnect.closeConnections.map(\.connection) == [f.connection - 1])
        #expect(f.book.provers["a"]?.running == [jobs[0].id])
        #expect(f.book.jobs[jobs[1].id]?.state == .pending)
        #expect(
            reconnect.messages.map(\.instruction) == [
                .stop(job: "req-gone/0", epoch: .max, reason: "the lease is no longer this prover's")
            ])
        #expect(reconnect.changes.proverActivity.first?.lastSeenMillis == f.now)
        let gone = f.book.proverDisconnected("a", connection: f.connection, now: f.now)
        #expect(gone.closeConnections.count == 1 && f.book.provers["a"] == nil)
        // Its lease stands until it lapses.
        #expect(f.book.jobs[jobs[0].id]?.state.lease?.prover == "a")
    }

    @Test func aJobThatCannotFinishBeforeTheDeadlineIsReauctionedToAFasterProver() throws {
        var f = Fixture()
        f.connect("slow", seconds: 1)
        let request = try f.submit(inputs: 1, deadlineSeconds: 120)
        _ = f.round()
        let job = try #require(f.leases(request)["slow"])
        let start = f.now
        _ = f.book.progressReported(
            "slow", ProgressReport(job: job.id, epoch: 1, fraction: 0.1, stage: "proving"), now: start)
        // 20 s in, 10% done: about 180 s to go, 100 s left, but nobody faster: the lease stands.
        #expect(f.book.reauctionLate(now: start + 20_000).isEmpty)
        _ = f.book.progressReported(
            "slow", ProgressReport(job: job.id, epoch: 1, fraction: 0.5, stage: "proving"), now: start)
        f.connect("fast", seconds: 0.1)
        #expect(f.book.reauctionLate(now: start + 20_000).messages.isEmpty)
        // 90 s in and half done: 90 s to go, 30 s left, a faster prover free: re-auctioned, no attempt used.
        let late = f.book.reauctionLate(now: start + 90_000)
        #expect(
            late.messages.map(\.instruction) == [
                .stop(job: job.id, epoch: 1, reason: "cannot finish before the deadline: re-auctioned")
            ])
        f.now = start + 90_000
        let moved = f.assigned(f.round())
        #expect(moved.map(\.0) == ["fast"] && moved.first?.1.lease.epoch == 2 && moved.first?.1.job.attempts == 0)
    }

    // MARK: Failures and ends

    @Test func aRejectedProofUsesAnAttemptAndTheRequestFailsOnlyWhenNoReplicaIsLeft() throws {
        var f = Fixture(maxAttempts: 1)
        f.connect("a")
        f.connect("b")
        let request = try f.submit(inputs: 1, redundancy: 2)
        _ = f.round()
        let leases = f.leases(request)
        let first = try #require(leases["a"])
        let second = try #require(leases["b"])
        let rejected = f.result("a", first.id, epoch: 1, valid: false)
        #expect(
            rejected.messages.map(\.instruction) == [
                .verdict(job: first.id, epoch: 1, accepted: false, reason: "bad proof")
            ])
        #expect(rejected.changes.proverActivity == [ProverActivity(prover: "a", rejected: 1)])
        #expect(f.book.requests[request]?.state == .proving)
        let failed = f.keep(f.book.failureReported("b", job: second.id, epoch: 1, reason: "out of memory", now: f.now))
        #expect(failed.ended == [request])
        let state = try #require(failed.changes.requests.last?.state)
        #expect(state.phase == .failed && (state.reason ?? "").contains("failed 1 times"))
        #expect(failed.changes.proverActivity == [ProverActivity(prover: "b", failed: 1)])
    }

    @Test func aProverThatFailedAJobIsNotGivenItAgainWhileAnotherCanTakeIt() throws {
        var f = Fixture()
        f.connect("cheap", ask: Amount(decimal: "0.1")!)
        f.connect("dear", slots: 1, ask: 2)
        let busy = try f.submit(inputs: 1, maxPrice: Amount(whole: 50))
        let request = try f.submit(inputs: 1)
        _ = f.round()
        // Both provers took one job each.
        let job = try #require(f.book.snapshot(request)?.1.first)
        let holder = try #require(job.state.lease?.prover)
        let other: ProverID = holder == "cheap" ? "dear" : "cheap"
        _ = f.result(holder.rawValue, job.id, epoch: 1, valid: false)
        // The one that failed it, free again, gets no round: it failed every pending job.
        #expect(f.assigned(f.round()).isEmpty)
        #expect(f.book.requests[request]?.state == .proving)
        // Once the other is free, it is the other's.
        let otherJob = try #require(f.leases(busy)[other])
        _ = f.result(other.rawValue, otherJob.id, epoch: 1)
        #expect(f.assigned(f.round()).map(\.0) == [other])
    }

    // MARK: Jobs no prover can do (issue 19)

    @Test func aJobThatEveryConnectedProverFailedFailsItsRequestWithTheirReasons() throws {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        let request = try f.submit(inputs: 1)
        _ = f.round()
        let first = try #require(f.book.snapshot(request)?.1.first)
        let firstProver = try #require(first.state.lease?.prover)
        let failed = f.keep(
            f.book.failureReported(
                firstProver, job: first.id, epoch: 1, reason: "the witness has 4 values but the circuit has 456 wires",
                now: f.now))
        // One attempt of three used, and another prover can still take it: it waits for the market.
        #expect(failed.ended.isEmpty && f.book.jobs[first.id]?.state == .pending)
        let second = try #require(f.assigned(f.round()).first)
        #expect(second.0 != firstProver)
        let last = f.result(second.0.rawValue, second.1.job.id, epoch: 2, valid: false)
        // Two attempts of three, but no connected prover may take it again: it fails now, not at its deadline.
        #expect(last.ended == [request])
        let state = try #require(last.changes.requests.last?.state)
        #expect(state.phase == .failed)
        let reason = state.reason ?? ""
        #expect(reason.contains("failed on every connected prover"))
        #expect(
            reason.contains("\(firstProver): prover failed: the witness has 4 values but the circuit has 456 wires"))
        #expect(reason.contains("\(second.0): bad proof"))
        #expect(f.written[first.id]?.state.phase == .failed)
        #expect(f.book.requests[request] == nil)
    }

    /// Provers a (connection 1) and b (connection 2), one request whose one job the prover it was leased to
    /// has failed ("out of memory"): that prover, and the other.
    static func jobFailedByOneOfTwo() throws -> (Fixture, RequestID, Job, failer: ProverID, other: ProverID) {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        let request = try f.submit(inputs: 1)
        _ = f.round()
        let job = try #require(f.book.snapshot(request)?.1.first)
        let failer = try #require(job.state.lease?.prover)
        let failed = f.keep(f.book.failureReported(failer, job: job.id, epoch: 1, reason: "out of memory", now: f.now))
        // The other prover could still take it: it waits for the market.
        #expect(failed.ended.isEmpty && f.book.jobs[job.id]?.state == .pending)
        return (f, request, job, failer, failer == "a" ? "b" : "a")
    }

    @Test func aJobFailsWhenTheLastProverThatHadNotFailedItGoesAway() throws {
        var (f, request, job, failer, other) = try Self.jobFailedByOneOfTwo()
        // The other goes away before a round: only the one that failed it is left, so it fails now.
        let gone = f.keep(f.book.proverDisconnected(other, connection: other == "a" ? 1 : 2, now: f.now))
        #expect(gone.ended == [request])
        #expect(gone.changes.requests.last?.state.reason?.contains("\(failer): prover failed: out of memory") == true)
        #expect(f.written[job.id]?.state.phase == .failed)
    }

    @Test func aJobIsNotFailedWhenNoProverIsConnectedAtAll() throws {
        var (f, request, job, failer, other) = try Self.jobFailedByOneOfTwo()
        // The one that failed it goes first, then the other: with none connected, one may yet connect.
        for prover in [failer, other] {
            let gone = f.keep(f.book.proverDisconnected(prover, connection: prover == "a" ? 1 : 2, now: f.now))
            #expect(gone.ended.isEmpty)
        }
        #expect(f.book.jobs[job.id]?.state == .pending)
        #expect(f.book.requests[request]?.state == .proving)
    }

    @Test func aJobFailedByTheOnlyConnectedProverFailsAtOnce() throws {
        var f = Fixture()
        f.connect("a")
        let request = try f.submit(inputs: 1)
        _ = f.round()
        let job = try #require(f.leases(request)["a"])
        let failed = f.keep(f.book.failureReported("a", job: job.id, epoch: 1, reason: "out of memory", now: f.now))
        #expect(failed.ended == [request])
        #expect(failed.changes.requests.last?.state.reason?.contains("a: prover failed: out of memory") == true)
        #expect(f.written[job.id]?.state.phase == .failed)
    }

    @Test func aStuckRequestDoesNotBlockAHealthyOneOfTheSameClass() throws {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        // The poisoned request pays the most, so the market prefers it in every round.
        let poisoned = try f.submit(inputs: 1, maxPrice: Amount(whole: 90))
        let busy = try f.submit(inputs: 1, maxPrice: Amount(whole: 80))
        _ = f.round()
        let poisonedJob = try #require(f.book.snapshot(poisoned)?.1.first)
        let failer = try #require(poisonedJob.state.lease?.prover)
        let other: ProverID = failer == "a" ? "b" : "a"
        #expect(f.leases(busy)[other] != nil)
        // One prover fails the poisoned job; the other is busy, so no one may take it now, but it is not
        // failed: the busy prover may take it later.
        _ = f.keep(f.book.failureReported(failer, job: poisonedJob.id, epoch: 1, reason: "bad witness", now: f.now))
        #expect(f.book.jobs[poisonedJob.id]?.state == .pending)
        let healthy = try f.submit(inputs: 1, maxPrice: Amount(whole: 10))
        // The next round trades the healthy request with the free prover instead of matching the poisoned one
        // to a prover that may not take it.
        let round = f.round()
        #expect(f.assigned(round).map(\.0) == [failer])
        #expect(f.assigned(round).map(\.1.job.requestID) == [healthy])
        #expect(round.changes.rounds.first?.bids == 1 && round.changes.rounds.first?.jobsMatched == 1)
    }

    @Test func theWinnersJobsGoToWinnersThatMayTakeThem() throws {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        let first = try f.submit(inputs: 1, maxPrice: Amount(whole: 90))
        _ = f.round()
        let job = try #require(f.book.snapshot(first)?.1.first)
        let failer = try #require(job.state.lease?.prover)
        let other: ProverID = failer == "a" ? "b" : "a"
        _ = f.keep(f.book.failureReported(failer, job: job.id, epoch: 1, reason: "bad witness", now: f.now))
        let second = try f.submit(inputs: 1, maxPrice: Amount(whole: 80))
        // A third, cheaper bid: the one the market's price clock turns away, so that the first two trade.
        _ = try f.submit(inputs: 1, maxPrice: Amount(whole: 3))
        // Both provers free, the two dearer requests win: whichever way the market pairs them, the job that
        // one prover failed goes to the other.
        let assigned = f.assigned(f.round())
        #expect(assigned.count == 2)
        #expect(assigned.first { $0.1.job.requestID == first }?.0 == other)
        #expect(assigned.first { $0.1.job.requestID == second }?.0 == failer)
    }

    // MARK: The reserve price (issue 19)

    @Test func aRequestBelowTheReservePriceIsRefusedWithTheNumbers() throws {
        var f = Fixture()
        f.connect("a")
        // The reserve is 2 per unit, 1 unit per job: 2.000000 per job trades, 1.999999 never could.
        #expect(f.book.reservePrice(Self.jobClass) == Amount(whole: 2))
        let refused = #expect(throws: SubmissionRefusal.self) {
            try f.submit(inputs: 1, maxPrice: Amount(decimal: "1.999999")!)
        }
        #expect(
            refused
                == .belowReserve(
                    maxPricePerJob: Amount(decimal: "1.999999")!, reserve: Amount(whole: 2), jobClass: Self.jobClass))
        #expect("\(refused!)".contains("below the network's reserve price of 2.000000 per job"))
        #expect("\(refused!)".contains("--max-price 2.000000"))
        #expect(f.book.requests.isEmpty)
        let request = try f.submit(inputs: 1, maxPrice: Amount(whole: 2))
        #expect(f.assigned(f.round()).map(\.1.job.requestID) == [request])
    }

    @Test func anAggregatingRequestBelowTheReserveOfItsAggregationIsRefused() throws {
        // The aggregation costs 3 units here: 6.000000 at the reserve, while a proof costs 2.000000.
        var book = JobBook(
            settings: JobBook.Settings(
                leaseMillis: 8_000, heartbeatMillis: 2_000, maxAttempts: 3, reservePricePerUnit: 2,
                workUnits: { $0 == JobBookTests.aggregationClass ? 3 : 1 }))
        let request = ProofRequest(
            id: "req-agg", circuitID: "circuit", createdMillis: 0, deadlineMillis: 60_000,
            maxPricePerJob: Amount(whole: 5), redundancy: 1, aggregate: true, inputCount: 2)
        let jobs = (0..<2).map {
            Job(
                id: JobID(request: "req-agg", index: $0), requestID: "req-agg", index: $0, jobClass: Self.jobClass,
                inputJSON: "{}", statementJSON: "[]")
        }
        #expect(
            throws: SubmissionRefusal.belowReserve(
                maxPricePerJob: Amount(whole: 5), reserve: Amount(whole: 6), jobClass: Self.aggregationClass)
        ) {
            try book.submit(request, jobs: jobs, aggregationClass: Self.aggregationClass, now: 0)
        }
        #expect(book.requests.isEmpty)
        // The proofs alone would trade: the refusal is the aggregation's.
        _ = try book.submit(request, jobs: jobs, now: 0)
        #expect(book.requests["req-agg"] != nil)
    }

    @Test func cancellingALeasedRequestStopsItsProversAndEndsItsJobs() throws {
        var f = Fixture()
        f.connect("a")
        let request = try f.submit(inputs: 2)
        _ = f.round()
        let leased = try #require(f.leases(request)["a"])
        let cancelled = f.book.cancel(request, now: f.now)
        let cancel = try #require(cancelled)
        #expect(
            cancel.messages.map(\.instruction) == [.stop(job: leased.id, epoch: 1, reason: "cancelled by the client")])
        #expect(cancel.changes.jobs.count == 2 && cancel.changes.jobs.allSatisfy { $0.state.phase == .cancelled })
        #expect(cancel.changes.requests.last?.state == .cancelled(reason: "cancelled by the client", atMillis: f.now))
        #expect(cancel.ended == [request] && cancel.updates.last?.kind == .state)
        let again = f.book.cancel(request, now: f.now)
        #expect(again == nil)
        // The late proof of a cancelled job is refused and not paid.
        let late = f.result("a", leased.id, epoch: 1)
        #expect(late.refusal == .unknownJob(leased.id) && late.changes.ledger.isEmpty)
    }

    @Test func aRequestPastItsDeadlineExpires() throws {
        var f = Fixture()
        f.connect("a")
        let request = try f.submit(inputs: 1, deadlineSeconds: 10)
        _ = f.round()
        f.now += 10_000
        let tick = f.book.tick(now: f.now)
        #expect(tick.ended == [request])
        #expect(tick.changes.requests.last?.state.phase == .expired)
        #expect(tick.messages.count == 1)
        #expect(f.book.requests.isEmpty && f.book.jobs.isEmpty)
    }

    @Test func theFirstValidReplicaWinsAndItsSiblingsAreCancelledAndStopped() throws {
        var f = Fixture()
        f.connect("a")
        f.connect("b")
        f.connect("c")
        let request = try f.submit(inputs: 2, redundancy: 2)
        let assigned = f.assigned(f.round())
        #expect(assigned.count == 3)
        for index in 0..<2 {
            let holders = assigned.filter { $0.1.job.index == index }.map(\.0)
            #expect(Set(holders).count == holders.count)
        }
        let (winner, won) = try #require(assigned.first { $0.1.job.index == 0 })
        let accepted = f.result(winner.rawValue, won.job.id, epoch: 1)
        let sibling = try #require(accepted.changes.jobs.first { $0.id != won.job.id })
        #expect(sibling.state == .cancelled(reason: "replica \(won.job.replica) was proven first"))
        if let (loser, _) = assigned.first(where: { $0.1.job.index == 0 && $0.0 != winner }) {
            #expect(
                accepted.messages.contains(
                    ProverMessage(
                        prover: loser,
                        instruction: .stop(
                            job: sibling.id, epoch: 1, reason: "another replica of the job was proven first"))))
            #expect(f.result(loser.rawValue, sibling.id, epoch: 1).refusal != nil)
        }
        #expect(f.book.requests[request] != nil)
    }

    // MARK: Aggregation

    @Test func theAggregationJobIsMadeOncePreparedLeasedAndItsAcceptanceEndsTheRequest() throws {
        var f = Fixture()
        f.connect("a", slots: 2)
        let request = try f.submit(inputs: 2, aggregate: true)
        let assigned = f.assigned(f.round())
        _ = f.result("a", assigned[0].1.job.id, epoch: 1)
        let last = f.result("a", assigned[1].1.job.id, epoch: 1)
        #expect(last.changes.requests.last?.state == .aggregating)
        let need = try #require(last.aggregations.first)
        #expect(need.request == request && need.proofs.count == 2)
        #expect(last.ended.isEmpty)
        // Loading the book again (a restart before the job was made) asks for the aggregation again.
        var reloaded = JobBook(settings: JobBookTests.settings())
        #expect(reloaded.load([try #require(f.book.snapshot(request))]).aggregations == [need])
        #expect(f.book.statements(of: request) == ["[\"0\"]", "[\"1\"]"])
        let prepared = f.book.aggregationPrepared(request, jobClass: Self.aggregationClass, inputJSON: "{}", now: f.now)
        let job = try #require(prepared.changes.jobs.first)
        #expect(job.kind == .aggregate && job.index == 2 && job.id == JobID(request: request, index: 2))
        #expect(prepared.updates.map(\.kind) == [.aggregating])
        // Made once.
        #expect(
            f.book.aggregationPrepared(request, jobClass: Self.aggregationClass, inputJSON: "{}", now: f.now).isEmpty)
        let round = f.assigned(f.round())
        #expect(round.map(\.1.job.id) == [job.id])
        let done = f.result("a", job.id, epoch: 1)
        #expect(done.changes.requests.last?.state == .done(atMillis: f.now))
        #expect(done.ended == [request])
        #expect(f.totals.balances)
    }

    @Test func anAggregationThatCannotBePreparedFailsItsRequest() throws {
        var f = Fixture()
        f.connect("a", slots: 2)
        let request = try f.submit(inputs: 2, aggregate: true)
        for (_, a) in f.assigned(f.round()) { _ = f.result("a", a.job.id, epoch: 1) }
        let failed = f.book.aggregationFailed(request, reason: "no reference string", now: f.now)
        #expect(failed.changes.requests.last?.state.phase == .failed)
        #expect(failed.ended == [request])
    }

    @Test func aDrainingBookAssignsNothing() throws {
        var f = Fixture()
        f.connect("a")
        _ = try f.submit(inputs: 1)
        f.book.drain()
        #expect(f.assigned(f.round()).isEmpty)
    }

    @Test func aSubmissionIsCheckedBeforeItIsTaken() throws {
        var f = Fixture()
        let id = try f.submit(inputs: 1)
        let request = try #require(f.book.requests[id])
        #expect(throws: SubmissionRefusal.duplicate(id)) { try f.book.submit(request, jobs: [], now: f.now) }
        var other = request
        other.id = "req-other"
        #expect(throws: SubmissionRefusal.noJobs("req-other")) { try f.book.submit(other, jobs: [], now: f.now) }
    }
}
