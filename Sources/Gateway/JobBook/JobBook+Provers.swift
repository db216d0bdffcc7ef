import ProverNetCore
import Store

extension JobBook {
    // MARK: Connections

    /// A prover connected (authenticated). A newer connection of the same prover replaces the older one
    /// (which is closed); the jobs it says it still holds under a live lease are its own again; any other
    /// lease it had returns to the market; jobs it holds that are no longer its own it is told to stop.
    public mutating func proverConnected(_ connected: ConnectedProver, held: Set<JobID>, now: Int64) -> BookActions {
        var actions = BookActions()
        var session = connected
        if let old = provers[session.id], old.connection != session.connection {
            actions.closeConnections.append((session.id, old.connection))
        }
        let leasedToIt = jobs.values.filter { $0.state.lease?.prover == session.id }
        for job in leasedToIt where held.contains(job.id) { session.running.insert(job.id) }
        provers[session.id] = session
        let orphaned = leasedToIt.filter { !held.contains($0.id) }.map(\.id)
        actions.append(requeue(orphaned, reason: "prover reconnected without the job", lost: false, now: now))
        // A job it holds whose lease lapsed and that waits on the market is left running: the next round may
        // give it back to this prover, which then carries on under the new lease.
        for id in held.sorted() where !session.running.contains(id) {
            guard let job = jobs[id] else {
                actions.send(
                    .stop(job: id, epoch: Int64.max, reason: "the lease is no longer this prover's"), to: session.id)
                continue
            }
            if job.state != .pending {
                actions.send(
                    .stop(job: id, epoch: job.epoch, reason: "the lease is no longer this prover's"), to: session.id)
            }
        }
        actions.record(ProverActivity(prover: session.id, lastSeenMillis: now))
        actions.wakeMarket = true
        return actions
    }

    /// The prover's stream ended. Its leases stand until they lapse, like those of any prover that stops
    /// sending heartbeats: one that reconnects in time carries on; one that does not loses them to `tick`,
    /// which counts them against it.
    public mutating func proverDisconnected(_ prover: ProverID, connection: UInt64, now: Int64) -> BookActions {
        var actions = BookActions()
        guard let session = provers[prover], session.connection == connection else { return actions }
        provers[prover] = nil
        actions.closeConnections.append((prover, connection))
        // The provers left may all have failed a pending job that only this one had not.
        actions.append(failJobsNoConnectedProverCanTake(now: now))
        return actions
    }

    /// Every connection is closed (shutdown).
    public mutating func disconnectAll() -> BookActions {
        var actions = BookActions()
        for session in provers.values.sorted(by: { $0.id < $1.id }) {
            actions.closeConnections.append((session.id, session.connection))
        }
        provers = [:]
        return actions
    }

    /// No more assignments (a graceful shutdown has begun).
    public mutating func drain() { draining = true }

    // MARK: Heartbeats and progress

    /// A heartbeat: the prover's load, its free slots, and the jobs it works on. Only the leases it names
    /// (or was given moments ago) are extended: one it dropped must lapse. Extensions are written lazily
    /// (`BookActions.lazyJobs`), so that a thousand provers' heartbeats do not cost a thousand transactions.
    public mutating func heartbeat(_ prover: ProverID, connection: UInt64, _ report: HeartbeatReport, now: Int64)
        -> BookActions
    {
        var actions = BookActions()
        guard var session = provers[prover], session.connection == connection else { return actions }
        session.lastHeartbeatMillis = now
        session.cpuLoad = report.cpuLoad
        session.memoryUsed = report.memoryUsed
        // What the prover says is free, plus the jobs given to it since it said so (they are in `running`,
        // which `freeSlots` takes off again).
        let givenSince = session.running.filter {
            (jobs[$0]?.state.lease?.grantedMillis ?? 0) >= now - settings.heartbeatMillis
        }
        .count
        session.reportedFreeSlots = max(0, report.freeSlots) + givenSince
        provers[prover] = session
        let reported = Set(report.jobs.map { "\($0.job)#\($0.epoch)" })
        for id in session.running.sorted() {
            guard var job = jobs[id], let lease = job.state.lease else { continue }
            let recent = lease.grantedMillis >= now - 2 * settings.heartbeatMillis
            guard reported.contains("\(id)#\(job.epoch)") || recent else { continue }
            if Self.transition(&job, .extend(untilMillis: now + settings.leaseMillis)) {
                jobs[id] = job
                actions.lazyJobs.insert(id)
            }
        }
        for p in report.jobs { actions.append(progressReported(prover, p, now: now)) }
        return actions
    }

    /// A prover's progress on a job it holds (reports on a lease that is not its own are ignored).
    public mutating func progressReported(_ prover: ProverID, _ report: ProgressReport, now: Int64) -> BookActions {
        var actions = BookActions()
        guard case (var job, _, let request)? = try? checkLease(prover: prover, job: report.job, epoch: report.epoch)
        else {
            return actions
        }
        let previous = progress[job.id]
        let current = JobProgress(
            fraction: max(0, min(1, report.fraction.isFinite ? report.fraction : 0)), stage: report.stage)
        progress[job.id] = current
        if Self.transition(&job, .start) {
            jobs[job.id] = job
            actions.lazyJobs.insert(job.id)
        }
        if previous != current {
            actions.updates.append(update(request, .progress, job: job, message: report.stage, now: now))
        }
        return actions
    }

    // MARK: Leases back to the market

    /// Puts leased jobs back to pending without counting an attempt. With `lost`, the prover that held each
    /// one disappeared with it (disconnected, or let its lease lapse): that counts against its record.
    mutating func requeue(_ ids: [JobID], reason: String, lost: Bool, now: Int64) -> BookActions {
        var actions = BookActions()
        for id in ids {
            guard var job = jobs[id], let lease = job.state.lease, Self.transition(&job, .release(reason: reason))
            else {
                continue
            }
            jobs[id] = job
            provers[lease.prover]?.running.remove(id)
            progress[id] = nil
            if lost {
                actions.record(ProverActivity(prover: lease.prover, lost: 1))
                note(.lost, prover: lease.prover, operatorAddress: operatorOf(lease), job: id, now: now, into: &actions)
                // A lease that lapsed while its prover held the job costs the smaller share of its bond.
                actions.append(slash(lease, job: job, kind: .lapsedLease, reason: reason, jobStaysOpen: true, now: now))
            }
            actions.write(job)
            if let request = requests[job.requestID] {
                actions.updates.append(update(request, .requeued, job: job, message: reason, now: now))
            }
            actions.wakeMarket = true
        }
        return actions
    }

    /// A prover hands a job back (it is shutting down): the job returns to the market without using an
    /// attempt.
    public mutating func released(_ prover: ProverID, job: JobID, epoch: Int64, reason: String, now: Int64)
        -> BookActions
    {
        do {
            _ = try checkLease(prover: prover, job: job, epoch: epoch)
        } catch {
            return .refused(error)
        }
        return requeue([job], reason: "handed back: \(reason)", lost: false, now: now)
    }

    // MARK: Time

    /// What the passing of time does: leases not extended in time end (their provers presumed dead or
    /// stalled, told to stop, and charged a lost job), late leases are re-auctioned, and requests past
    /// their deadline expire.
    public mutating func tick(now: Int64) -> BookActions {
        var actions = BookActions()
        let lapsed = jobs.values.filter { ($0.state.lease?.expiresMillis ?? .max) < now }.sorted { $0.id < $1.id }
        if !lapsed.isEmpty {
            actions.append(
                stop(lapsed.compactMap { job in job.state.lease.map { ($0.prover, job) } }, reason: "lease expired"))
            actions.append(requeue(lapsed.map(\.id), reason: "lease expired", lost: true, now: now))
        }
        actions.append(reauctionLate(now: now))
        actions.append(expireOverdue(now: now))
        return actions
    }

    /// Re-auctions, early, a leased job whose prover cannot finish it before its request's deadline while
    /// another connected prover with a free slot could: the slow lease ends (no attempt used; the slow
    /// prover is not offered the job again while others can take it) instead of being waited for until the
    /// request expires. The finish is estimated from the job's progress (elapsed / fraction), or before any
    /// progress from the prover's announced seconds for the class.
    public mutating func reauctionLate(now: Int64) -> BookActions {
        var late: [(ProverID, Job)] = []
        for job in jobs.values.sorted(by: { $0.id < $1.id }) {
            guard let lease = job.state.lease, let request = requests[job.requestID] else { continue }
            let elapsed = Double(now - lease.grantedMillis) / 1000
            let fraction = progress[job.id]?.fraction ?? 0
            let remaining: Double
            if fraction >= 0.05 {
                remaining = elapsed * (1 - fraction) / fraction
            } else {
                remaining = max(
                    0, (provers[lease.prover]?.seconds(job.jobClass, workUnits: settings.workUnits) ?? 0) - elapsed)
            }
            let left = Double(request.deadlineMillis - now) / 1000
            guard remaining > left else { continue }
            let faster = provers.values.contains { other in
                other.id != lease.prover && other.freeSlots > 0
                    && other.canProve(job.jobClass, isAggregation: job.isAggregation)
                    && other.seconds(job.jobClass, workUnits: settings.workUnits) < left
            }
            if faster { late.append((lease.prover, job)) }
        }
        var actions = BookActions()
        guard !late.isEmpty else { return actions }
        for (prover, job) in late { failedBy[job.id, default: [:]][prover] = "could not finish before the deadline" }
        actions.append(stop(late, reason: "cannot finish before the deadline: re-auctioned"))
        actions.append(
            requeue(late.map(\.1.id), reason: "its prover could not finish before the deadline", lost: false, now: now))
        return actions
    }
}

extension JobBook {
    /// Marks a connected prover suspended (`reason`) or in order again (nil); the market skips a suspended one.
    public mutating func setSuspension(_ prover: ProverID, reason: String?) -> BookActions {
        provers[prover]?.suspension = reason
        return BookActions()
    }
}
