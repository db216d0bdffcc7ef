/// One cleared market round, kept for the administrator's audit. Welfare and surplus are the market's own
/// floating-point measures of the round, not money that moved (the ledger holds that, in integers).
public struct RoundRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var jobClass: String
    public var atMillis: Int64
    public var bids: Int
    public var asks: Int
    public var jobsMatched: Int
    public var welfare: Double
    public var surplus: Double
    /// The round and its outcome as JSON (the `Market` encodings).
    public var roundJSON: String
    public var outcomeJSON: String

    public init(
        jobClass: String, atMillis: Int64, bids: Int, asks: Int, jobsMatched: Int, welfare: Double, surplus: Double,
        roundJSON: String, outcomeJSON: String
    ) {
        self.id = nil
        self.jobClass = jobClass
        self.atMillis = atMillis
        self.bids = bids
        self.asks = asks
        self.jobsMatched = jobsMatched
        self.welfare = welfare
        self.surplus = surplus
        self.roundJSON = roundJSON
        self.outcomeJSON = outcomeJSON
    }
}
