/// Jobs of one request given to one prover.
public struct Assignment: Sendable, Hashable, Codable {
    /// The bid's id.
    public var bid: String
    /// The ask's id.
    public var ask: String
    /// How many of the request's jobs this prover takes.
    public var jobs: Int

    public init(bid: String, ask: String, jobs: Int) {
        self.bid = bid
        self.ask = ask
        self.jobs = jobs
    }
}
