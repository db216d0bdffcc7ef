import ProverNetCore

/// The gateway's persistence: what it needs to resume after any crash. Every state change the gateway
/// makes is one `StoreChanges` batch, committed in one transaction before the change is told to anyone.
/// The protocol is async and batch-oriented so that an implementation on a server database fits it as the
/// embedded one does: `SQLiteStore` (the default); a PostgreSQL one for several gateways.
public protocol GatewayStore: KeyStore, EconomicsStore {
    func insertCircuit(_ circuit: CircuitDescriptor, createdMillis: Int64) async throws(StoreError)
    func circuit(id: CircuitID) async throws(StoreError) -> CircuitDescriptor?
    func circuits() async throws(StoreError) -> [CircuitDescriptor]

    func prover(id: ProverID) async throws(StoreError) -> ProverRecord?
    func provers() async throws(StoreError) -> [ProverRecord]
    /// Adds a prover to the allowlist, or allows it again; returns its record. `actor` is who did it, as the
    /// audit log names it (`key:ID`, `local-admin` for a change written offline).
    func allowProver(id: ProverID, publicKeyHex: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> ProverRecord
    /// Takes a prover off the allowlist (its record stays).
    func revokeProver(id: ProverID, actor: String) async throws(StoreError)

    func request(id: RequestID) async throws(StoreError) -> ProofRequest?
    /// Requests that have not ended, oldest first: what the gateway resumes after a restart.
    func openRequests() async throws(StoreError) -> [ProofRequest]
    func requests(createdSince millis: Int64) async throws(StoreError) -> [ProofRequest]
    func job(id: JobID) async throws(StoreError) -> Job?
    /// A request's jobs by input index, then replica (the aggregation job last).
    func jobs(requestID: RequestID) async throws(StoreError) -> [Job]
    func recentJobs(limit: Int) async throws(StoreError) -> [Job]
    func rounds(limit: Int) async throws(StoreError) -> [RoundRecord]
    func ledger(requestID: RequestID) async throws(StoreError) -> [LedgerEntry]
    /// The sum of every ledger line, by kind.
    func ledgerTotals() async throws(StoreError) -> LedgerTotals
    /// The reputation events at or after `millis`, in the order they were committed: what the job book's
    /// reputations are folded from at start (`ReputationRecord`).
    func reputationEvents(since millis: Int64) async throws(StoreError) -> [ReputationEvent]

    /// Writes every change of the batch in one transaction: all of them or none.
    func commit(_ changes: StoreChanges) async throws(StoreError)
    /// Writes the batches of several events in one transaction, in order, each with its own audit entries
    /// (its actor and time), as if each had been committed alone one after another: all of them or none.
    /// The gateway's group commit: the events that arrived while a commit was in flight.
    func commit(group: [StoreChanges]) async throws(StoreError)

    /// The audit log (appended by every write above, in its transaction): entries after `seq`, oldest first.
    func auditEntries(after seq: Int64, limit: Int) async throws(StoreError) -> [AuditEntry]
    /// The audit log's last entry.
    func lastAuditEntry() async throws(StoreError) -> AuditEntry?
    /// The signed heads of the audit chain, oldest first.
    func auditHeads() async throws(StoreError) -> [AuditHead]
    /// Keeps a signed head of the audit chain.
    func insertAuditHead(_ head: AuditHead) async throws(StoreError)

    /// Checks, cheaply, that the database answers and can be written: what readiness needs.
    func checkHealth() async throws(StoreError)
    /// Closes the database; nothing may be called after.
    func close() async throws(StoreError)
}

extension GatewayStore {
    /// Allowlists as the local administrator (offline, holding the data directory).
    public func allowProver(id: ProverID, publicKeyHex: String, name: String, atMillis: Int64) async throws(StoreError)
        -> ProverRecord
    {
        try await allowProver(id: id, publicKeyHex: publicKeyHex, name: name, actor: "local-admin", atMillis: atMillis)
    }

    public func revokeProver(id: ProverID) async throws(StoreError) {
        try await revokeProver(id: id, actor: "local-admin")
    }
}

/// A batch of changes written in one transaction. Requests and jobs are upserted by id; prover activity
/// is added to the provers' counters; rounds and ledger lines are appended.
public struct StoreChanges: Sendable, Equatable {
    public var requests: [ProofRequest] = []
    public var jobs: [Job] = []
    public var proverActivity: [ProverActivity] = []
    public var rounds: [RoundRecord] = []
    public var ledger: [LedgerEntry] = []
    /// Money moved between the ledger's accounts (escrows, payments, fees, refunds): applied in the batch's
    /// transaction, which a client balance that would go below zero refuses whole.
    public var transfers: [Transfer] = []
    /// Facts reputation counts (verified, rejected, failed, lost, slashed), appended.
    public var reputation: [ReputationEvent] = []
    /// Who caused the changes, as the audit log names them: `prover:ID`, `client`, `admin`, or `gateway`.
    public var actor = "gateway"
    /// When they happened (the audit log's time); nil: when they are written.
    public var atMillis: Int64?
    /// Notices for other gateways (`SharedMarketStore`), sent in the batch's transaction, so only if it is
    /// written: the assignments of a round to provers connected to another gateway. Only PostgreSQL has any.
    public var notices: [GatewayNotice] = []

    public init(
        requests: [ProofRequest] = [], jobs: [Job] = [], proverActivity: [ProverActivity] = [],
        rounds: [RoundRecord] = [], ledger: [LedgerEntry] = []
    ) {
        self.requests = requests
        self.jobs = jobs
        self.proverActivity = proverActivity
        self.rounds = rounds
        self.ledger = ledger
    }

    public var isEmpty: Bool {
        requests.isEmpty && jobs.isEmpty && proverActivity.isEmpty && rounds.isEmpty && ledger.isEmpty
            && transfers.isEmpty && reputation.isEmpty
    }
}

/// What happened to a prover in one batch: counts to add to its record, what it earned, when it was seen.
public struct ProverActivity: Sendable, Equatable {
    public var prover: ProverID
    public var verified = 0
    public var rejected = 0
    public var failed = 0
    /// Jobs whose lease it lost by disappearing.
    public var lost = 0
    public var earned = Amount.zero
    public var lastSeenMillis: Int64?

    public init(
        prover: ProverID, verified: Int = 0, rejected: Int = 0, failed: Int = 0, lost: Int = 0, earned: Amount = .zero,
        lastSeenMillis: Int64? = nil
    ) {
        self.prover = prover
        self.verified = verified
        self.rejected = rejected
        self.failed = failed
        self.lost = lost
        self.earned = earned
        self.lastSeenMillis = lastSeenMillis
    }

    public mutating func add(_ other: ProverActivity) {
        verified += other.verified
        rejected += other.rejected
        failed += other.failed
        lost += other.lost
        earned = earned + other.earned
        if let seen = other.lastSeenMillis { lastSeenMillis = max(lastSeenMillis ?? seen, seen) }
    }
}

/// The ledger summed by kind. It balances when what clients were charged equals what provers were paid
/// plus the network's fees, to the unit.
public struct LedgerTotals: Sendable, Equatable {
    public var clientCharges: Amount = .zero
    public var proverPayments: Amount = .zero
    public var networkFees: Amount = .zero

    public init(clientCharges: Amount = .zero, proverPayments: Amount = .zero, networkFees: Amount = .zero) {
        self.clientCharges = clientCharges
        self.proverPayments = proverPayments
        self.networkFees = networkFees
    }

    public var balances: Bool { clientCharges == proverPayments + networkFees }

    public mutating func add(_ entry: LedgerEntry) {
        switch entry.kind {
        case .clientCharge: clientCharges = clientCharges + entry.amount
        case .proverPayment: proverPayments = proverPayments + entry.amount
        case .networkFee: networkFees = networkFees + entry.amount
        }
    }
}
