import ProverNetCore

/// The gateway's lifecycle of requests, jobs, replicas, leases, the aggregation step and the ledger lines
/// they produce, as a value with no I/O and no clock: each event is one mutating method that takes `now`
/// and returns the `BookActions` to carry out (in the style of grpc's connection state machines). Every
/// change of a job's state goes through `transition(_:_:)` and every change of a request's through
/// `transition(_:_:now:)`, each one `switch`.
///
/// The `Coordinator` actor around it commits each event's changes before it sends or tells anything, and
/// keeps the book as it was when a commit fails, so a failed write refuses the event.
///
/// Open requests and their jobs are held here (loaded from the store at start); a request that ends is
/// forgotten (`BookActions.ended`) and read from the store from then on.
public struct JobBook: Sendable {
    /// The rules the book applies, with the gateway's configured values.
    public struct Settings: Sendable {
        /// How long a lease stands without a heartbeat that names its job.
        public var leaseMillis: Int64
        /// How often provers send heartbeats.
        public var heartbeatMillis: Int64
        /// Failed attempts (rejected proofs, reported failures) after which a job fails.
        public var maxAttempts: Int
        /// The network's reserve price per unit of work (see `GatewayConfiguration.reservePricePerUnit`).
        public var reservePricePerUnit: Double
        /// The estimated work of one job of a class, in units of one 2^12 Groth16 proof: the proof
        /// systems' estimate, handed in so that the book knows no proof system.
        public var workUnits: @Sendable (JobClass) -> Double
        /// What each lease bonds of its operator's stake.
        public var bonds: BondPolicy
        /// What a fault costs of a bond.
        public var slashes: SlashPolicy
        /// How records become reputations, and the floor under which a prover gets no work.
        public var reputation: ReputationPolicy

        public init(
            leaseMillis: Int64, heartbeatMillis: Int64, maxAttempts: Int, reservePricePerUnit: Double,
            workUnits: @escaping @Sendable (JobClass) -> Double, bonds: BondPolicy = BondPolicy(),
            slashes: SlashPolicy = SlashPolicy(), reputation: ReputationPolicy = ReputationPolicy()
        ) {
            self.reputation = reputation
            self.bonds = bonds
            self.slashes = slashes
            self.leaseMillis = leaseMillis
            self.heartbeatMillis = heartbeatMillis
            self.maxAttempts = maxAttempts
            self.reservePricePerUnit = reservePricePerUnit
            self.workUnits = workUnits
        }
    }

    /// A prover's latest report on a job it holds.
    public struct JobProgress: Sendable, Equatable {
        public var fraction: Double
        public var stage: String
    }

    public let settings: Settings
    public internal(set) var requests: [RequestID: ProofRequest] = [:]
    public internal(set) var jobs: [JobID: Job] = [:]
    /// Each open request's jobs, in the order they were made.
    var jobsOfRequest: [RequestID: [JobID]] = [:]
    public internal(set) var provers: [ProverID: ConnectedProver] = [:]
    public internal(set) var progress: [JobID: JobProgress] = [:]
    /// The provers whose proof of a job was rejected, who failed it, or who could not finish it in time, each
    /// with why: the job is not given to them again, and once every connected prover that could prove it is
    /// here, it fails with these reasons instead of waiting for its deadline.
    var failedBy: [JobID: [ProverID: String]] = [:]
    /// Set by a graceful shutdown: no more assignments.
    public internal(set) var draining = false
    /// The inputs of each open request that have a verified proof. It could be counted from the jobs, but
    /// every watcher update carries the count, and a round over a large request makes one update per job:
    /// kept here so that each costs O(1), not a scan of the request.
    var verifiedInputs: [RequestID: Set<Int>] = [:]
    /// Each key's open requests and their inputs: what its limits are checked against, in O(1).
    public internal(set) var ownerLoad: [String: OwnerLoad] = [:]
    /// Each operator's stake as its registry last said, in the ledger's unit (`BondPolicy.amount(ofStake:)`):
    /// what the bonds of its provers' leases are locked from. An operator not here has none.
    public internal(set) var operatorStakes: [String: Amount] = [:]
    /// What slashes of lapsed leases set aside for the prover that completes each job (`bounty:JOB`).
    public internal(set) var bounties: [JobID: Amount] = [:]
    /// Each prover's and operator's record, as running decayed sums updated by every event that counts
    /// (`ReputationRecord`): a round reads one record per asking prover, never the history.
    public internal(set) var reputationRecords = ReputationRecords()

    /// What one key has open.
    public struct OwnerLoad: Sendable, Equatable {
        public var requests = 0
        public var inputs = 0
    }

    /// How much one key may have open at once.
    public struct OwnerLimits: Sendable, Equatable {
        public var maxOpenRequests: Int
        public var maxInputsInFlight: Int

        public init(maxOpenRequests: Int, maxInputsInFlight: Int) {
            self.maxOpenRequests = maxOpenRequests
            self.maxInputsInFlight = maxInputsInFlight
        }
    }

    /// The id of the network's reserve ask in every round.
    static let reserveAskID = "~reserve"

    public init(settings: Settings) {
        self.settings = settings
    }

    // MARK: Loading

    /// Takes up open requests and their jobs read from the store (at start, so that a restarted gateway
    /// resumes where it stood). Jobs that were leased keep their lease until it lapses, so a prover that
    /// reconnects in time carries on. Returns the aggregations still to prepare (a request whose proofs
    /// were all verified when the gateway stopped, before its aggregation job was made).
    public mutating func load(_ open: [(ProofRequest, [Job])]) -> BookActions {
        var actions = BookActions()
        for (request, list) in open where !request.state.isFinal {
            if requests[request.id] == nil { countOwner(of: request, by: 1) }
            requests[request.id] = request
            jobsOfRequest[request.id] = list.map(\.id)
            for job in list { jobs[job.id] = job }
            verifiedInputs[request.id] = Set(list.filter { !$0.isAggregation && $0.state.verified != nil }.map(\.index))
            if case .aggregating = request.state, !list.contains(where: \.isAggregation) {
                actions.aggregations.append(aggregationNeed(request))
            }
        }
        return actions
    }

    // MARK: Reading

    /// An open request and its jobs.
    public func snapshot(_ id: RequestID) -> (ProofRequest, [Job])? {
        guard let request = requests[id] else { return nil }
        return (request, jobs(of: id))
    }

    func jobs(of request: RequestID) -> [Job] { (jobsOfRequest[request] ?? []).compactMap { jobs[$0] } }

    /// The statements (public signals JSON) the proofs of a request carry, in input order: what its
    /// aggregate must prove.
    public func statements(of request: RequestID) -> [String] {
        jobs(of: request).filter { !$0.isAggregation && $0.replica == 0 }.sorted { $0.index < $1.index }
            .map(\.statementJSON)
    }

    /// Checks that `prover` holds the lease of `epoch` on the job, and returns the job and its request.
    public func checkLease(prover: ProverID, job id: JobID, epoch: Int64) throws(LeaseRefusal) -> (
        Job, Lease, ProofRequest
    ) {
        guard let job = jobs[id], let request = requests[job.requestID] else { throw .unknownJob(id) }
        guard job.state.prover == prover else { throw .notYours(id) }
        guard job.epoch == epoch else { throw .staleEpoch(job: id, epoch: epoch, current: job.epoch) }
        guard case .leased(let lease) = job.state else { throw .notLeased(job: id, state: job.state.phase) }
        return (job, lease, request)
    }

    /// Whether a result is one the book already accepted from this prover under this lease (sent twice, or
    /// again after a reconnection); nil when the job is not in the book (its request ended: ask the store).
    public func alreadyAccepted(prover: ProverID, job id: JobID, epoch: Int64) -> Bool? {
        guard let job = jobs[id] else { return nil }
        return Self.isAccepted(job, prover: prover, epoch: epoch)
    }

    /// Whether `job` is verified with the proof of `prover` under the lease of `epoch`.
    public static func isAccepted(_ job: Job, prover: ProverID, epoch: Int64) -> Bool {
        guard let verified = job.state.verified else { return false }
        return verified.lease.prover == prover && job.epoch == epoch
    }

    /// Jobs that provers hold a lease on.
    public var leasedJobCount: Int { jobs.values.filter { $0.state.lease != nil }.count }

    /// Jobs waiting in the market.
    public var pendingJobCount: Int { jobs.values.filter { $0.state == .pending }.count }

    /// The jobs of `ids` as they stand, for a coalesced write (those that ended were written by their
    /// event).
    public func currentJobs(_ ids: Set<JobID>) -> [Job] {
        ids.sorted().compactMap { jobs[$0] }.filter { !$0.state.isFinal }
    }

    // MARK: Updates

    /// A watcher's update about a request, with its counts as they stand.
    func update(
        _ request: ProofRequest, _ kind: RequestUpdate.Kind, job: Job? = nil, message: String = "", now: Int64
    ) -> RequestUpdate {
        RequestUpdate(
            request: request.id, kind: kind, state: request.state.phase, inputsTotal: request.inputCount,
            inputsVerified: verifiedInputs[request.id]?.count ?? 0,
            job: job.map { job in
                RequestUpdate.JobPart(
                    id: job.id, index: job.index, prover: job.state.prover,
                    progress: job.state.verified != nil ? 1 : progress[job.id]?.fraction ?? 0)
            }, message: message, atMillis: now)
    }

    /// The watchers' update of a request as it stands: the first event of a watch.
    public func currentUpdate(_ id: RequestID, now: Int64) -> RequestUpdate? {
        requests[id].map { update($0, .state, message: $0.state.reason ?? "", now: now) }
    }
}
