import Testing

@testable import Market

/// Stake headroom and reputation are public inputs, not reports: rounds where they bind keep truthfulness,
/// individual rationality and weak budget balance (issue 15, item 6). The audit is the one `provernet market bench`
/// prints; the wider searches (`TruthfulnessTests` and the others) run on `SmallRounds`, whose coverage of varied
/// reputation and binding stake is checked here too.
@Suite("Stake and reputation keep the properties")
struct PublicConstraintsTests {
    @Test(
        "Each choice of constraints keeps the properties, and the constraints bind",
        arguments: SyntheticRound.Constraints.allCases)
    func audit(_ constraints: SyntheticRound.Constraints) throws {
        var audit = PropertyAudit()
        for n in 0..<UInt64(300) {
            let shape = SyntheticRound(
                bids: 2 + Int(n % 6), asks: 2 + Int(n % 4), maxJobs: 4, maxSlots: 6, priceStep: n % 2 == 0 ? 0.5 : nil,
                constraints: constraints)
            try audit.audit(shape.round(seed: n))
        }
        #expect(audit.truthfulnessGains == 0 && audit.rationalityViolations == 0 && audit.budgetViolations == 0)
        #expect(audit.misreports > 300 * 40 && audit.jobsMatched > 300)
        switch constraints {
        case .none: #expect(audit.asksUnderFloor == 0 && audit.asksStakeBound == 0)
        case .stake: #expect(audit.asksUnderFloor == 0 && audit.asksStakeBound > 200)
        case .reputation: #expect(audit.asksUnderFloor > 100 && audit.asksStakeBound == 0)
        case .both: #expect(audit.asksUnderFloor > 100 && audit.asksStakeBound > 50)
        }
    }

    @Test("The audit finds a broken outcome")
    func theAuditCanFail() throws {
        let round = SyntheticRound(bids: 6, asks: 4, maxJobs: 4, maxSlots: 6).round(seed: 3)
        var outcome = try DoubleAuction.clear(round)
        let winner = try #require(outcome.askPayments.first { $0.value > 0 })
        #expect(PropertyAudit.rational(outcome, round))
        outcome.askPayments[winner.key] = 0 // a prover paid nothing for its jobs
        #expect(!PropertyAudit.rational(outcome, round))
    }

    @Test("The property searches' rounds vary reputation among winners, put asks under the floor and bind stake")
    func smallRoundsCoverTheConstraints() {
        var (underFloor, stakeBound, mixedWinners) = (0, 0, 0)
        for seed in UInt64(0)..<1_000 {
            let round = SmallRounds().round(seed: seed)
            underFloor += round.asks.filter { $0.reputation < round.minReputation }.count
            stakeBound +=
                round.asks.filter { ($0.stakeHeadroom / round.bondPerJob).rounded(.down) < Double($0.slots) }
                .count
            let outcome = DoubleAuction.clearValidated(round)
            let winners = Set(outcome.assignments.map(\.ask))
            if Set(round.asks.filter { winners.contains($0.id) }.map(\.reputation)).count > 1 { mixedWinners += 1 }
        }
        #expect(
            underFloor > 300 && stakeBound > 300 && mixedWinners > 50, "\(underFloor) \(stakeBound) \(mixedWinners)")
    }
}
