import Store

/// How a prover's or an operator's record becomes its reputation, a number in 0…1 (`docs/economics.md`,
/// *Reputation*). With the record's sums decayed to now (each event weighted 2^−(age / half-life)):
///
///     success    = (delivered + k·p) / (delivered + rejected + failed + lost + k)
///     timeliness = (onTime + k·p) / (delivered + k)
///     reputation = (wₛ·success + wₜ·timeliness) / (wₛ + wₜ) / (1 + σ·slashes)      rounded to the step
///
/// with the prior of `k = priorJobs` jobs at a rate `p = priorSuccess` (a newcomer's reputation is `p`, so it can
/// win work), and `σ = slashPenalty`. A prover under `floor` is given no work; among provers of equal price,
/// the market gives the work to the better reputation first. Rounded to `step` (0.05) so that a record that has
/// recovered to within a step of another's counts as equal: without it, a prover that wins less because its
/// reputation is a little lower would stay a little lower (it earns fewer verified jobs), and never win a tie
/// again. The published number is the rounded one, what the market used.
public struct ReputationPolicy: Sendable, Equatable {
    /// The time in which an event's weight halves.
    public var halfLifeMillis: Int64
    /// The prior's weight, in jobs (`k`, positive).
    public var priorJobs: Double
    /// The prior's success and timeliness rate (`p`, in 0…1): a newcomer's reputation.
    public var priorSuccess: Double
    /// The network's floor: a prover whose reputation is below it gets no work.
    public var floor: Double
    /// The weight of success (`wₛ`).
    public var successWeight: Double
    /// The weight of timeliness (`wₜ`).
    public var timelinessWeight: Double
    /// What each (decayed) slash divides the reputation by, less one (`σ`).
    public var slashPenalty: Double
    /// Reputations are rounded to a multiple of this (in 0…1, positive).
    public var step: Double

    public init(
        halfLifeMillis: Int64 = 7 * 24 * 3_600_000, priorJobs: Double = 2, priorSuccess: Double = 0.9,
        floor: Double = 0.5, successWeight: Double = 3, timelinessWeight: Double = 1, slashPenalty: Double = 1,
        step: Double = 0.05
    ) {
        self.step = step
        self.halfLifeMillis = halfLifeMillis
        self.priorJobs = priorJobs
        self.priorSuccess = priorSuccess
        self.floor = floor
        self.successWeight = successWeight
        self.timelinessWeight = timelinessWeight
        self.slashPenalty = slashPenalty
    }

    /// What is wrong with the policy, if anything (each as the setting's name and why).
    public var problems: [String] {
        var problems: [String] = []
        if halfLifeMillis <= 0 { problems.append("the half-life must be positive") }
        if !(priorJobs > 0 && priorJobs.isFinite) { problems.append("the prior's weight in jobs must be positive") }
        if !(0...1).contains(priorSuccess) { problems.append("the prior success rate must be in 0…1") }
        if !(0...1).contains(floor) { problems.append("the floor must be in 0…1") }
        if !(successWeight >= 0 && timelinessWeight >= 0 && successWeight + timelinessWeight > 0)
            || !(successWeight + timelinessWeight).isFinite
        {
            problems.append("the weights must not be negative, and not both zero")
        }
        if !(step > 0 && step <= 1) { problems.append("the step must be in 0…1 and positive") }
        if !(slashPenalty >= 0 && slashPenalty.isFinite) { problems.append("the slash penalty must not be negative") }
        return problems
    }

    /// The parts of the formula for a record (nil: no record, a newcomer) decayed to `now`.
    public func parts(_ record: ReputationRecord?, now: Int64) -> (success: Double, timeliness: Double, slashes: Double)
    {
        let r = (record ?? ReputationRecord()).decayed(to: now, halfLifeMillis: halfLifeMillis)
        let prior = priorJobs * priorSuccess
        let success = (r.delivered + prior) / (r.delivered + r.rejected + r.failed + r.lost + priorJobs)
        let timeliness = (r.onTime + prior) / (r.delivered + priorJobs)
        return (success, timeliness, r.slashes)
    }

    /// The reputation of a record (nil: a newcomer's) at `now`, in 0…1, rounded to the nearest multiple of `step`
    /// (then to a millionth, so that 10 × 0.05 is 0.5 and compares equal to a floor of 0.5).
    public func reputation(_ record: ReputationRecord?, now: Int64) -> Double {
        let (success, timeliness, slashes) = parts(record, now: now)
        let quality = (successWeight * success + timelinessWeight * timeliness) / (successWeight + timelinessWeight)
        let value = quality / (1 + slashPenalty * slashes)
        let stepped = (min(1, max(0, value)) / step).rounded() * step
        return (stepped * 1_000_000).rounded() / 1_000_000
    }
}
