/// A client's request as the network keeps it: a circuit, its inputs (one job each, times the
/// redundancy), a deadline and a maximum price per job.
public struct ProofRequest: Sendable, Hashable, Codable {
    public var id: RequestID
    public var circuitID: CircuitID
    public var state: RequestState
    public var createdMillis: Int64
    public var deadlineMillis: Int64
    /// The most the client pays for one job.
    public var maxPricePerJob: Amount
    /// How many provers prove each input at once (the first valid proof wins).
    public var redundancy: Int
    /// Whether the proofs are aggregated into one SnarkPack proof once all are verified.
    public var aggregate: Bool
    /// The number of inputs (not counting replicas or the aggregation job).
    public var inputCount: Int
    /// What the client has been charged so far, from the auction's prices.
    public var paid: Amount
    /// The id of the API key that submitted it: only that key (and viewers and administrators) may see,
    /// fetch or cancel it. Nil for requests from before keys existed.
    public var owner: String?

    public init(
        id: RequestID, circuitID: CircuitID, state: RequestState = .queued, createdMillis: Int64, deadlineMillis: Int64,
        maxPricePerJob: Amount, redundancy: Int = 1, aggregate: Bool = false, inputCount: Int, paid: Amount = .zero,
        owner: String? = nil
    ) {
        self.id = id
        self.circuitID = circuitID
        self.state = state
        self.createdMillis = createdMillis
        self.deadlineMillis = deadlineMillis
        self.maxPricePerJob = maxPricePerJob
        self.redundancy = redundancy
        self.aggregate = aggregate
        self.inputCount = inputCount
        self.paid = paid
        self.owner = owner
    }
}
