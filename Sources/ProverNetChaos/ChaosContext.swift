import Foundation
import Logging
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store
import Synchronization
import TestSupport

/// What a scenario works with while it runs: the network of processes, the client, the requests it
/// submitted and their events; and where it writes down what it expects beyond the invariants.
final class ChaosContext: Sendable {
    let scenario: String
    let directory: URL
    let network: ProcessNetwork
    let client: ChaosClient
    let requests: RequestTracker
    let logger: Logger
    /// When the scenario, and the wait for its requests to end, must be over.
    let deadline: ContinuousClock.Instant
    /// The size of the synthetic circuit the scenario's requests prove.
    let circuitConstraints: UInt64
    /// The gateways beside the first, on the network's PostgreSQL (none on SQLite).
    let peerGateways: [String]
    /// The PostgreSQL server of the scenario's own, when it has one (a scenario that restarts it).
    let cluster: PostgresTestCluster?

    private struct State {
        var failures: [String] = []
        var endChecks: [@Sendable (GatewayRecords) -> [String]] = []
        var facts: [String: String] = [:]
        var events: [RequestID: [RequestEvent]] = [:]
        var watchers: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    init(
        scenario: String, directory: URL, network: ProcessNetwork, client: ChaosClient, requests: RequestTracker,
        logger: Logger, deadline: ContinuousClock.Instant, circuitConstraints: UInt64, peerGateways: [String] = [],
        cluster: PostgresTestCluster? = nil
    ) {
        self.peerGateways = peerGateways
        self.cluster = cluster
        self.scenario = scenario
        self.directory = directory
        self.network = network
        self.client = client
        self.requests = requests
        self.logger = logger
        self.deadline = deadline
        self.circuitConstraints = circuitConstraints
    }

    // MARK: Expectations

    /// Records a failure of the scenario's own expectations when `condition` is false.
    func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    /// Records a failure of the scenario.
    func fail(_ message: String) {
        logger.error("expectation failed: \(message)")
        state.withLock { $0.failures.append(message) }
    }

    /// Adds a check to run on the gateway's records once the network has stopped; it returns a line per
    /// problem.
    func atEnd(_ check: @escaping @Sendable (GatewayRecords) -> [String]) {
        state.withLock { $0.endChecks.append(check) }
    }

    /// Writes down something that happened (which prover was killed, how a late result was answered), for
    /// the report.
    func fact(_ key: String, _ value: String) {
        logger.info("\(key): \(value)")
        state.withLock { $0.facts[key] = value }
    }

    var failures: [String] { state.withLock { $0.failures } }
    var facts: [String: String] { state.withLock { $0.facts } }
    var endChecks: [@Sendable (GatewayRecords) -> [String]] { state.withLock { $0.endChecks } }

    /// Every request the scenario submitted must end done.
    func expectEveryRequestDone() {
        atEnd { records in
            records.requests.values.filter { $0.state != .done }.sorted { $0.id < $1.id }.map {
                "request \($0.id) ended \($0.state.rawValue), not done: \($0.reason ?? "no reason")"
            }
        }
    }

    /// No job used up an attempt: the faults of the scenario are not the jobs' fault (a prover that dies,
    /// stalls or loses its connection does not count against the job).
    func expectNoAttemptUsed() {
        atEnd { records in
            records.allJobs.filter { $0.attempts > 0 }.map {
                "job \($0.id) used \($0.attempts) attempt(s) (last error: \($0.lastError ?? "none"))"
            }
        }
    }

    // MARK: Requests

    /// Registers the synthetic circuit of the scenario's size.
    func registerCircuit() async throws(HarnessError) -> CircuitID {
        let constraints = circuitConstraints
        let circuit = try await client.call("RegisterCircuit", until: deadline) { client in
            try await client.registerSyntheticCircuit(constraints: constraints, name: "chaos")
        }
        return circuit.id
    }

    /// Submits a request and starts recording its events; throws if the gateway does not accept it.
    func submit(circuit: CircuitID, inputs: Int, redundancy: Int = 1) async throws(HarnessError) -> RequestID {
        guard let id = await requests.submit(circuit: circuit, inputs: inputs, redundancy: redundancy, until: deadline)
        else {
            let reason = await requests.submitFailures.last ?? "no reason"
            throw .notAccepted(reason: reason)
        }
        watch(id)
        return id
    }

    /// Records the request's events from now on (across gateway restarts) until it ends.
    func watch(_ id: RequestID) {
        let stream = client.events(of: id, until: deadline)
        let task = Task {
            for await event in stream { self.record(event, of: id) }
        }
        state.withLock { $0.watchers.append(task) }
    }

    private func record(_ event: RequestEvent, of id: RequestID) {
        state.withLock { $0.events[id, default: []].append(event) }
    }

    /// The events recorded so far for a request.
    func events(of id: RequestID) -> [RequestEvent] { state.withLock { $0.events[id] ?? [] } }

    /// Waits for the first recorded event of the request that matches `predicate` (from the first one
    /// recorded, or after `skipping` of them); throws if none comes within `timeout`.
    func waitForEvent(
        _ what: String, in id: RequestID, skipping: Int = 0, timeout: Duration = .seconds(60),
        where predicate: @Sendable (RequestEvent) -> Bool
    ) async throws(HarnessError) -> RequestEvent {
        let limit = min(ContinuousClock.now + timeout, deadline)
        while ContinuousClock.now < limit {
            let list = events(of: id)
            if let match = list.dropFirst(skipping).first(where: predicate) { return match }
            if list.last?.state.isFinal == true { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        throw .eventDidNotHappen(what: what, request: id, seconds: ProcessNetwork.seconds(timeout))
    }

    /// Waits until `condition` holds, checking every 50 ms; returns whether it did within `timeout`.
    func waitUntil(timeout: Duration, _ condition: @Sendable () async -> Bool) async -> Bool {
        let limit = min(ContinuousClock.now + timeout, deadline)
        while ContinuousClock.now < limit {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    /// Stops recording events.
    func stopWatching() {
        for task in state.withLock({ $0.watchers }) { task.cancel() }
    }

    // MARK: Logs

    /// Whether a process's log has a line containing every one of `parts`.
    func log(of name: String, hasLineWith parts: [String]) -> Bool {
        ProcessNetwork.text(of: network.log(of: name)).split(separator: "\n").contains { line in
            parts.allSatisfy { line.contains($0) }
        }
    }

    /// How many lines of a process's log contain every one of `parts`.
    func countLines(of name: String, with parts: [String]) -> Int {
        ProcessNetwork.text(of: network.log(of: name)).split(separator: "\n").count { line in
            parts.allSatisfy { line.contains($0) }
        }
    }
}

extension RequestEvent {
    /// A progress report from a prover that is proving: past the download, before the end.
    var isMidProof: Bool { kind == .progress && progress > 0 && progress < 1 }
}
