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
        #expect(outcome == Outcome(assignments: [], bidPayments: [:], askPayments: [:], unmatched: ["req-1"], welfare: 0, surplus: 0))
        #expect(String(decoding: outcome.jsonData(), as: UTF8.self)
            == #"{"askPayments":{},"assignments":[],"bidPayments":{},"surplus":0,"unmatched":["req-1"],"welfare":0}"#)
    }

    @Test("A worked round: prices come from the marginal bid and ask")
    func workedRound() throws {
        var round = Round(jobClass: "c", bondPerJob: 5, minReputation: 0.5)
        round.bids = [
            Bid(id: "req-1", jobs: 4, value: 10, deadlineSeconds: 120),  // 2.5 per job
            Bid(id: "req-2", jobs: 2, value: 3, deadlineSeconds: 120),  // 1.5 per job
            Bid(id: "req-3", jobs: 3, value: 9, deadlineSeconds: 60),  // 3.0 per job
        ]
        round.asks = [
            Ask(id: "prover-a", slots: 8, cost: 0.8, secondsPerJob: 30, reputation: 0.97, stakeHeadroom: 100),
            Ask(id: "prover-b", slots: 8, cost: 1.2, secondsPerJob: 30, reputation: 0.9, stakeHeadroom: 100),
            Ask(id: "prover-c", slots: 8, cost: 1.0, secondsPerJob: 30, reputation: 0.9, stakeHeadroom: 100),
            Ask(id: "prover-d", slots: 8, cost: 0.1, secondsPerJob: 30, reputation: 0.2, stakeHeadroom: 100),
        ]
        let outcome = try DoubleAuction.clear(round)
        // prover-d is under the reputation floor and never counts. All three bids fit until
        // prover-c leaves the supply, so the marginal bid is req-2 (1.5 per job) and the marginal
        // ask prover-c (1.0); prover-b left earlier. Candidates: req-3 and req-1, and prover-a.
        #expect(outcome.assignments == [
            Assignment(bid: "req-1", ask: "prover-a", jobs: 4), Assignment(bid: "req-3", ask: "prover-a", jobs: 3),
        ])
        #expect(outcome.bidPayments == ["req-1": 6, "req-3": 4.5])
        #expect(outcome.askPayments == ["prover-a": 7])
        #expect(outcome.unmatched == ["req-2"])
        #expect(abs(outcome.welfare - 13.4) < 1e-12)
        #expect(outcome.surplus == 3.5)

        // With prover-d (0.1 per job) above the floor, prover-a becomes the marginal ask and
        // prover-d takes the work at prover-a's cost.
        round.asks[3].reputation = 0.6
        let traded = try DoubleAuction.clear(round)
        #expect(traded.assignments.map(\.ask) == ["prover-d", "prover-d"])
        #expect(traded.bidPayments == ["req-1": 6, "req-3": 4.5])
        #expect(abs(traded.askPayments["prover-d"]! - 5.6) < 1e-12)
        #expect(traded.unmatched == ["req-2"])
    }
}
