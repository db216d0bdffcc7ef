import Foundation
import ProverNetCore
import Store
import Testing

@_spi(Testing) @testable import Gateway

/// Reputation (`docs/economics.md`): the formula's worked example, the job book's running records against a fold
/// of the events it wrote, and the market effect: with the same asks, a prover that cheated once wins less work
/// than an honest one until its record recovers. The time is an argument (`now`): no sleeps.
@Suite struct ReputationTests {
    typealias Fixture = JobBookTests.Fixture
    static let hour: Int64 = 3_600_000

    @Test func theWorkedExampleOfTheDocumentation() {
        let policy = ReputationPolicy()
        let week = policy.halfLifeMillis
        #expect(policy.reputation(nil, now: 0) == 0.9) // a newcomer: the prior
        var cheater = ReputationRecord()
        cheater.add(.rejected, atMillis: 0, halfLifeMillis: week)
        cheater.add(.slashed, atMillis: 0, halfLifeMillis: week)
        // success 1.8 / 3 = 0.6, timeliness 0.9: (3 × 0.6 + 0.9) / 4 = 0.675, / (1 + 1) = 0.3375 → 0.35
        #expect(policy.reputation(cheater, now: 0) == 0.35)
        // One half-life later: 1.8 / 2.5 = 0.72, (2.16 + 0.9) / 4 = 0.765, / 1.5 = 0.51 → 0.5, at the floor.
        #expect(policy.reputation(cheater, now: week) == 0.5)
        // Half a half-life later: 1.8 / 2.707 = 0.665, (1.995 + 0.9) / 4 = 0.724, / 1.707 = 0.424 → 0.4.
        #expect(policy.reputation(cheater, now: week / 2) == 0.4)
        // Ten verified jobs on time, one late: (3 × 12.8 / 13 + 11.8 / 13) / 4 = 0.965… → 0.95.
        var worker = ReputationRecord()
        for _ in 0..<10 { worker.add(.onTime, atMillis: 0, halfLifeMillis: week) }
        worker.add(.late, atMillis: 0, halfLifeMillis: week)
        #expect(policy.reputation(worker, now: 0) == 0.95)
        #expect(ReputationPolicy(priorJobs: 0).problems == ["the prior's weight in jobs must be positive"])
        #expect(ReputationPolicy(floor: 1.5).problems == ["the floor must be in 0…1"])
    }

    @Test func theRunningRecordsEqualAFoldOfTheEventsTheBookWrote() throws {
        var f = Fixture()
        f.book = JobBook(settings: Self.settings())
        f.book.setOperatorStake(Self.opA, 1000)
        var events: [ReputationEvent] = []
        f.connect("a", slots: 2, operatorAddress: Self.opA)
        f.connect("b", slots: 2)
        for round in 0..<12 {
            _ = try f.submit(inputs: 3)
            let assigned = f.assigned(f.round())
            for (index, (prover, a)) in assigned.enumerated() {
                // A mix: some proofs invalid, some reported failures.
                let actions: BookActions
                if (round + index) % 5 == 0 {
                    actions = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch, valid: false)
                } else if (round + index) % 7 == 0 {
                    actions = f.keep(
                        f.book.failureReported(prover, job: a.job.id, epoch: a.lease.epoch, reason: "oom", now: f.now))
                } else {
                    actions = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch)
                }
                events += actions.changes.reputation
            }
            f.now += 17 * 60_000
        }
        #expect(Set(events.map(\.kind)).isSuperset(of: [.onTime, .rejected, .failed, .slashed]))
        let folded = ReputationRecords(events: events, halfLifeMillis: Self.settings().reputation.halfLifeMillis)
        #expect(folded == f.book.reputationRecords)
        // A book that loads the same events has the same records, and so the same reputations.
        var loaded = JobBook(settings: Self.settings())
        loaded.loadReputation(events)
        #expect(loaded.reputationRecords == f.book.reputationRecords)
        #expect(loaded.reputation(of: "a", now: f.now) == f.book.reputation(of: "a", now: f.now))
        #expect(f.book.reputation(ofOperator: Self.opA, now: f.now) == f.book.reputation(of: "a", now: f.now))
    }

    static let opA = "0x00000000000000000000000000000000000000aa"
    static let opB = "0x00000000000000000000000000000000000000bb"

    /// The book's settings with a half-life of an hour.
    static func settings() -> JobBook.Settings {
        var settings = JobBookTests.settings()
        settings.reputation.halfLifeMillis = hour
        return settings
    }

    @Test func aProverThatCheatedOnceWinsLessWorkThanAnHonestOneUntilItsRecordRecovers() throws {
        var f = Fixture()
        f.book = JobBook(settings: Self.settings())
        f.book.setOperatorStake(Self.opA, 1000)
        f.book.setOperatorStake(Self.opB, 1000)
        // The same asks: two slots each, the same price and speed. "a-cheater" sorts first, so it wins ties.
        f.connect("a-cheater", slots: 2, operatorAddress: Self.opA)
        f.connect("b-honest", slots: 2, operatorAddress: Self.opB)
        /// One round of three new jobs: each prover proves what it won (the cheater's first job of the first round
        /// is a wrong proof); returns the jobs each won.
        func round(cheat: Bool = false) throws -> [String: Int] {
            // Due in five minutes, so that each round trades its own three jobs (what is left expires before the next).
            _ = try f.submit(inputs: 3, deadlineSeconds: 300)
            var won: [String: Int] = [:]
            var cheated = !cheat
            for (prover, a) in f.assigned(f.round()) {
                won[prover.rawValue, default: 0] += 1
                let valid = prover.rawValue != "a-cheater" || cheated
                if prover.rawValue == "a-cheater" { cheated = true }
                _ = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch, valid: valid)
            }
            return won
        }
        // Before: equals, so the tie goes by id: the cheater-to-be wins two of three.
        #expect(f.book.reputation(of: "a-cheater", now: f.now) == f.book.reputation(of: "b-honest", now: f.now))
        #expect(try round(cheat: true) == ["a-cheater": 2, "b-honest": 1])
        #expect(f.book.reputation(of: "a-cheater", now: f.now) < f.book.settings.reputation.floor)
        // Then a round every ten minutes.
        var history: [(cheater: Int, honest: Int, reputations: (Double, Double))] = []
        var recovered: Int?
        for index in 0..<60 {
            f.now += 10 * 60_000
            // What the round's market is given.
            let reputations = (
                f.book.reputation(of: "a-cheater", now: f.now), f.book.reputation(of: "b-honest", now: f.now)
            )
            let won = try round()
            history.append((won["a-cheater"] ?? 0, won["b-honest"] ?? 0, reputations))
            if recovered == nil, (won["a-cheater"] ?? 0) >= (won["b-honest"] ?? 0) { recovered = index }
        }
        let back = try #require(recovered, "the cheater never won as much again: \(history)")
        // Under the floor it wins nothing; above it, it wins less (the honest prover is served first) until its
        // reputation equals the honest one's, and from then on the tie goes by id again.
        let before = history[..<back]
        // Under the floor for the first half hour (0.35, then 0.4, 0.45: the worked example's decay, at an hour's
        // half-life), then at it, and above it it wins one job of three while its reputation climbs back.
        #expect(before.count >= 6, "recovered too early: \(history)")
        #expect(before.prefix(3).allSatisfy { $0.cheater == 0 && $0.honest == 2 }, "\(history)")
        #expect(before.allSatisfy { $0.cheater < $0.honest && $0.reputations.0 < $0.reputations.1 })
        #expect(before.contains { $0.cheater == 1 }, "never won less but something: \(history)")
        #expect(history[back].reputations.0 == history[back].reputations.1)
        #expect(history[back...].allSatisfy { $0.cheater == 2 && $0.honest == 1 })
        #expect(before.map(\.cheater).reduce(0, +) < before.map(\.honest).reduce(0, +))
    }
}
