import ProverNetCore

/// The gateway's persistence: what it needs to resume after any crash. Every state change the gateway
/// makes is one `StoreChanges` batch, committed in one transaction before the change is acknowledged to
/// anyone. Implementations: `SQLiteStore` (embedded, the default); a PostgreSQL one for several gateways
/// comes later behind this same protocol.
public protocol GatewayStore: Sendable {
    func insertCircuit(_ circuit: CircuitRecord) throws
    func circuit(id: CircuitID) throws -> CircuitRecord?
    func circuits() throws -> [CircuitRecord]

    func prover(id: ProverID) throws -> ProverRecord?
    func provers() throws -> [ProverRecord]

    func request(id: RequestID) throws -> RequestRecord?
    /// Requests that have not ended, oldest first: what the gateway resumes after a restart.
    func openRequests() throws -> [RequestRecord]
    func job(id: JobID) throws -> JobRecord?
    func jobs(requestID: RequestID) throws -> [JobRecord]
    func recentJobs(limit: Int) throws -> [JobRecord]
    func rounds(limit: Int) throws -> [RoundRecord]
    func ledger(requestID: RequestID) throws -> [LedgerEntry]

    /// Writes every change of the batch in one transaction: all of them or none.
    func commit(_ changes: StoreChanges) throws
}

/// A batch of changes written in one transaction. Records are upserted by id; rounds and ledger entries
/// are appended.
public struct StoreChanges: Sendable {
    public var requests: [RequestRecord] = []
    public var jobs: [JobRecord] = []
    public var provers: [ProverRecord] = []
    public var rounds: [RoundRecord] = []
    public var ledger: [LedgerEntry] = []

    public init(
        requests: [RequestRecord] = [], jobs: [JobRecord] = [], provers: [ProverRecord] = [],
        rounds: [RoundRecord] = [], ledger: [LedgerEntry] = []
    ) {
        self.requests = requests
        self.jobs = jobs
        self.provers = provers
        self.rounds = rounds
        self.ledger = ledger
    }

    public var isEmpty: Bool {
        requests.isEmpty && jobs.isEmpty && provers.isEmpty && rounds.isEmpty && ledger.isEmpty
    }
}
