import Testing

@testable import Market

/// Truthfulness by search: in 10,000 random rounds, every bid and every ask tries every misreport
/// from a grid (its truth scaled by a set of factors, and every other agent's price per job exactly
/// and a hair either side, where ties and crossings happen), and none may end up better off than
/// by telling the truth.
@Suite("Truthful for both sides")
struct TruthfulnessTests {
    static let chunks = 0..<8
    static let roundsPerChunk = 1_250 // 8 × 1,250 = 10,000 rounds
    static let factors: [Double] = [
        0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.01, 1.05, 1.1, 1.25, 1.5, 2, 3, 5, 10,
    ]
    static let tolerance = 1e-9

    /// Prices per job that a misreport may aim at: every agent's but `skipping`'s, exactly and
    /// nudged either way.
    static func targets(_ round: Round, skipping id: String, isBid: Bool) -> [Double] {
        var keys = round.bids.filter { !(isBid && $0.id == id) }.map { $0.value / Double($0.jobs) }
        keys += round.asks.filter { !(!isBid && $0.id == id) }.map(\.cost)
        return keys.flatMap { [$0, $0 * (1 - 1e-6), $0 * (1 + 1e-6) + 1e-9] }
    }

    @Test("No bid gains by misreporting its value", arguments: chunks)
    func bids(chunk: Int) {
        var misreports = 0
        var tradedRounds = 0
        var gains: [String] = []
        for seed in Self.seeds(chunk) {
            let round = SmallRounds().round(seed: seed)
            let truth = DoubleAuction.clearValidated(round)
            if !truth.assignments.isEmpty { tradedRounds += 1 }
            for (index, bid) in round.bids.enumerated() {
                let honest = truth.utility(bid: bid.id, value: bid.value)
                let reports =
                    Self.factors.map { bid.value * $0 }
                    + Self.targets(round, skipping: bid.id, isBid: true).map { $0 * Double(bid.jobs) }
                for report in reports where report >= 0 && report != bid.value {
                    var lie = round
                    lie.bids[index].value = report
                    let gained = DoubleAuction.clearValidated(lie).utility(bid: bid.id, value: bid.value)
                    misreports += 1
                    if gained > honest + Self.tolerance, gains.count < 5 {
                        gains.append("seed \(seed): \(bid.id) value \(bid.value) → \(report): \(honest) → \(gained)")
                    }
                }
            }
        }
        #expect(gains.isEmpty, "\(gains.joined(separator: "\n"))")
        #expect(misreports > Self.roundsPerChunk * 20)
        #expect(tradedRounds > Self.roundsPerChunk / 4, "too few rounds trade for the search to mean much")
    }

    @Test("No ask gains by misreporting its cost", arguments: chunks)
    func asks(chunk: Int) {
        var misreports = 0
        var gains: [String] = []
        for seed in Self.seeds(chunk) {
            let round = SmallRounds().round(seed: seed)
            let truth = DoubleAuction.clearValidated(round)
            for (index, ask) in round.asks.enumerated() {
                let honest = truth.utility(ask: ask.id, cost: ask.cost)
                let reports =
                    Self.factors.map { ask.cost * $0 }
                    + Self.targets(round, skipping: ask.id, isBid: false)
                for report in reports where report >= 0 && report != ask.cost {
                    var lie = round
                    lie.asks[index].cost = report
                    let gained = DoubleAuction.clearValidated(lie).utility(ask: ask.id, cost: ask.cost)
                    misreports += 1
                    if gained > honest + Self.tolerance, gains.count < 5 {
                        gains.append("seed \(seed): \(ask.id) cost \(ask.cost) → \(report): \(honest) → \(gained)")
                    }
                }
            }
        }
        #expect(gains.isEmpty, "\(gains.joined(separator: "\n"))")
        #expect(misreports > Self.roundsPerChunk * 20)
    }

    static func seeds(_ chunk: Int) -> Range<UInt64> {
        let start = UInt64(chunk * roundsPerChunk)
        return start..<(start + UInt64(roundsPerChunk))
    }
}
