/// What a job does: prove one input of its request, or aggregate the request's proofs.
public enum JobKind: String, Sendable, Hashable, Codable {
    /// Prove one input (`groth16.prove` for a Groth16 circuit).
    case prove
    /// Aggregate the verified proofs of every input into one (`snarkpack.aggregate`).
    case aggregate
}

/// The unit that is auctioned, leased and proven: one input of a request (one replica of it, with
/// redundancy), or the request's aggregation.
public struct Job: Sendable, Hashable, Codable {
    public var id: JobID
    public var requestID: RequestID
    public var kind: JobKind
    /// The position of the job's input in its request (for an aggregation job, the count of inputs).
    public var index: Int
    /// With redundancy r, each input has r replicas (0 … r−1), each leased to a different prover.
    public var replica: Int
    public var jobClass: JobClass
    /// The input: circom input JSON for a proving job; what an aggregation job aggregates for one.
    public var inputJSON: String
    /// The statement a proof must prove: the public signals the input implies (a JSON array of decimal
    /// strings), computed at submission. `[]` for an aggregation job, whose statement is its request's.
    public var statementJSON: String
    /// Whether the client declared `statementJSON` (it then binds the job, and the gateway ran no witness for
    /// it) rather than the gateway computing it from the input. A prover whose own witness gives other
    /// public signals reports a mismatch, and only then does the gateway compute the input's statement to
    /// decide who was wrong (`docs/declared-statements.md`).
    public var statementDeclared: Bool
    public var state: JobState
    /// The epoch of the latest lease: 0 before the first, one more at each.
    public var epoch: Int64
    /// Failed attempts so far (rejected proofs and reported failures; not vanished provers).
    public var attempts: Int
    /// Why the job last went back to the market or ended.
    public var lastError: String?

    public init(
        id: JobID, requestID: RequestID, kind: JobKind = .prove, index: Int, replica: Int = 0, jobClass: JobClass,
        inputJSON: String, statementJSON: String, statementDeclared: Bool = false, state: JobState = .pending,
        epoch: Int64 = 0, attempts: Int = 0,
        lastError: String? = nil
    ) {
        self.id = id
        self.requestID = requestID
        self.kind = kind
        self.index = index
        self.replica = replica
        self.jobClass = jobClass
        self.inputJSON = inputJSON
        self.statementJSON = statementJSON
        self.statementDeclared = statementDeclared
        self.state = state
        self.epoch = epoch
        self.attempts = attempts
        self.lastError = lastError
    }

    public var isAggregation: Bool { kind == .aggregate }
}
