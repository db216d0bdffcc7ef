import Foundation
import Logging
import ProverNetAPI
import SwiftProtobuf
import ProverNetCore
import Store

/// A job of a request being submitted, with the public signals its input implies.
public struct NewJob: Sendable {
    public var inputJSON: String
    public var expectedPublicJSON: String

    public init(inputJSON: String, expectedPublicJSON: String) {
        self.inputJSON = inputJSON
        self.expectedPublicJSON = expectedPublicJSON
    }
}

extension Coordinator {
    /// Stores a new request and its jobs (one transaction), queued for the next round.
    public func submit(
        circuit: CircuitDescriptor, jobs newJobs: [NewJob], deadlineSeconds: Int, maxPricePerJob: Double,
        redundancy: Int, aggregate: Bool
    ) throws -> RequestRecord {
        let now = Identifiers.nowMillis()
        let id = Identifiers.newRequestID()
        let request = RequestRecord(
            id: id, circuitID: circuit.id, state: .queued, createdMillis: now,
            deadlineMillis: now + Int64(deadlineSeconds) * 1000, maxPricePerJob: maxPricePerJob,
            redundancy: redundancy, aggregate: aggregate, jobsTotal: newJobs.count)
        // One job per input, or r replicas of it with redundancy r (each to a different prover).
        let records = newJobs.enumerated().flatMap { index, job in
            (0..<max(1, redundancy)).map { replica in
                JobRecord(
                    id: Identifiers.jobID(request: id, index: index, replica: replica), requestID: id, index: index,
                    replica: replica, jobClass: circuit.jobClass.description, inputJSON: job.inputJSON,
                    expectedPublicJSON: job.expectedPublicJSON)
            }
        }
        try commit(StoreChanges(requests: [request], jobs: records))
        requests[id] = request
        jobsOfRequest[id] = records.map(\.id)
        for job in records { jobs[job.id] = job }
        logger.info("request queued", metadata: ["request": "\(id)", "jobs": "\(records.count)", "circuit": "\(circuit.id.prefix(12))"])
        wakeMarket()
        return request
    }

    /// The request and its jobs, from memory if it is open, else from the store.
    public func snapshot(_ id: RequestID) throws -> (RequestRecord, [JobRecord]) {
        if let request = requests[id] {
            return (request, (jobsOfRequest[id] ?? []).compactMap { jobs[$0] })
        }
        guard let request = try store.request(id: id) else { throw GatewayError.unknownRequest(id) }
        return (request, try store.jobs(requestID: id))
    }

    /// Cancels a request that has not ended; provers holding its jobs are told to stop.
    public func cancel(_ id: RequestID) throws -> RequestState {
        guard requests[id] != nil else {
            guard let stored = try store.request(id: id) else { throw GatewayError.unknownRequest(id) }
            return stored.state
        }
        try finish(id, state: .cancelled, reason: "cancelled by the client")
        return .cancelled
    }

    /// Ends a request: its unfinished jobs are cancelled (their provers told to stop), the state and
    /// reason stored, watchers told and released.
    func finish(_ id: RequestID, state: RequestState, reason: String?) throws {
        guard var request = requests[id] else { return }
        request.state = state
        request.reason = reason
        request.finishedMillis = Identifiers.nowMillis()
        var changed: [JobRecord] = []
        var stops: [(ProverID, JobRecord)] = []
        for jobID in jobsOfRequest[id] ?? [] {
            guard var job = jobs[jobID], !job.state.isFinal else { continue }
            if job.state.isLeased, let prover = job.proverID { stops.append((prover, job)) }
            job.state = state == .failed ? .failed : .cancelled
            job.leaseExpiresMillis = nil
            changed.append(job)
        }
        try commit(StoreChanges(requests: [request], jobs: changed))
        for job in changed { jobs[job.id] = job }
        sendStops(stops, reason: reason ?? state.rawValue)
        if !stops.isEmpty { wakeMarket() }
        requests[id] = request
        logger.info("request ended", metadata: ["request": "\(id)", "state": "\(state.rawValue)", "reason": "\(reason ?? "")"])
        emit(request: id, kind: "state", job: nil, message: reason ?? state.rawValue)
        // Forget it in memory: from now on it is read from the store.
        if let list = watchers.removeValue(forKey: id) { for continuation in list.values { continuation.finish() } }
        for jobID in jobsOfRequest.removeValue(forKey: id) ?? [] {
            jobs.removeValue(forKey: jobID)
            progress.removeValue(forKey: jobID)
            failedBy.removeValue(forKey: jobID)
        }
        requests.removeValue(forKey: id)
    }

    /// Expires requests past their deadline.
    func expireOverdue(now: Int64) {
        for request in requests.values where request.deadlineMillis <= now {
            try? finish(request.id, state: .expired, reason: "the deadline passed before every proof was verified")
        }
    }

    // MARK: Watching

    /// A stream of the request's events: a snapshot first, then every change until it ends.
    public func watch(_ id: RequestID) throws -> AsyncStream<Provernet_V1_RequestEvent> {
        let (request, jobList) = try snapshot(id)
        let (stream, continuation) = AsyncStream<Provernet_V1_RequestEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        continuation.yield(event(request, jobList: jobList, kind: "state", job: nil, message: request.reason ?? ""))
        if request.state.isFinal {
            continuation.finish()
        } else {
            let token = token()
            watchers[id, default: [:]][token] = continuation
            continuation.onTermination = { [weak self] _ in
                Task { await self?.unwatch(id, token: token) }
            }
        }
        return stream
    }

    func unwatch(_ id: RequestID, token: UInt64) { watchers[id]?[token] = nil }

    func emit(request id: RequestID, kind: String, job: JobRecord?, message: String = "") {
        guard let list = watchers[id], !list.isEmpty, let request = requests[id] else { return }
        let jobList = (jobsOfRequest[id] ?? []).compactMap { jobs[$0] }
        let e = event(request, jobList: jobList, kind: kind, job: job, message: message)
        for continuation in list.values { continuation.yield(e) }
    }

    func event(_ request: RequestRecord, jobList: [JobRecord], kind: String, job: JobRecord?, message: String)
        -> Provernet_V1_RequestEvent
    {
        var e = Provernet_V1_RequestEvent()
        e.requestID = request.id
        e.state = request.state.proto
        e.jobsTotal = UInt32(request.jobsTotal)
        // Inputs with a verified proof: one per input whatever its replicas, and not the aggregation job.
        e.jobsVerified = UInt32(Set(jobList.filter { $0.state == .verified && !$0.isAggregation }.map(\.index)).count)
        e.kind = kind
        e.message = message
        e.unixMillis = Identifiers.nowMillis()
        if let job {
            e.jobID = job.id
            e.jobIndex = UInt32(job.index)
            e.proverID = job.proverID ?? ""
            e.progress = job.state == .verified ? 1 : progress[job.id]?.fraction ?? 0
        }
        return e
    }
}

extension RequestState {
    var proto: Provernet_V1_RequestState {
        switch self {
        case .queued: .queued
        case .proving: .proving
        case .done: .done
        case .failed: .failed
        case .expired: .expired
        case .cancelled: .cancelled
        case .aggregating: .aggregating
        }
    }
}

extension JobState {
    var proto: Provernet_V1_JobState {
        switch self {
        case .pending: .pending
        case .assigned: .assigned
        case .proving: .proving
        case .verified: .verified
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }
}
