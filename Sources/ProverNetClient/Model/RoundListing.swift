import Foundation

/// A cleared market round as the gateway's admin listing shows it.
public struct RoundListing: Sendable, Equatable {
    /// Its number in the gateway's audit log.
    public var id: UInt64
    /// The job class it cleared.
    public var jobClass: String
    /// When it cleared, in milliseconds since 1970.
    public var unixMillis: Int64
    /// The bids and asks it cleared, and how many jobs it matched.
    public var bids: Int
    public var asks: Int
    public var jobsMatched: Int
    /// The round's welfare and the network's surplus (docs/market.md).
    public var welfare: Double
    public var surplus: Double

    /// A listing entry.
    public init(
        id: UInt64, jobClass: String, unixMillis: Int64, bids: Int, asks: Int, jobsMatched: Int, welfare: Double,
        surplus: Double
    ) {
        self.id = id
        self.jobClass = jobClass
        self.unixMillis = unixMillis
        self.bids = bids
        self.asks = asks
        self.jobsMatched = jobsMatched
        self.welfare = welfare
        self.surplus = surplus
    }
}
