import Foundation
import Testing

@testable import Market

@Suite("Deterministic and independent of input order")
struct DeterminismTests {
    @Test("Shuffling the bids and asks gives the same bytes")
    func orderDoesNotMatter() throws {
        var random = SplitMix64(seed: 42)
        for round in TestRounds.small.prefix(500) + TestRounds.medium {
            let expected = try DoubleAuction.clear(round).jsonData()
            for _ in 0..<3 {
                var shuffled = round
                shuffled.bids.shuffle(using: &random)
                shuffled.asks.shuffle(using: &random)
                #expect(try DoubleAuction.clear(shuffled).jsonData() == expected)
            }
        }
    }

    @Test("Ties are broken by id")
    func tiesByID() throws {
        // Equal values per job and equal costs everywhere: ranks come from ids alone.
        var round = Round(jobClass: "c", bondPerJob: 0, minReputation: 0)
        round.bids = ["d", "b", "a", "c"].map { Bid(id: $0, jobs: 1, value: 3, deadlineSeconds: 60) }
        round.asks = ["q", "p", "r"].map {
            Ask(id: $0, slots: 1, cost: 1, secondsPerJob: 30, reputation: 1, stakeHeadroom: 0)
        }
        let outcome = try DoubleAuction.clear(round)
        // Four jobs do not fit three slots: the bid clock reaches 3 and rejects d, the highest id
        // among equals. Three slots are not robust, so the ask clock falls toward 3 and stops
        // there, above every cost: everyone else trades at 3.
        #expect(outcome.bidPayments == ["a": 3, "b": 3, "c": 3])
        #expect(outcome.askPayments == ["p": 3, "q": 3, "r": 3])
        #expect(outcome.unmatched == ["d"])
    }
}
