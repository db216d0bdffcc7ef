import Testing

@testable import Market

@Suite("Weakly budget balanced")
struct BudgetBalanceTests {
    @Test("Requests pay at least what provers receive, and the surplus is the difference")
    func networkNeverPaysOut() {
        var positive = 0
        for round in TestRounds.all {
            let outcome = DoubleAuction.clearValidated(round)
            let paidIn = outcome.bidPayments.values.reduce(0, +)
            let paidOut = outcome.askPayments.values.reduce(0, +)
            #expect(paidIn >= paidOut - 1e-9)
            #expect(outcome.surplus >= 0)
            #expect(abs(outcome.surplus - (paidIn - paidOut)) <= 1e-9 * max(1, paidIn))
            if outcome.surplus > 0 { positive += 1 }
        }
        #expect(positive > 0, "trade reduction should leave a surplus in some rounds")
    }

    @Test("Every matched job is bought at one price and sold at one price")
    func uniformPrices() {
        for round in TestRounds.all {
            let outcome = DoubleAuction.clearValidated(round)
            let jobs = Dictionary(uniqueKeysWithValues: round.bids.map { ($0.id, $0.jobs) })
            let perJobBid = Set(outcome.bidPayments.map { ($0.value / Double(jobs[$0.key]!) * 1e9).rounded() })
            let taken = outcome.jobsTaken
            let perJobAsk = Set(outcome.askPayments.map { ($0.value / Double(taken[$0.key]!) * 1e9).rounded() })
            #expect(perJobBid.count <= 1)
            #expect(perJobAsk.count <= 1)
            if let b = perJobBid.first, let a = perJobAsk.first { #expect(b >= a) }
        }
    }
}
