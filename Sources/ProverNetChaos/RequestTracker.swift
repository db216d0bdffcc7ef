import Foundation
import Logging
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNetVerify

/// Every request a chaos run submitted, as the client sees it: what it submitted, what the gateway
/// refused (with its reason), the final state of each request, and whether the proofs of each done
/// request verify once fetched.
actor RequestTracker {
    /// A request the gateway accepted.
    struct Tracked: Sendable {
        let id: RequestID
        let inputs: Int
        let submitted: ContinuousClock.Instant
        /// The last status read from the gateway.
        var status: RequestStatus?
        var isFinal: Bool { status?.state.isFinal ?? false }
    }

    /// What checking a done request's fetched proofs found.
    struct ProofCheck: Sendable {
        var proofs = 0
        /// A line per proof (or aggregate) that does not verify, or why the fetch failed.
        var problems: [String] = []
    }

    let client: ChaosClient
    let logger: Logger
    private(set) var requests: [RequestID: Tracked] = [:]
    /// In submission order.
    private(set) var order: [RequestID] = []
    /// Submissions the gateway refused or that never got an answer, with the reason.
    private(set) var submitFailures: [String] = []
    /// Submissions so far, to make each request's inputs different.
    private var submissions = 0

    init(client: ChaosClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Submits a request of `inputs` synthetic inputs (distinct from every other request's); returns its id,
    /// or nil after recording why it was not accepted.
    @discardableResult
    func submit(
        circuit: CircuitID, inputs: Int, redundancy: Int = 1, maxPricePerJob: Amount = 100,
        until deadline: ContinuousClock.Instant
    ) async -> RequestID? {
        submissions += 1
        let offset = submissions * 1000 + 1_000_000
        let list = Self.syntheticInputs(inputs, offset: offset)
        // One id for every try: a submit repeated after its answer was lost (the gateway died, or the leader
        // behind a follower) finds the request the first try made instead of making a second.
        let id = RequestID.random()
        do {
            let submitted = try await client.call("SubmitRequest", retry: .idempotent, until: deadline) {
                client in
                try await client.submit(
                    circuit: circuit, inputs: list, maxPricePerJob: maxPricePerJob, redundancy: redundancy, id: id)
            }
            requests[submitted.id] = Tracked(id: submitted.id, inputs: inputs, submitted: .now)
            order.append(submitted.id)
            logger.info("request submitted", metadata: ["request": "\(submitted.id)", "jobs": "\(submitted.jobs)"])
            return submitted.id
        } catch {
            submitFailures.append("\(error)")
            logger.warning("submission failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Synthetic inputs {"x": …, "y": …}, different for each offset.
    static func syntheticInputs(_ count: Int, offset: Int) -> [String] {
        (0..<count).map { "{\"x\": \"\($0 + 3 + offset)\", \"y\": \"\($0 * 7 + 11)\"}" }
    }

    /// Reads the status of every request that has not ended until all have, or `deadline` passes. Returns
    /// whether all ended.
    @discardableResult
    func waitForFinal(until deadline: ContinuousClock.Instant) async -> Bool {
        while true {
            let open = order.filter { requests[$0]?.isFinal == false }
            if open.isEmpty { return true }
            if ContinuousClock.now >= deadline { return false }
            await refresh(open, until: deadline)
            if order.contains(where: { requests[$0]?.isFinal == false }) {
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
    }

    /// Reads the status of the given requests, a few at a time.
    func refresh(_ ids: [RequestID], until deadline: ContinuousClock.Instant) async {
        let client = self.client
        for chunk in stride(from: 0, to: ids.count, by: 16).map({ Array(ids[$0..<min($0 + 16, ids.count)]) }) {
            let statuses = await withTaskGroup(of: RequestStatus?.self) { group in
                for id in chunk {
                    group.addTask {
                        try? await client.call("GetRequest", until: deadline) { client in try await client.request(id) }
                    }
                }
                var list: [RequestStatus] = []
                for await status in group { if let status { list.append(status) } }
                return list
            }
            for status in statuses { requests[status.id]?.status = status }
        }
    }

    /// The last status read of a request.
    func status(_ id: RequestID) -> RequestStatus? { requests[id]?.status }

    /// Fetches the proofs of every done request into `directory/ID/` and verifies them with the
    /// circuit's verification key (and the aggregate with the gateway's SnarkPack verifier key).
    func checkProofs(into directory: URL, until deadline: ContinuousClock.Instant) async -> [RequestID: ProofCheck] {
        var checks: [RequestID: ProofCheck] = [:]
        for id in order where requests[id]?.status?.state == .done {
            var check = ProofCheck()
            let target = directory.appendingPathComponent(id.rawValue, isDirectory: true)
            do {
                _ = try await client.call("fetch", until: deadline) { client in try await client.fetch(id, to: target) }
                let verification = try ProverNetClient.verifyFetched(at: target)
                check.proofs = verification.checks.count
                for failure in verification.failures {
                    check.problems.append("proof \(failure.index): \(failure.failure ?? "invalid")")
                }
                if let aggregate = verification.aggregate, let failure = aggregate.failure {
                    check.problems.append("aggregate: \(failure)")
                }
            } catch {
                check.problems.append("cannot fetch or verify: \(error)")
            }
            checks[id] = check
        }
        return checks
    }
}
