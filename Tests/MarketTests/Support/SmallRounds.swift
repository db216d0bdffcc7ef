@testable import Market

/// Small random rounds for property tests: few agents, so that misreports and exact optima are
/// cheap, and a shape chosen to hit the hard cases often: ties (half of the rounds put prices on a
/// grid), deadlines some provers cannot meet, provers under the reputation floor, and stake that
/// binds before slots do.
struct SmallRounds {
    var bids: ClosedRange<Int> = 2...7
    var asks: ClosedRange<Int> = 2...5
    var maxJobs = 4
    var maxSlots = 6

    func round(seed: UInt64) -> Round {
        var random = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 7)
        let onGrid = Bool.random(using: &random)
        func price(_ range: ClosedRange<Double>) -> Double {
            let x = Double.random(in: range, using: &random)
            return onGrid ? (x * 2).rounded() / 2 : x
        }
        var round = Round(jobClass: "test", bondPerJob: 1, minReputation: 0.5)
        for index in 0..<Int.random(in: bids, using: &random) {
            let jobs = Int.random(in: 1...maxJobs, using: &random)
            round.bids.append(
                Bid(
                    id: "b\(index)", jobs: jobs, value: Double(jobs) * price(0...5),
                    deadlineSeconds: [30.0, 60, 120].randomElement(using: &random)!))
        }
        for index in 0..<Int.random(in: asks, using: &random) {
            let slots = Int.random(in: 0...maxSlots, using: &random) // 0: an ask with nothing to offer
            round.asks.append(
                Ask(
                    id: "a\(index)", slots: slots, cost: price(0...3),
                    secondsPerJob: [15.0, 30, 60, 120].randomElement(using: &random)!,
                    reputation: [0.4, 0.7, 0.9, 1.0, 1.0].randomElement(using: &random)!,
                    stakeHeadroom: Double(Int.random(in: slots / 2...(slots + 2), using: &random))))
        }
        return round
    }
}

extension Outcome {
    /// Jobs each ask takes, by id.
    var jobsTaken: [String: Int] {
        assignments.reduce(into: [:]) { $0[$1.ask, default: 0] += $1.jobs }
    }

    /// What bid `id` gains when its true value is `value`.
    func utility(bid id: String, value: Double) -> Double {
        guard let payment = bidPayments[id] else { return 0 }
        return value - payment
    }

    /// What ask `id` gains when its true cost per job is `cost`.
    func utility(ask id: String, cost: Double) -> Double {
        (askPayments[id] ?? 0) - cost * Double(jobsTaken[id] ?? 0)
    }
}
