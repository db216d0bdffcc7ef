import Foundation
import Logging
import ProverNetCore
import Store

/// An input of a request being submitted, with the statement (public signals) it implies, as the gateway
/// computed it or as the client declared it (`declared`).
public struct NewJob: Sendable {
    public var inputJSON: String
    public var statementJSON: String
    public var declared: Bool

    public init(inputJSON: String, statementJSON: String, declared: Bool = false) {
        self.inputJSON = inputJSON
        self.statementJSON = statementJSON
        self.declared = declared
    }
}

extension Coordinator {
    /// Stores a new request and its jobs (one transaction), queued for the next round. `id` is the client's
    /// choice when it sent one (so that a retried submit is recognised), else a fresh one.
    public func submit(
        id: RequestID = .random(), circuit: CircuitDescriptor, jobClass: JobClass, aggregationClass: JobClass? = nil,
        jobs newJobs: [NewJob],
        deadlineSeconds: Int,
        maxPricePerJob: Amount,
        redundancy: Int, aggregate: Bool, owner: String? = nil, ownerLimits: JobBook.OwnerLimits? = nil
    ) async throws -> ProofRequest {
        let now = clock()
        let request = ProofRequest(
            id: id, circuitID: circuit.id, createdMillis: now, deadlineMillis: now + Int64(deadlineSeconds) * 1000,
            maxPricePerJob: maxPricePerJob, redundancy: max(1, redundancy), aggregate: aggregate,
            inputCount: newJobs.count, owner: owner)
        // One job per input, or r replicas of it with redundancy r (each to a different prover).
        let jobs = newJobs.enumerated().flatMap { index, job in
            (0..<max(1, redundancy)).map { replica in
                Job(
                    id: JobID(request: id, index: index, replica: replica), requestID: id, index: index,
                    replica: replica,
                    jobClass: jobClass, inputJSON: job.inputJSON, statementJSON: job.statementJSON,
                    statementDeclared: job.declared)
            }
        }
        var refusal: SubmissionRefusal?
        do {
            try await perform(actor: owner.map { "key:\($0)" } ?? "client") { book, now in
                do throws(SubmissionRefusal) {
                    return try book.submit(
                        request, jobs: jobs, aggregationClass: aggregationClass, ownerLimits: ownerLimits, now: now)
                } catch {
                    refusal = error
                    return BookActions()
                }
            }
        } catch {
            guard case .notDurable(let stored) = error, case .insufficientFunds(_, let balance, let needed) = stored
            else { throw error }
            throw GatewayError.failedPrecondition(
                "insufficient balance: the request escrows its maximum cost of \(needed) (max price "
                    + "\(maxPricePerJob) × \(request.chargeableJobs) jobs: \(newJobs.count) inputs × redundancy "
                    + "\(request.redundancy)\(request.aggregate ? " + 1 aggregation" : "")), and key "
                    + "\(owner ?? "-") holds \(balance): ask an administrator to credit it (`provernet admin credit`)")
        }
        if let refusal {
            if case .ownerLimit = refusal { throw GatewayError.limit("\(refusal)") }
            throw GatewayError.invalidArgument("\(refusal)")
        }
        logger.info(
            "request queued",
            metadata: ["request": "\(id)", "jobs": "\(jobs.count)", "circuit": "\(circuit.id.prefix(12))"])
        return request
    }

    /// The request and its jobs, from the book if it is open, else from the store.
    public func snapshot(_ id: RequestID) async throws -> (ProofRequest, [Job]) {
        if let open = book.snapshot(id) { return open }
        guard let request = try await store.request(id: id) else { throw GatewayError.unknownRequest(id.rawValue) }
        return (request, try await store.jobs(requestID: id))
    }

    /// The key that submitted a request (nil: submitted before keys existed); unknown requests throw.
    public func owner(of id: RequestID) async throws -> String? {
        if let open = book.requests[id] { return open.owner }
        guard let request = try await store.request(id: id) else { throw GatewayError.unknownRequest(id.rawValue) }
        return request.owner
    }

    /// Cancels a request that has not ended; provers holding its jobs are told to stop. Returns the state
    /// it is in after (that of an ended one is left as it was).
    public func cancel(_ id: RequestID, actor: String = "client") async throws -> RequestPhase {
        var open = true
        try await perform(actor: actor) { book, now in
            guard let actions = book.cancel(id, now: now) else {
                open = false
                return BookActions()
            }
            return actions
        }
        if open { return .cancelled }
        guard let stored = try await store.request(id: id) else { throw GatewayError.unknownRequest(id.rawValue) }
        return stored.state.phase
    }

    // MARK: Watching

    /// A stream of the request's updates: its state first, then every change until it ends.
    public func watch(_ id: RequestID) async throws -> AsyncStream<RequestUpdate> {
        let (stream, continuation) = AsyncStream<RequestUpdate>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        if let first = book.currentUpdate(id, now: clock()) {
            continuation.yield(first)
            let token = token()
            watchers[id, default: [:]][token] = continuation
            continuation.onTermination = { [weak self] _ in
                Task { await self?.unwatch(id, token: token) }
            }
            return stream
        }
        let (request, jobs) = try await snapshot(id)
        let verified = Set(jobs.filter { !$0.isAggregation && $0.state.verified != nil }.map(\.index)).count
        continuation.yield(
            RequestUpdate(
                request: id, kind: .state, state: request.state.phase, inputsTotal: request.inputCount,
                inputsVerified: verified, job: nil, message: request.state.reason ?? "", atMillis: clock()))
        continuation.finish()
        return stream
    }

    func unwatch(_ id: RequestID, token: UInt64) { watchers[id]?[token] = nil }
}
