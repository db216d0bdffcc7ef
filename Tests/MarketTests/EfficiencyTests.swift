import Testing

@testable import Market

/// Efficiency against the exact optimum (``ExactSolver``, brute force) on small rounds. Truthful,
/// budget-balanced double auctions cannot be fully efficient (Myerson and Satterthwaite); trade
/// reduction gives up the marginal trades. These tests measure how much, and print it.
@Suite("Efficiency against the optimum")
struct EfficiencyTests {
    struct Measure: CustomStringConvertible {
        var rounds = 0
        var ratios: [Double] = []
        var mean: Double { ratios.reduce(0, +) / Double(max(1, ratios.count)) }
        var worst: Double { ratios.min() ?? 1 }
        var sumRatio = (welfare: 0.0, optimum: 0.0)
        static func fixed(_ x: Double) -> String { String(Double((x * 1000).rounded()) / 1000) }
        var description: String {
            let pooled = sumRatio.welfare / max(1e-12, sumRatio.optimum)
            return "rounds \(rounds) (with gains from trade \(ratios.count)): mean ratio "
                + "\(Self.fixed(mean)) worst \(Self.fixed(worst)) pooled \(Self.fixed(pooled))"
        }
    }

    static func measure(_ rounds: some Sequence<Round>) -> Measure {
        var measure = Measure()
        for round in rounds {
            measure.rounds += 1
            let optimum = ExactSolver.optimalWelfare(round)
            let welfare = DoubleAuction.clearValidated(round).welfare
            #expect(welfare <= optimum + 1e-9, "beat the exact optimum: the solver or the outcome is wrong")
            #expect(welfare >= -1e-9, "every trade must create value")
            guard optimum > 1e-9 else { continue }
            measure.ratios.append(welfare / optimum)
            measure.sumRatio.welfare += welfare
            measure.sumRatio.optimum += optimum
        }
        return measure
    }

    @Test("Small rounds: 2 to 7 requests, 2 to 5 provers")
    func small() {
        let measure = Self.measure(TestRounds.small.prefix(2_000))
        print("efficiency, small rounds:", measure)
        #expect(measure.ratios.count > 500)
        #expect(measure.mean > 0.65)
    }

    @Test("Rounds of 12 requests and 6 provers")
    func twelve() {
        let rounds = (0..<300).map {
            SmallRounds(bids: 12...12, asks: 6...6, maxJobs: 4, maxSlots: 8).round(seed: 50_000 + $0)
        }
        let measure = Self.measure(rounds)
        print("efficiency, 12 × 6 rounds:", measure)
        #expect(measure.mean > 0.8)
    }

    @Test("Rounds of 16 requests and 8 provers")
    func sixteen() {
        let rounds = (0..<100).map {
            SmallRounds(bids: 16...16, asks: 8...8, maxJobs: 4, maxSlots: 8).round(seed: 90_000 + $0)
        }
        let measure = Self.measure(rounds)
        print("efficiency, 16 × 8 rounds:", measure)
        #expect(measure.mean > 0.85)
    }
}
