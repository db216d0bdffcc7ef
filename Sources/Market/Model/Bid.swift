/// A request's bid: all of its `jobs` proven in this round, or none of them.
///
/// `value` is private to the client and may be misreported; the mechanism makes reporting it
/// truthfully a dominant strategy. `jobs` and `deadlineSeconds` are public: the network holds the
/// jobs and enforces the deadline.
public struct Bid: Sendable, Hashable, Codable {
    /// The request's id, unique among the round's bids.
    public var id: String
    /// How many jobs of the round's class the request needs, all together.
    public var jobs: Int
    /// The most the client pays for all `jobs` together.
    public var value: Double
    /// A prover may take one of these jobs only if its `secondsPerJob` is at most this.
    public var deadlineSeconds: Double

    public init(id: String, jobs: Int, value: Double, deadlineSeconds: Double) {
        self.id = id
        self.jobs = jobs
        self.value = value
        self.deadlineSeconds = deadlineSeconds
    }

    /// Value per job: the key by which bids are ranked.
    var density: Double { value / Double(jobs) }
}
