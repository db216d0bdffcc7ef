/// One round of the market for one class of job: every job of the class is one unit of the same
/// work, so bids count jobs and asks price one job.
public struct Round: Sendable, Hashable, Codable {
    /// The class of job, such as `groth16-bn254/2^16`; carried through, not interpreted.
    public var jobClass: String
    /// Stake a prover bonds for each job it takes.
    public var bondPerJob: Double
    /// Provers with a lower reputation take no job this round.
    public var minReputation: Double
    /// The requests' bids.
    public var bids: [Bid]
    /// The provers' asks.
    public var asks: [Ask]

    public init(
        jobClass: String, bondPerJob: Double = 0, minReputation: Double = 0, bids: [Bid] = [],
        asks: [Ask] = []
    ) {
        self.jobClass = jobClass
        self.bondPerJob = bondPerJob
        self.minReputation = minReputation
        self.bids = bids
        self.asks = asks
    }

    enum CodingKeys: String, CodingKey {
        case jobClass = "class"
        case bondPerJob, minReputation, bids, asks
    }
}
