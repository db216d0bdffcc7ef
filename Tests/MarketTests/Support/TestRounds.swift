@testable import Market

/// The rounds the property tests run on: many small ones, where every corner is reached, and a few
/// medium and large ones with ties, where rationing and deadlines bind at scale.
enum TestRounds {
    static let small: [Round] = (0..<3_000).map { SmallRounds().round(seed: $0) }
    static let medium: [Round] = (0..<40).map {
        SyntheticRound(bids: 300, asks: 40, maxJobs: 8, maxSlots: 40, priceStep: $0 % 2 == 0 ? 0.1 : nil)
            .round(seed: 1_000 + $0)
    }
    static let all = small + medium
}
