import ProverNetCore
import Store

/// What the gateway must do after an event of the job book, in this order: commit `changes` in one
/// transaction (and if that fails, forget the event: the book is not moved on), then send `messages`,
/// tell watchers `updates`, release the watchers of `ended` requests, prepare `aggregations`, and wake the
/// market if asked.
public struct BookActions: Sendable {
    /// The store changes to commit before anything is told.
    public var changes = StoreChanges()
    /// Jobs whose lease changed in a way that need not reach the disk at once (a heartbeat's extension, a
    /// first progress report): written in coalesced batches, not one transaction each.
    public var lazyJobs: Set<JobID> = []
    /// Messages to provers.
    public var messages: [ProverMessage] = []
    /// Events for the watchers of requests.
    public var updates: [RequestUpdate] = []
    /// Requests that ended: their watchers are released (the book has forgotten them).
    public var ended: [RequestID] = []
    /// Requests whose proofs are all verified and which wait for their aggregation job: its artifacts must
    /// be written, then `JobBook.aggregationPrepared` called.
    public var aggregations: [AggregationNeed] = []
    /// Connections to close: a prover's older stream, replaced by a new one.
    public var closeConnections: [(prover: ProverID, connection: UInt64)] = []
    /// Operators whose stake a slash of this event reduced: their registry is read again once it is committed.
    public var slashedOperators: Set<String> = []
    /// Whether a market round could trade something new.
    public var wakeMarket = false
    /// Why the event was refused, if it was: nothing else is then to be done.
    public var refusal: LeaseRefusal?
    /// Where each job and request written stands in `changes`, so that writing one again replaces it in O(1)
    /// (a round can lease thousands of jobs).
    private var jobPositions: [JobID: Int] = [:]
    private var requestPositions: [RequestID: Int] = [:]

    public init() {}

    var isEmpty: Bool {
        changes.isEmpty && lazyJobs.isEmpty && messages.isEmpty && updates.isEmpty && ended.isEmpty
            && aggregations.isEmpty && closeConnections.isEmpty && !wakeMarket && refusal == nil
            && slashedOperators.isEmpty
    }

    static func refused(_ refusal: LeaseRefusal) -> BookActions {
        var actions = BookActions()
        actions.refusal = refusal
        return actions
    }

    mutating func send(_ instruction: ProverInstruction, to prover: ProverID) {
        messages.append(ProverMessage(prover: prover, instruction: instruction))
    }

    /// The job's latest state, written with the batch (a later write of the same job replaces an earlier).
    mutating func write(_ job: Job) {
        if let index = jobPositions[job.id] {
            changes.jobs[index] = job
        } else {
            jobPositions[job.id] = changes.jobs.count
            changes.jobs.append(job)
        }
        lazyJobs.remove(job.id)
    }

    mutating func write(_ request: ProofRequest) {
        if let index = requestPositions[request.id] {
            changes.requests[index] = request
        } else {
            requestPositions[request.id] = changes.requests.count
            changes.requests.append(request)
        }
    }

    mutating func record(_ activity: ProverActivity) {
        if let index = changes.proverActivity.firstIndex(where: { $0.prover == activity.prover }) {
            changes.proverActivity[index].add(activity)
        } else {
            changes.proverActivity.append(activity)
        }
    }

    /// Everything `other` asks for, after what this asks for.
    mutating func append(_ other: BookActions) {
        for request in other.changes.requests { write(request) }
        for job in other.changes.jobs { write(job) }
        for activity in other.changes.proverActivity { record(activity) }
        changes.rounds += other.changes.rounds
        changes.ledger += other.changes.ledger
        changes.transfers += other.changes.transfers
        changes.reputation += other.changes.reputation
        lazyJobs.formUnion(other.lazyJobs.filter { jobPositions[$0] == nil })
        messages += other.messages
        updates += other.updates
        ended += other.ended
        aggregations += other.aggregations
        closeConnections += other.closeConnections
        slashedOperators.formUnion(other.slashedOperators)
        wakeMarket = wakeMarket || other.wakeMarket
        refusal = refusal ?? other.refusal
    }
}

/// A message for one prover.
public struct ProverMessage: Sendable, Equatable {
    public var prover: ProverID
    public var instruction: ProverInstruction
}

/// What the gateway tells a prover, before it is put on the wire.
public enum ProverInstruction: Sendable, Equatable {
    /// Prove (or aggregate) a job under its lease.
    case assign(JobAssignment)
    /// Stop a job: its lease of `epoch` is no longer the prover's.
    case stop(job: JobID, epoch: Int64, reason: String)
    /// The gateway's verdict on a result.
    case verdict(job: JobID, epoch: Int64, accepted: Bool, reason: String)
}

/// A leased job and what the prover needs of its request.
public struct JobAssignment: Sendable, Equatable {
    public var job: Job
    public var lease: Lease
    public var circuitID: CircuitID
    public var deadlineMillis: Int64
}

/// A request whose every input is proven and which waits for its aggregation job.
public struct AggregationNeed: Sendable, Equatable {
    public var request: RequestID
    public var circuitID: CircuitID
    /// The verified proof of each input, in input order.
    public var proofs: [ProofPayload]
}
