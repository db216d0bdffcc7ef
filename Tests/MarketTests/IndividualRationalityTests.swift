import Testing

@testable import Market

@Suite("Individually rational")
struct IndividualRationalityTests {
    @Test("No request pays more than its value, no prover gets less than its cost, losers pay nothing")
    func nobodyLoses() {
        for round in TestRounds.all {
            let outcome = DoubleAuction.clearValidated(round)
            let taken = outcome.jobsTaken
            for bid in round.bids {
                if let payment = outcome.bidPayments[bid.id] {
                    #expect(payment <= bid.value + 1e-9, "\(bid.id) pays \(payment) for value \(bid.value)")
                    #expect(payment >= 0)
                } else {
                    #expect(!outcome.assignments.contains { $0.bid == bid.id })
                }
            }
            for ask in round.asks {
                let jobs = taken[ask.id] ?? 0
                let payment = outcome.askPayments[ask.id] ?? 0
                #expect(payment >= ask.cost * Double(jobs) - 1e-9, "\(ask.id) paid \(payment) for \(jobs) jobs")
                if jobs == 0 { #expect(outcome.askPayments[ask.id] == nil) }
            }
        }
    }
}
