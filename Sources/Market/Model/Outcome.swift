/// What a round cleared to.
///
/// Encoded as JSON with exactly the keys `assignments`, `bidPayments`, `askPayments`,
/// `unmatched`, `welfare` and `surplus`.
public struct Outcome: Sendable, Hashable, Codable {
    /// Who proves what, sorted by bid id and then ask id.
    public var assignments: [Assignment]
    /// What each matched request pays for all of its jobs; requests not listed pay nothing.
    public var bidPayments: [String: Double]
    /// What each prover that takes jobs receives; provers not listed receive nothing.
    public var askPayments: [String: Double]
    /// The ids of the requests that were not matched, sorted; they may bid again next round.
    public var unmatched: [String]
    /// Reported value of the matched requests minus reported cost of the jobs taken.
    public var welfare: Double
    /// What the requests pay minus what the provers receive; never negative.
    public var surplus: Double

    public init(
        assignments: [Assignment], bidPayments: [String: Double], askPayments: [String: Double],
        unmatched: [String], welfare: Double, surplus: Double
    ) {
        self.assignments = assignments
        self.bidPayments = bidPayments
        self.askPayments = askPayments
        self.unmatched = unmatched
        self.welfare = welfare
        self.surplus = surplus
    }
}
