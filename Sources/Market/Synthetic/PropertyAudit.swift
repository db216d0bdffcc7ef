/// The market's properties checked on one round, as the benchmark reports them (`provernet market bench`): the
/// round is cleared with the truth, then with each misreport of a grid for every bid and every ask, and the
/// outcomes are checked for individual rationality and weak budget balance, and every misreport for a gain.
/// Reputation and stake headroom are public inputs: they are never misreported, only the values and costs are;
/// the audit shows that rounds where they bind keep the properties. (The test suite's searches,
/// `Tests/MarketTests`, are wider; this one is cheap enough to run beside a benchmark.)
public struct PropertyAudit: Sendable, Equatable {
    /// Rounds audited.
    public var rounds = 0
    /// Misreports tried.
    public var misreports = 0
    /// Misreports that left their agent better off than the truth (truthfulness broken).
    public var truthfulnessGains = 0
    /// Agents paid less than their cost or charged more than their value (individual rationality broken).
    public var rationalityViolations = 0
    /// Rounds that paid provers more than requests paid (weak budget balance broken).
    public var budgetViolations = 0
    /// Asks under the reputation floor, and asks whose stake headroom bonds fewer jobs than their slots.
    public var asksUnderFloor = 0
    public var asksStakeBound = 0
    /// Jobs matched and welfare (the value of the matched requests less the cost of the jobs), with the truth.
    public var jobsMatched = 0
    public var welfare = 0.0

    /// The truth scaled by these factors, for each agent.
    public static let factors: [Double] = [0, 0.25, 0.5, 0.9, 0.99, 1.01, 1.1, 1.5, 2, 5]
    static let tolerance = 1e-9

    public init() {}

    /// Adds the audit of `round` (which must validate).
    public mutating func audit(_ round: Round) throws(MarketError) {
        let truth = try DoubleAuction.clear(round)
        rounds += 1
        jobsMatched += truth.assignments.reduce(0) { $0 + $1.jobs }
        welfare += truth.welfare
        for ask in round.asks {
            if ask.reputation < round.minReputation {
                asksUnderFloor += 1
            } else if round.bondPerJob > 0, (ask.stakeHeadroom / round.bondPerJob).rounded(.down) < Double(ask.slots) {
                asksStakeBound += 1
            }
        }
        if !Self.rational(truth, round) { rationalityViolations += 1 }
        let paidIn = truth.bidPayments.values.reduce(0, +)
        let paidOut = truth.askPayments.values.reduce(0, +)
        if paidIn < paidOut - Self.tolerance * max(1, paidIn) { budgetViolations += 1 }
        for (index, bid) in round.bids.enumerated() {
            let honest = Self.utility(truth, bid: bid.id, value: bid.value)
            for factor in Self.factors where factor != 1 {
                var lie = round
                lie.bids[index].value = bid.value * factor
                let outcome = try DoubleAuction.clear(lie)
                misreports += 1
                if Self.utility(outcome, bid: bid.id, value: bid.value) > honest + Self.tolerance {
                    truthfulnessGains += 1
                }
            }
        }
        for (index, ask) in round.asks.enumerated() {
            let honest = Self.utility(truth, ask: ask.id, cost: ask.cost)
            for factor in Self.factors where factor != 1 {
                var lie = round
                lie.asks[index].cost = ask.cost * factor
                let outcome = try DoubleAuction.clear(lie)
                misreports += 1
                if Self.utility(outcome, ask: ask.id, cost: ask.cost) > honest + Self.tolerance {
                    truthfulnessGains += 1
                }
            }
        }
    }

    /// No request pays more than its value; no prover is paid less than its cost for the jobs it takes.
    static func rational(_ outcome: Outcome, _ round: Round) -> Bool {
        var taken: [String: Int] = [:]
        for a in outcome.assignments { taken[a.ask, default: 0] += a.jobs }
        for bid in round.bids where (outcome.bidPayments[bid.id] ?? 0) > bid.value + tolerance { return false }
        for ask in round.asks
        where (outcome.askPayments[ask.id] ?? 0) < ask.cost * Double(taken[ask.id] ?? 0) - tolerance {
            return false
        }
        return true
    }

    static func utility(_ outcome: Outcome, bid id: String, value: Double) -> Double {
        guard let payment = outcome.bidPayments[id] else { return 0 }
        return value - payment
    }

    static func utility(_ outcome: Outcome, ask id: String, cost: Double) -> Double {
        let jobs = outcome.assignments.filter { $0.ask == id }.reduce(0) { $0 + $1.jobs }
        return (outcome.askPayments[id] ?? 0) - cost * Double(jobs)
    }
}
