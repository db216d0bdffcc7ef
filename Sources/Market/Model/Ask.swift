/// A prover's ask: up to `slots` jobs at `cost` per job.
///
/// `cost` is private to the prover and may be misreported; the mechanism makes reporting it
/// truthfully a dominant strategy. Everything else is public or verified by the network: `slots`
/// and `secondsPerJob` are measured, `reputation` is kept by the network, and `stakeHeadroom` is
/// the prover's bonded stake not yet pledged to other jobs.
public struct Ask: Sendable, Hashable, Codable {
    /// The prover's id, unique among the round's asks.
    public var id: String
    /// The most jobs the prover takes this round.
    public var slots: Int
    /// The prover's price for one job.
    public var cost: Double
    /// How long the prover takes for one job of this class.
    public var secondsPerJob: Double
    /// The network's measure of the prover's reliability.
    public var reputation: Double
    /// Bonded stake still free: the jobs the prover takes times the round's `bondPerJob` must fit.
    public var stakeHeadroom: Double

    public init(
        id: String, slots: Int, cost: Double, secondsPerJob: Double, reputation: Double,
        stakeHeadroom: Double
    ) {
        self.id = id
        self.slots = slots
        self.cost = cost
        self.secondsPerJob = secondsPerJob
        self.reputation = reputation
        self.stakeHeadroom = stakeHeadroom
    }

    /// The jobs this ask may take in a round with the given bond and reputation floor: zero if
    /// its reputation is below the floor, else its slots capped by what its stake can bond.
    func capacity(bondPerJob: Double, minReputation: Double) -> Int {
        guard reputation >= minReputation, slots > 0 else { return 0 }
        guard bondPerJob > 0 else { return slots }
        let bondable = (stakeHeadroom / bondPerJob).rounded(.down)
        return bondable >= Double(slots) ? slots : Int(bondable)
    }
}
