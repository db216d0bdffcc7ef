import Foundation
import Logging
import ProverNetCore
import Store

/// The actor around the job book: it takes each event to the book (one at a time, in arrival order),
/// commits the changes the book returns **before** it tells anyone (provers, watchers), and keeps the book
/// as it was when the commit fails, so that a failed write refuses the event and is reported, never
/// swallowed. It holds what the book must not: the streams to provers and watchers, the store, the clock.
/// It does no blocking I/O on its own executor (the store is async; artifact writes run outside it).
public actor Coordinator {
    let store: any GatewayStore
    let circuits: CircuitRegistry
    let artifacts: ArtifactStore
    /// The gateway's SnarkPack set-up, if it aggregates.
    public nonisolated let aggregation: AggregationSetup?
    let configuration: GatewayConfiguration
    let logger: Logger
    /// The time, in milliseconds since 1970: the only clock the gateway's lifecycle reads.
    let clock: @Sendable () -> Int64

    /// The book as committed: what every read sees.
    private(set) var book: JobBook
    var outbound: [ProverID: (connection: UInt64, continuation: AsyncStream<ProverInstruction>.Continuation)] = [:]
    /// The provers connected to another gateway on the same database, by the connection this one gave each
    /// (`Coordinator+Remote.swift`): their instructions go to that gateway as notices.
    var remote: [ProverID: RemoteRoute] = [:]
    var watchers: [RequestID: [UInt64: AsyncStream<RequestUpdate>.Continuation]] = [:]
    var nextToken: UInt64 = 1
    /// Jobs whose lazy changes (heartbeat extensions, first progress) are not on disk yet.
    var unflushed: Set<JobID> = []
    /// The last write that failed, until one succeeds: the gateway is then not ready.
    public private(set) var writeFailure: StoreError?
    /// A commit is in flight (or the next group is about to be committed): events wait in `queued`.
    var committing = false
    /// Store transactions committed by events, and the events (with changes) they held.
    public private(set) var commitStatistics = (transactions: 0, events: 0)
    /// The events that arrived while a commit was in flight: the next group, in arrival order.
    var queued: [(PendingEvent, CheckedContinuation<Result<BookActions, EventFailure>, Never>)] = []
    /// Wakes the market loop when a round could trade something new.
    nonisolated let marketWakeup = MarketWakeup()
    /// What the gateway's `GET /metrics` shows: moved here, where each event's actions are committed.
    public nonisolated let metrics: GatewayMetrics
    /// The last verdicts on proofs, newest last, for the dashboard (kept in memory only).
    var recentVerdicts: [RecentVerdict] = []
    /// Told, after the commit, each operator whose stake an event slashed (the gateway reads its registry again).
    var onSlash: (@Sendable (String) async -> Void)?

    public init(
        store: any GatewayStore, circuits: CircuitRegistry, artifacts: ArtifactStore, aggregation: AggregationSetup?,
        configuration: GatewayConfiguration, logger: Logger, clock: @escaping @Sendable () -> Int64 = Clock.nowMillis,
        metrics: GatewayMetrics = GatewayMetrics()
    ) {
        self.metrics = metrics
        self.store = store
        self.circuits = circuits
        self.artifacts = artifacts
        self.aggregation = aggregation
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        book = JobBook(settings: configuration.bookSettings(proofSystems: circuits.proofSystems))
    }

    // MARK: Events

    /// Why an event could not be carried out.
    public enum EventFailure: Error, Sendable, CustomStringConvertible {
        /// Its changes could not be committed: nothing of it happened.
        case notDurable(StoreError)

        public var description: String {
            switch self {
            case .notDurable(let error): "the change could not be stored, so it was not made: \(error)"
            }
        }
    }

    /// Takes one event to the book: commit its changes, then (only then) carry out its actions.
    ///
    /// Group commit: an event that finds no commit in flight is applied and committed at once (no added
    /// latency); events that arrive while a commit is in flight wait, and when it ends they are applied to
    /// the book in arrival order and their changes committed together in one store transaction
    /// (`GatewayStore.commit(group:)`), each with its own audit entries. The book a group is applied to is a
    /// copy, installed once the group is committed; nothing of a group is told before its commit.
    /// Events that never commit at once (a heartbeat, a progress report: their changes are lazy) are
    /// applied with `lazy`, in their turn.
    /// `actor` is who caused the event, as the audit log names it (`prover:ID`, `client`, `admin`, `gateway`).
    @discardableResult
    func perform(
        lazy: Bool = false, actor: String = "gateway", _ event: @escaping (inout JobBook, Int64) -> BookActions
    ) async throws(EventFailure) -> BookActions {
        let pending = PendingEvent(lazy: lazy, actor: actor, event: event)
        guard !committing, queued.isEmpty else {
            // A commit is in flight: wait for the next group.
            let result = await withCheckedContinuation { continuation in
                queued.append((pending, continuation))
            }
            return try result.get()
        }
        if lazy {
            // Nothing to commit and nothing in flight: applied in place, without a copy of the book (a
            // heartbeat must not cost a copy of every job).
            let actions = event(&book, clock())
            unflushed.formUnion(actions.lazyJobs.union(actions.changes.jobs.map(\.id)))
            deliver(actions)
            return actions
        }
        committing = true
        let result = await commitGroup([pending])[0]
        groupEnded()
        return try result.get()
    }

    /// Sets what is told of each slashed operator once its slash is committed.
    public func setOnSlash(_ body: @escaping @Sendable (String) async -> Void) { onSlash = body }

    /// One event waiting for its group.
    struct PendingEvent {
        let lazy: Bool
        let actor: String
        let event: (inout JobBook, Int64) -> BookActions
    }

    /// After a group: the events that waited meanwhile are the next group, committed by a task of its own
    /// so that the event that led the last group returns at once.
    func groupEnded() {
        guard !queued.isEmpty else {
            committing = false
            return
        }
        Task { await self.commitQueued() }
    }

    func commitQueued() async {
        let group = queued
        queued = []
        let results = await commitGroup(group.map(\.0))
        for ((_, continuation), result) in zip(group, results) { continuation.resume(returning: result) }
        groupEnded()
    }

    /// Applies a group's events in order to a copy of the book, commits the changes of all of them in one
    /// transaction, then installs the copy and carries out each event's actions in order.
    ///
    /// When the commit fails: if the database refused what one event asked (a balance that cannot cover it,
    /// `StoreError.isRefusal`), each event is tried again alone, in order, so that one event's refusal does not
    /// refuse its neighbours; if the database failed, every event of the group with changes is refused
    /// (`notDurable`), the book stays as committed, and the events with nothing to commit (lazy ones, a
    /// drain) are applied again alone, since they need no write.
    func commitGroup(_ group: [PendingEvent]) async -> [Result<BookActions, EventFailure>] {
        var next = book
        // The phases before the group, moved on by each event: what each event's transitions start from.
        var phases = GatewayMetrics.Phases()
        var applied: [(actions: BookActions, notified: Set<ProverID>, before: GatewayMetrics.Phases)] = []
        var batches: [StoreChanges] = []
        for pending in group {
            let now = clock()
            let actions = pending.event(&next, now)
            var notified: Set<ProverID> = []
            if !pending.lazy, !actions.changes.isEmpty {
                var changes = actions.changes
                changes.actor = pending.actor
                changes.atMillis = now
                // The instructions for provers on other gateways travel in the batch's transaction, as notices.
                (changes.notices, notified) = remoteNotices(actions.messages, now: now)
                batches.append(changes)
            }
            applied.append((actions, notified, phases))
            if group.count > 1 { phases.record(actions.changes) }
        }
        if !batches.isEmpty {
            do {
                let committing = ContinuousClock.now
                if batches.count == 1 {
                    try await store.commit(batches[0])
                } else {
                    try await store.commit(group: batches)
                }
                metrics.committed(
                    seconds: Self.seconds(ContinuousClock.now - committing),
                    market: batches.contains { !$0.rounds.isEmpty })
                writeFailure = nil
                metrics.committed(events: batches.count)
                commitStatistics.transactions += 1
                commitStatistics.events += batches.count
            } catch {
                return await groupFailed(group, error: error)
            }
        }
        let before = book
        book = next
        var results: [Result<BookActions, EventFailure>] = []
        for ((actions, notified, phasesBefore), pending) in zip(applied, group) {
            if pending.lazy {
                // Such an event has nothing to commit at once; should one ever have, it is written with the
                // next coalesced batch rather than lost.
                unflushed.formUnion(actions.lazyJobs.union(actions.changes.jobs.map(\.id)))
            } else {
                metrics.observe(actions, before: before, moved: phasesBefore, after: next, now: clock())
                unflushed.formUnion(actions.lazyJobs)
                unflushed.subtract(actions.changes.jobs.map(\.id))
            }
            deliver(actions, notified: notified)
            if let onSlash, !actions.slashedOperators.isEmpty {
                let slashed = actions.slashedOperators.sorted()
                for address in slashed { logger.warning("operator slashed", metadata: ["operator": "\(address)"]) }
                // Not awaited here: reading the registry again tells the book the new stake, an event of its
                // own, which must not wait on this one. The book has already lowered the stake; this only
                // brings the registry's listing in step, so a lost read is made good by the next refresh.
                Task { for address in slashed { await onSlash(address) } }
            }
            results.append(.success(actions))
        }
        return results
    }

    /// A group's commit failed (see `commitGroup`).
    func groupFailed(_ group: [PendingEvent], error: StoreError) async -> [Result<BookActions, EventFailure>] {
        if error.isRefusal {
            // The store refused what an event asked: not a fault of the database, and nothing of the event
            // happened. Alone, only that event is refused.
            guard group.count > 1 else { return [.failure(.notDurable(error))] }
            var results: [Result<BookActions, EventFailure>] = []
            for pending in group { results += await commitGroup([pending]) }
            return results
        }
        writeFailure = error
        metrics.storeWriteFailed()
        logger.error(
            "database write failed: the events are refused",
            metadata: ["error": "\(error)", "events": "\(group.count)"])
        guard group.count > 1 else { return [.failure(.notDurable(error))] }
        var results: [Result<BookActions, EventFailure>] = []
        for pending in group {
            // An event with nothing to write (applied to the book as committed now) still happens.
            var probe = book
            if pending.lazy || pending.event(&probe, clock()).changes.isEmpty {
                results += await commitGroup([pending])
            } else {
                results.append(.failure(.notDurable(error)))
            }
        }
        return results
    }

    /// Carries out an event's actions once its changes are committed.
    /// - Parameter notified: the provers on other gateways whose instructions the commit notified.
    func deliver(_ actions: BookActions, notified: Set<ProverID> = []) {
        for (prover, connection) in actions.closeConnections where outbound[prover]?.connection == connection {
            outbound.removeValue(forKey: prover)?.continuation.finish()
            if remote[prover]?.connection == connection { remote[prover] = nil }
        }
        for message in actions.messages {
            if !notified.contains(message.prover) { outbound[message.prover]?.continuation.yield(message.instruction) }
            log(message)
        }
        for update in actions.updates {
            for continuation in watchers[update.request]?.values ?? [:].values { continuation.yield(update) }
        }
        for id in actions.ended {
            for continuation in watchers.removeValue(forKey: id)?.values ?? [:].values { continuation.finish() }
            logger.info("request ended", metadata: ["request": "\(id)"])
        }
        for need in actions.aggregations {
            logger.info("every proof verified: preparing the aggregation", metadata: ["request": "\(need.request)"])
            Task { await self.prepareAggregation(need) }
        }
        if actions.wakeMarket { marketWakeup.signal() }
    }

    func log(_ message: ProverMessage) {
        switch message.instruction {
        case .assign(let a):
            logger.info(
                "job assigned",
                metadata: [
                    "job": "\(a.job.id)", "prover": "\(message.prover.prefix(12))", "epoch": "\(a.lease.epoch)",
                    "price": "\(a.lease.price)",
                ])
        case .stop(let job, let epoch, let reason):
            logger.info("job stopped", metadata: ["job": "\(job)", "epoch": "\(epoch)", "reason": "\(reason)"])
        case .verdict(let job, let epoch, let accepted, let reason):
            logger.info(
                accepted ? "proof verified" : "proof rejected",
                metadata: [
                    "job": "\(job)", "prover": "\(message.prover.prefix(12))", "epoch": "\(epoch)",
                    "reason": "\(reason)",
                ])
        }
    }

    func token() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    // MARK: Start and stop

    /// Loads the open requests and their jobs from the store.
    public func recover() async throws {
        var open: [(ProofRequest, [Job])] = []
        for request in try await store.openRequests() {
            open.append((request, try await store.jobs(requestID: request.id)))
        }
        // The bounties that slashes left on open jobs, from the ledger (`bounty:JOB` accounts that hold money).
        var bounties: [JobID: Amount] = [:]
        for (account, balance) in try await store.accounts() where account.category == .bounty && balance > .zero {
            bounties[JobID(account.subject)] = balance
        }
        // The reputation records, folded from the events of the last 64 half-lives (an older event weighs less
        // than 2^-64 of a new one: nothing a reputation rounded to hundredths can show).
        let halfLife = book.settings.reputation.halfLifeMillis
        let horizon = halfLife > Int64.max / 64 ? Int64.min : clock() - 64 * halfLife
        let events = try await store.reputationEvents(since: horizon)
        try await perform { book, _ in
            let actions = book.load(open)
            book.loadBounties(bounties)
            book.loadReputation(events)
            return actions
        }
        if !open.isEmpty {
            logger.info("resumed open requests", metadata: ["requests": "\(open.count)", "jobs": "\(book.jobs.count)"])
        }
    }

    /// No more assignments (a graceful shutdown has begun).
    public func stopAssigning() async {
        _ = try? await perform { book, _ in
            book.drain()
            return BookActions()
        }
    }

    /// Closes every prover's stream (shutdown).
    public func disconnectAll() async {
        _ = try? await perform { book, _ in book.disconnectAll() }
    }

    // MARK: The market and the time

    /// Runs one DARA round per class that could trade; returns how many jobs were assigned.
    @discardableResult
    public func runRounds() async -> Int {
        do {
            let start = ContinuousClock.now
            let actions = try await perform { book, now in book.runRounds(now: now) }
            metrics.marketPass(seconds: Self.seconds(ContinuousClock.now - start), rounds: actions.changes.rounds.count)
            return actions.messages.filter { if case .assign = $0.instruction { true } else { false } }.count
        } catch {
            return 0
        }
    }

    /// Ends lapsed leases, re-auctions late ones, expires overdue requests, and writes the lazy changes.
    public func tick() async {
        _ = try? await perform { book, now in book.tick(now: now) }
        await flush()
    }

    /// Writes heartbeats' lease extensions and first progress reports, coalesced into one transaction. A
    /// failure is reported and the writes are tried again at the next tick (a lease that a crash finds
    /// shorter on disk than it was in memory only lapses earlier: epochs keep that safe).
    public func flush() async {
        let ids = unflushed
        guard !ids.isEmpty else { return }
        do {
            try await perform { book, _ in
                var actions = BookActions()
                actions.changes.jobs = book.currentJobs(ids)
                return actions
            }
            unflushed.subtract(ids)
        } catch {
            logger.error("coalesced lease writes failed; retrying at the next tick", metadata: ["jobs": "\(ids.count)"])
        }
    }

    /// What the market loop waits on between rounds: a change that could make a trade, or `interval`.
    public nonisolated func waitForMarketChange(upTo interval: Duration) async {
        await marketWakeup.wait(upTo: interval)
    }

    // MARK: Reading

    /// What the metrics' gauges show now, from the committed book.
    public func metricsSnapshot() -> GatewayMetrics.Snapshot {
        let now = clock()
        var snapshot = GatewayMetrics.Snapshot()
        snapshot.connectedProvers = book.provers.count
        snapshot.draining = book.draining
        snapshot.databaseUp = writeFailure == nil
        for prover in book.provers.values {
            let short = GatewayMetrics.short(prover.id)
            snapshot.slots += prover.announcement.slots
            snapshot.freeSlots += prover.freeSlots
            snapshot.proverFreeSlots[short] = prover.freeSlots
            snapshot.proverRunning[short] = prover.running.count
            snapshot.proverCPULoad[short] = prover.cpuLoad
            snapshot.proverMemoryBytes[short] = Double(prover.memoryUsed)
        }
        for request in book.requests.values { snapshot.openRequests[request.state.phase.rawValue, default: 0] += 1 }
        for job in book.jobs.values {
            snapshot.jobs[job.state.phase.rawValue, default: 0] += 1
            guard job.state == .pending else { continue }
            let jobClass = job.jobClass.description
            snapshot.queueDepth[jobClass, default: 0] += 1
            if let request = book.requests[job.requestID] {
                let age = Double(max(0, now - request.createdMillis)) / 1000
                snapshot.oldestPendingSeconds[jobClass] = max(snapshot.oldestPendingSeconds[jobClass] ?? 0, age)
            }
        }
        return snapshot
    }

    /// Jobs that provers still hold.
    public func leasedJobCount() -> Int { book.leasedJobCount }

    /// How many provers are connected now.
    public func connectedProverCount() -> Int { book.provers.count }

    /// What the administrator's listing shows of connected provers.
    public func connectedProvers() -> [ProverID: ConnectedProver] { book.provers }

    /// The book's reputation records (running decayed sums), as they stand.
    var reputationRecords: ReputationRecords { book.reputationRecords }

    /// The reputations of provers and operators (lowercased addresses) now, as the market is given them.
    public func reputations(provers: [ProverID], operators: [String]) -> (
        provers: [ProverID: Double], operators: [String: Double]
    ) {
        let now = clock()
        return (
            Dictionary(uniqueKeysWithValues: Set(provers).map { ($0, book.reputation(of: $0, now: now)) }),
            Dictionary(
                uniqueKeysWithValues: Set(operators.map { $0.lowercased() }).map {
                    ($0, book.reputation(ofOperator: $0, now: now))
                })
        )
    }

    /// The statements an open request's proofs carry, in input order.
    public func statements(of request: RequestID) -> [String] { book.statements(of: request) }
}

/// A verdict on a prover's proof, as the dashboard lists it.
public struct RecentVerdict: Sendable, Equatable {
    public var prover: ProverID
    public var job: JobID
    public var accepted: Bool
    /// Why it was rejected (a stranger's proof's fault, in the checker's words); empty when accepted.
    public var reason: String
    public var atMillis: Int64
}

extension Coordinator {
    /// How many verdicts `recentVerdicts` keeps.
    static let recentVerdictLimit = 200

    func remember(_ verdict: RecentVerdict) {
        recentVerdicts.append(verdict)
        if recentVerdicts.count > Self.recentVerdictLimit {
            recentVerdicts.removeFirst(recentVerdicts.count - Self.recentVerdictLimit)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

extension GatewayConfiguration {
    /// The job book's rules from the configuration, with the work of a job class from its proof system (a
    /// class of no system here, which no job of this gateway can have, counts as one unit).
    func bookSettings(proofSystems: ProofSystemRegistry) -> JobBook.Settings {
        JobBook.Settings(
            leaseMillis: leaseMillis, heartbeatMillis: heartbeatMillis, maxAttempts: maxAttempts,
            reservePricePerUnit: reservePricePerUnit, workUnits: { proofSystems.workUnits($0) ?? 1 }, bonds: bonds,
            slashes: slashes, reputation: reputation)
    }
}
