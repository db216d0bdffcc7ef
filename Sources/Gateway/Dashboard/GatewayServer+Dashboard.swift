import Foundation
import ProverNetCore
import Store

extension GatewayServer {
    /// How much of the past the dashboard shows.
    public struct DashboardLimits: Sendable {
        public var requests = 25
        public var rounds = 30
        public var trades = 300
        public var window: Int64 = 3_600_000

        public init() {}
    }

    /// The dashboard's view of the network now: the book's live state and the store's recent history.
    public func dashboardSnapshot(limits: DashboardLimits = .init()) async throws -> DashboardSnapshot {
        let now = Clock.nowMillis()
        let live = await coordinator.dashboardLive()
        let records = try await store.provers()
        let circuits = Dictionary(
            try await store.circuits().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let recent = try await store.requests(createdSince: now - limits.window)
            .sorted { ($0.createdMillis, $0.id) > ($1.createdMillis, $1.id) }
        let totals = try await store.ledgerTotals()
        let databaseOK = (try? await store.checkHealth()) != nil && live.writeFailure == nil

        // Latency of what ended done in the window.
        let latencies = recent.compactMap { request -> Double? in
            guard case .done(let at) = request.state else { return nil }
            return Double(at - request.createdMillis) / 1000
        }.sorted()
        func percentile(_ p: Double) -> Double? {
            guard !latencies.isEmpty else { return nil }
            return latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
        }

        let reputation = await coordinator.reputations(provers: records.map(\.id), operators: []).provers
        var provers: [DashboardSnapshot.Prover] = records.map { record in
            let connected = live.provers[record.id]
            let finished = record.jobsVerified + record.jobsRejected + record.jobsFailed + record.jobsLost
            let state: String
            switch (record.allowed, connected) {
            case (false, _): state = "revoked"
            case (true, nil): state = "offline"
            case (true, let prover?): state = prover.running.isEmpty ? "idle" : "proving"
            }
            return DashboardSnapshot.Prover(
                id: record.id.rawValue, name: record.name, state: state, slots: connected?.announcement.slots,
                freeSlots: connected?.freeSlots, runningJobs: connected?.running.count, cpuLoad: connected?.cpuLoad,
                memoryUsedBytes: connected?.memoryUsed, maxConstraints: connected?.announcement.maxConstraints,
                proofSystems: connected.map { $0.announcement.proofSystems.sorted() } ?? [],
                verified: record.jobsVerified, rejected: record.jobsRejected, failed: record.jobsFailed,
                lost: record.jobsLost,
                successRate: finished == 0 ? 1 : Double(record.jobsVerified) / Double(finished),
                reputation: reputation[record.id] ?? 0,
                earnedUnits: record.earned.units, earned: record.earned.description,
                lastSeenMillis: record.lastSeenMillis,
                recentVerdicts: live.verdicts.reversed().filter { $0.prover == record.id }.prefix(5).map {
                    DashboardSnapshot.Verdict(
                        job: $0.job.rawValue, accepted: $0.accepted, reason: $0.reason, atMillis: $0.atMillis)
                })
        }
        // Online provers first, then by name.
        provers.sort { (Self.isAway($0), $0.name, $0.id) < (Self.isAway($1), $1.name, $1.id) }

        var requests: [DashboardSnapshot.RequestRow] = []
        for request in recent.prefix(limits.requests) {
            var (current, jobs) = (request, [Job]())
            if let open = live.requests[request.id] {
                (current, jobs) = open
            } else {
                jobs = try await store.jobs(requestID: request.id)
            }
            requests.append(
                DashboardSnapshot.RequestRow(
                    id: request.id.rawValue, circuit: request.circuitID.rawValue,
                    circuitName: circuits[request.circuitID] ?? "", state: current.state.phase.rawValue,
                    reason: current.state.reason ?? "", inputs: request.inputCount,
                    verified: Set(jobs.filter { !$0.isAggregation && $0.state.verified != nil }.map(\.index)).count,
                    createdMillis: request.createdMillis, finishedMillis: current.state.finishedMillis,
                    jobs: jobs.sorted {
                        ($0.isAggregation ? 1 : 0, $0.index, $0.replica) < (
                            $1.isAggregation ? 1 : 0, $1.index, $1.replica
                        )
                    }
                    .map(Self.row)))
        }

        // Each trade's price, by the round that made it (a lease is granted at its round's time).
        let recentJobs = try await store.recentJobs(limit: limits.trades)
        var trades: [DashboardSnapshot.Trade] = []
        var priceOfRound: [String: Amount] = [:]
        for job in recentJobs {
            guard let lease = job.state.lease ?? job.state.verified?.lease else { continue }
            trades.append(
                DashboardSnapshot.Trade(
                    jobClass: job.jobClass.description, atMillis: lease.grantedMillis, priceUnits: lease.price.units,
                    price: lease.price.description))
            priceOfRound["\(job.jobClass)@\(lease.grantedMillis)"] = lease.price
        }
        trades.sort { ($0.atMillis, $0.jobClass) < ($1.atMillis, $1.jobClass) }
        let rounds = try await store.rounds(limit: limits.rounds).map { round in
            let price = priceOfRound["\(round.jobClass)@\(round.atMillis)"]
            return DashboardSnapshot.RoundRow(
                jobClass: round.jobClass, atMillis: round.atMillis, bids: round.bids, asks: round.asks,
                jobsMatched: round.jobsMatched, roundJSON: round.roundJSON, outcomeJSON: round.outcomeJSON,
                priceUnits: price?.units, price: price?.description)
        }

        return DashboardSnapshot(
            atMillis: now, version: ProverNetVersion.software,
            network: DashboardSnapshot.Network(
                proversOnline: live.provers.count, slots: live.provers.values.reduce(0) { $0 + $1.announcement.slots },
                freeSlots: live.provers.values.reduce(0) { $0 + $1.freeSlots }, openRequests: live.openRequests,
                pendingJobs: live.queues.values.reduce(0) { $0 + $1.pending }, leasedJobs: live.leasedJobs,
                proofsVerified: records.reduce(0) { $0 + $1.jobsVerified }, latencyP50Seconds: percentile(0.5),
                latencyP95Seconds: percentile(0.95), latencyP99Seconds: percentile(0.99),
                clientChargesUnits: totals.clientCharges.units, proverPaymentsUnits: totals.proverPayments.units,
                networkFeesUnits: totals.networkFees.units, clientCharges: totals.clientCharges.description,
                proverPayments: totals.proverPayments.description, networkFees: totals.networkFees.description,
                databaseOK: databaseOK),
            queues: live.queues.sorted { $0.key < $1.key }.map {
                DashboardSnapshot.Queue(
                    jobClass: $0.key, pending: $0.value.pending, oldestPendingSeconds: $0.value.oldestSeconds)
            },
            provers: provers, requests: requests, rounds: rounds, trades: trades)
    }

    static func isAway(_ prover: DashboardSnapshot.Prover) -> Int {
        prover.state == "offline" || prover.state == "revoked" ? 1 : 0
    }

    static func row(_ job: Job) -> DashboardSnapshot.JobRow {
        let lease = job.state.lease ?? job.state.verified?.lease
        return DashboardSnapshot.JobRow(
            index: job.index, replica: job.replica, kind: job.kind.rawValue, state: job.state.phase.rawValue,
            prover: job.state.prover?.rawValue, epoch: job.epoch, attempts: job.attempts,
            grantedMillis: lease?.grantedMillis, verifiedMillis: job.state.verified?.verifiedMillis,
            priceUnits: lease?.price.units, price: lease?.price.description, lastError: job.lastError)
    }
}

extension Coordinator {
    /// What the dashboard reads from the book (the rest comes from the store).
    struct DashboardLive: Sendable {
        var provers: [ProverID: ConnectedProver]
        var requests: [RequestID: (ProofRequest, [Job])]
        var queues: [String: (pending: Int, oldestSeconds: Double)]
        var openRequests: Int
        var leasedJobs: Int
        var writeFailure: StoreError?
        var verdicts: [RecentVerdict]
    }

    func dashboardLive() -> DashboardLive {
        let now = clock()
        var queues: [String: (pending: Int, oldestSeconds: Double)] = [:]
        for job in book.jobs.values where job.state == .pending {
            let age = book.requests[job.requestID].map { Double(max(0, now - $0.createdMillis)) / 1000 } ?? 0
            let jobClass = job.jobClass.description
            let entry = queues[jobClass] ?? (0, 0)
            queues[jobClass] = (entry.pending + 1, max(entry.oldestSeconds, age))
        }
        var requests: [RequestID: (ProofRequest, [Job])] = [:]
        for id in book.requests.keys { requests[id] = book.snapshot(id) }
        return DashboardLive(
            provers: book.provers, requests: requests, queues: queues, openRequests: book.requests.count,
            leasedJobs: book.leasedJobCount, writeFailure: writeFailure, verdicts: recentVerdicts)
    }
}
