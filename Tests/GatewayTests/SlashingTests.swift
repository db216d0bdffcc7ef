import Foundation
import ProverNetCore
import Store
import Testing

@_spi(Testing) @testable import Gateway

/// Slashing: an invalid proof costs its bond's share, a lapsed lease the smaller share (half of it set aside for
/// the prover that completes the job), a job held past its deadline the smaller share; each slash is a ledger
/// line with its evidence, and the operator's stake drops at once.
@Suite struct SlashingTests {
    typealias Fixture = JobBookTests.Fixture
    static let op = "0x00000000000000000000000000000000000000cc"

    /// A book with a cheap prover of the operator and, optionally, an honest prover with no operator.
    static func fixture(stake: Amount = 100, other: Bool = true) -> Fixture {
        var f = Fixture()
        f.book.setOperatorStake(op, stake)
        f.connect("bonded", ask: 1, operatorAddress: op)
        if other { f.connect("other", ask: Amount(decimal: "1.5")!) }
        return f
    }

    static func evidence(_ transfer: Transfer) throws -> SlashEvidence {
        try JSONDecoder().decode(SlashEvidence.self, from: Data(transfer.note.utf8))
    }

    @Test func anInvalidProofCostsTheWholeBondWithTheEvidence() throws {
        var f = Self.fixture(other: false)
        let request = try f.submit(inputs: 1, maxPrice: 4)
        let (prover, a) = try #require(f.assigned(f.round()).first)
        #expect(prover == "bonded" && a.lease.bond > .zero)
        let verdict = f.result("bonded", a.job.id, epoch: a.lease.epoch, valid: false)
        let slash = try #require(verdict.changes.transfers.first { $0.reason == .slash })
        #expect(slash.from == .stake(Self.op) && slash.to == .slashed && slash.amount == a.lease.bond)
        #expect(slash.jobID == a.job.id && slash.requestID == request)
        let evidence = try Self.evidence(slash)
        #expect(evidence.kind == .invalidProof && evidence.prover == "bonded" && evidence.epoch == a.lease.epoch)
        #expect(evidence.reason == "bad proof" && evidence.bondUnits == a.lease.bond.units)
        #expect(verdict.slashedOperators == [Self.op])
        #expect(f.book.operatorStakes[Self.op] == Amount(whole: 100) - a.lease.bond)
        #expect(f.accounts[.slashed] == a.lease.bond)
    }

    @Test func aLapsedLeaseCostsTheSmallerShareHalfOfItToTheProverThatCompletesTheJob() throws {
        var f = Self.fixture(other: false)
        _ = try f.submit(inputs: 1, maxPrice: 4)
        let (_, a) = try #require(f.assigned(f.round()).first)
        // The bonded prover is killed while it holds the job: its lease lapses.
        _ = f.keep(f.book.proverDisconnected("bonded", connection: 1, now: f.now))
        f.now = a.lease.expiresMillis + 1
        let lapse = f.keep(f.book.tick(now: f.now))
        let expected = SlashPolicy.share(2_500, of: a.lease.bond)
        let bounty = SlashPolicy.share(5_000, of: expected)
        let slash = try #require(lapse.changes.transfers.first { $0.reason == .slash })
        let set = try #require(lapse.changes.transfers.first { $0.reason == .bounty })
        #expect(slash.amount + set.amount == expected && set.amount == bounty && set.to == .bounty(a.job.id))
        #expect(try Self.evidence(slash).kind == .lapsedLease)
        #expect(f.book.operatorStakes[Self.op] == Amount(whole: 100) - expected)
        // Another prover completes the job and receives the bounty with its price.
        f.connect("other", ask: Amount(decimal: "1.5")!)
        let next = f.assigned(f.round())
        let (completer, b) = try #require(next.first)
        #expect(b.job.id == a.job.id)
        let done = f.result(completer.rawValue, b.job.id, epoch: b.lease.epoch)
        let paid = try #require(done.changes.transfers.first { $0.reason == .bountyPaid })
        #expect(paid.to == .earnings(completer) && paid.amount == bounty)
        #expect(f.accounts[.earnings(completer)] == b.lease.price + bounty)
        #expect(f.accounts[.bounty(a.job.id)] == .zero)
    }

    @Test func aJobHeldPastItsDeadlineCostsTheSmallerShareAndForfeitsNothingToAnyone() throws {
        var f = Self.fixture(other: false)
        let request = try f.submit(inputs: 1, maxPrice: 4, deadlineSeconds: 5)
        let (_, a) = try #require(f.assigned(f.round()).first)
        f.now += 5_000
        let expired = f.keep(f.book.expireOverdue(now: f.now))
        #expect(expired.ended == [request])
        let slash = try #require(expired.changes.transfers.first { $0.reason == .slash })
        #expect(slash.amount == SlashPolicy.share(2_500, of: a.lease.bond))
        #expect(try Self.evidence(slash).kind == .pastDeadline)
        #expect(!expired.changes.transfers.contains { $0.reason == .bounty })
    }

    @Test func aReportedFailureAndAProverWithoutAnOperatorAreNotSlashed() throws {
        var f = Self.fixture(other: false)
        _ = try f.submit(inputs: 1, maxPrice: 4)
        let (_, a) = try #require(f.assigned(f.round()).first)
        let failed = f.keep(
            f.book.failureReported("bonded", job: a.job.id, epoch: a.lease.epoch, reason: "oom", now: f.now))
        #expect(!failed.changes.transfers.contains { $0.reason == .slash })
        var g = Fixture()
        g.connect("free")
        _ = try g.submit(inputs: 1, maxPrice: 4)
        let (_, b) = try #require(g.assigned(g.round()).first)
        let rejected = g.result("free", b.job.id, epoch: b.lease.epoch, valid: false)
        #expect(!rejected.changes.transfers.contains { $0.reason == .slash } && rejected.slashedOperators.isEmpty)
    }
}
