import ProverNetCore

/// A job as the gateway's admin listing shows it.
public struct JobListing: Sendable, Equatable {
    /// Its id (`REQUEST/INDEX`).
    public var id: JobID
    /// The request it belongs to.
    public var request: RequestID
    /// The position of its input in its request.
    public var index: Int
    /// Where it stands.
    public var state: JobState
    /// The prover that holds or proved it, if any.
    public var prover: ProverID?
    /// Its lease epoch (0 before the first assignment).
    public var epoch: UInt64
    /// Failed attempts so far.
    public var attempts: Int
    /// What its prover is paid for it, in credits.
    public var price: Double
    /// Its job class (`groth16-bn254/2^12`).
    public var jobClass: String

    /// A listing entry.
    public init(
        id: JobID, request: RequestID, index: Int, state: JobState, prover: ProverID?, epoch: UInt64, attempts: Int,
        price: Double, jobClass: String
    ) {
        self.id = id
        self.request = request
        self.index = index
        self.state = state
        self.prover = prover
        self.epoch = epoch
        self.attempts = attempts
        self.price = price
        self.jobClass = jobClass
    }
}
