/// Random rounds for benchmarks and tests: a plausible mix of request sizes, deadlines, prover
/// speeds, stakes and reputations, reproducible from a seed.
public struct SyntheticRound: Sendable {
    /// Number of bids.
    public var bids: Int
    /// Number of asks.
    public var asks: Int
    /// Largest request, in jobs (at least 1).
    public var maxJobs: Int
    /// Largest prover, in slots (at least 1).
    public var maxSlots: Int
    /// When set, values per job and costs are multiples of this step, so that ties are common.
    public var priceStep: Double?
    /// Which public constraints the round's asks carry (reputation, stake headroom).
    public var constraints: Constraints = .both

    /// Which public constraints a synthetic round's asks carry. The costs, values, slots and speeds are the same
    /// for every choice (drawn from the same seed), so that rounds of one seed differ only by the constraints.
    public enum Constraints: String, Sendable, CaseIterable {
        /// Reputation 1 for every ask, stake without limit: the market alone.
        case none
        /// Reputation 1; stake that binds: a headroom of 0 to `slots` bonds, often fewer jobs than slots.
        case stake
        /// Reputations from 0.3 to 1 (the floor is 0.5, so some asks are under it, and the winners are served
        /// by reputation); stake without limit.
        case reputation
        /// Reputations as `reputation`, and a headroom of `slots / 2` to `slots + 4` bonds.
        case both
    }

    /// Defaults give rounds where demand and supply are of the same order: requests of 1 to 8 jobs
    /// and provers of 1 to 64 slots, so that 10 bids come per prover.
    public init(
        bids: Int, asks: Int, maxJobs: Int = 8, maxSlots: Int = 64, priceStep: Double? = nil,
        constraints: Constraints = .both
    ) {
        self.constraints = constraints
        self.bids = bids
        self.asks = asks
        self.maxJobs = max(1, maxJobs)
        self.maxSlots = max(1, maxSlots)
        self.priceStep = priceStep
    }

    /// The round for `seed`.
    public func round(seed: UInt64) -> Round {
        var random = SplitMix64(seed: seed)
        func price(_ range: ClosedRange<Double>) -> Double {
            let x = Double.random(in: range, using: &random)
            guard let step = priceStep else { return x }
            return (x / step).rounded() * step
        }
        let deadlines: [Double] = [30, 60, 120, 300, 600]
        let speeds: [Double] = [15, 30, 60, 120, 240]
        var round = Round(jobClass: "groth16-bn254/2^16", bondPerJob: 5, minReputation: 0.5)
        round.bids.reserveCapacity(bids)
        round.asks.reserveCapacity(asks)
        for index in 0..<bids {
            let jobs = Int.random(in: 1...maxJobs, using: &random)
            round.bids.append(
                Bid(
                    id: "req-\(index)", jobs: jobs, value: Double(jobs) * price(0.2...2.0),
                    deadlineSeconds: deadlines.randomElement(using: &random) ?? 600))
        }
        for index in 0..<asks {
            let slots = Int.random(in: 1...maxSlots, using: &random)
            round.asks.append(
                Ask(
                    id: "prover-\(index)", slots: slots, cost: price(0.1...1.5),
                    secondsPerJob: speeds.randomElement(using: &random) ?? 60,
                    reputation: (Double.random(in: 0.3...1.0, using: &random) * 100).rounded() / 100,
                    stakeHeadroom: 5 * Double(Int.random(in: slots / 2...slots + 4, using: &random))))
        }
        // The constraints other than `both` replace what was drawn, from a generator of their own, so that the
        // rest of the round is the same for every choice.
        var other = SplitMix64(seed: seed ^ 0x5EED_0F_C0_A5_7A1E)
        for index in round.asks.indices {
            switch constraints {
            case .none:
                round.asks[index].reputation = 1
                round.asks[index].stakeHeadroom = .greatestFiniteMagnitude
            case .stake:
                round.asks[index].reputation = 1
                round.asks[index].stakeHeadroom =
                    round.bondPerJob * Double(Int.random(in: 0...round.asks[index].slots, using: &other))
            case .reputation:
                round.asks[index].stakeHeadroom = .greatestFiniteMagnitude
            case .both: break
            }
        }
        return round
    }
}
