import Foundation
import Testing

@testable import Market

@Suite("The outcome's JSON contract")
struct OutcomeJSONTests {
    @Test("Keys are exactly those of the contract")
    func keys() throws {
        let round = try Round(json: Data(ValidationTests.good.utf8))
        let data = try DoubleAuction.clear(round).jsonData()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == ["assignments", "bidPayments", "askPayments", "unmatched", "welfare", "surplus"])
    }

    @Test("One request and one prover cannot trade: someone must set each price without trading")
    func bilateralRoundDoesNotTrade() throws {
        let round = try Round(json: Data(ValidationTests.good.utf8))
        var single = round
        single.bids.removeLast()
        let outcome = try DoubleAuction.clear(single)
        #expect(
            outcome
                == Outcome(
                    assignments: [], bidPayments: [:], askPayments: [:], unmatched: ["req-1"], welfare: 0, surplus: 0))
        #expect(
            String(decoding: outcome.jsonData(), as: UTF8.self)
                == #"{"askPayments":{},"assignments":[],"bidPayments":{},"surplus":0,"unmatched":["req-1"],"welfare":0}"#
        )
    }

    /// The issue's example, extended to be consistent: two requests and two provers.
    static func issueExample() -> Round {
        var round = Round(jobClass: "groth16-bn254/2^16", bondPerJob: 5, minReputation: 0.5)
        round.bids = [
            Bid(id: "req-1", jobs: 4, value: 10, deadlineSeconds: 120), // 2.5 per job
            Bid(id: "req-2", jobs: 2, value: 3, deadlineSeconds: 120), // 1.5 per job
        ]
        round.asks = [
            Ask(id: "prover-a", slots: 8, cost: 0.8, secondsPerJob: 30, reputation: 0.97, stakeHeadroom: 100),
            Ask(id: "prover-b", slots: 8, cost: 1.3, secondsPerJob: 30, reputation: 0.97, stakeHeadroom: 100),
        ]
        return round
    }

    @Test("The issue's example: both requests trade with the cheap prover at the dear prover's cost")
    func issueExample() throws {
        let outcome = try DoubleAuction.clear(Self.issueExample())
        // 6 jobs against 16 slots, robustly: the ask clock rejects prover-b at 1.3. prover-a alone
        // is not robust, so the bid clock rises toward 1.3 and stops there, below req-2's 1.5.
        #expect(
            outcome.assignments == [
                Assignment(bid: "req-1", ask: "prover-a", jobs: 4), Assignment(bid: "req-2", ask: "prover-a", jobs: 2),
            ])
        let price = 1.3
        let bidPayments: [String: Double] = ["req-1": 4 * price, "req-2": 2 * price]
        #expect(outcome.bidPayments == bidPayments)
        #expect(outcome.askPayments == ["prover-a": 6 * price])
        #expect(outcome.unmatched == [])
        #expect(abs(outcome.welfare - 8.2) < 1e-12) // the optimum
        #expect(outcome.surplus == 0)
    }

    @Test("The issue's example with clocks that always reject: the issue's own outcome")
    func issueExampleDiscrete() {
        var rules = ClockAuction.Rules.market
        rules.stopAtOtherClock = false
        let outcome = DoubleAuction.clearValidated(Self.issueExample(), rules: rules)
        // The bid clock rejects req-2 instead of stopping at 1.3: prices are rejected reports.
        #expect(outcome.assignments == [Assignment(bid: "req-1", ask: "prover-a", jobs: 4)])
        #expect(outcome.bidPayments == ["req-1": 6.0])
        #expect(abs(outcome.askPayments["prover-a"]! - 5.2) < 1e-12)
        #expect(outcome.unmatched == ["req-2"])
        #expect(abs(outcome.welfare - 6.8) < 1e-12)
        #expect(abs(outcome.surplus - 0.8) < 1e-12)
    }

    @Test("A worked round: the ask clock rejects the dearest prover, the bid clock stops at its cost")
    func workedRound() throws {
        var round = Round(jobClass: "c", bondPerJob: 5, minReputation: 0.5)
        round.bids = [
            Bid(id: "req-1", jobs: 4, value: 10, deadlineSeconds: 120), // 2.5 per job
            Bid(id: "req-2", jobs: 2, value: 3, deadlineSeconds: 120), // 1.5 per job
            Bid(id: "req-3", jobs: 3, value: 9, deadlineSeconds: 60), // 3.0 per job
        ]
        round.asks = [
            Ask(id: "prover-a", slots: 8, cost: 0.8, secondsPerJob: 30, reputation: 0.97, stakeHeadroom: 100),
            Ask(id: "prover-b", slots: 8, cost: 1.2, secondsPerJob: 30, reputation: 0.9, stakeHeadroom: 100),
            Ask(id: "prover-c", slots: 8, cost: 1.0, secondsPerJob: 30, reputation: 0.9, stakeHeadroom: 100),
            Ask(id: "prover-d", slots: 8, cost: 0.1, secondsPerJob: 30, reputation: 0.2, stakeHeadroom: 100),
        ]
        let outcome = try DoubleAuction.clear(round)
        // prover-d is under the reputation floor and never counts. 9 jobs fit 24 slots robustly, so
        // the ask clock rejects prover-b (1.2); 16 slots are not robust (8 < 9 without either), so
        // the bid clock rises toward 1.2 and stops there. prover-a, best reputation, works first.
        #expect(
            outcome.assignments == [
                Assignment(bid: "req-1", ask: "prover-a", jobs: 4), Assignment(bid: "req-2", ask: "prover-a", jobs: 1),
                Assignment(bid: "req-2", ask: "prover-c", jobs: 1), Assignment(bid: "req-3", ask: "prover-a", jobs: 3),
            ])
        let price = 1.2
        let bidPayments: [String: Double] = ["req-1": 4 * price, "req-2": 2 * price, "req-3": 3 * price]
        let askPayments: [String: Double] = ["prover-a": 8 * price, "prover-c": price]
        #expect(outcome.bidPayments == bidPayments)
        #expect(outcome.askPayments == askPayments)
        #expect(outcome.unmatched == [])
        #expect(abs(outcome.welfare - 14.6) < 1e-12) // the optimum
        #expect(outcome.surplus == 0)

        // With prover-d (0.1 per job) above the floor, the ask clock also rejects prover-c and the
        // price is 1.0. prover-a still works first: the assignment ignores costs, which costs
        // welfare here (prover-d could have done 8 of the 9 jobs).
        round.asks[3].reputation = 0.6
        let traded = try DoubleAuction.clear(round)
        #expect(traded.bidPayments == ["req-1": 4, "req-2": 2, "req-3": 3])
        #expect(traded.askPayments == ["prover-a": 8, "prover-d": 1])
        #expect(traded.unmatched == [])
        #expect(abs(traded.welfare - 15.5) < 1e-12)
    }
}
