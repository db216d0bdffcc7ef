import Foundation
import Logging
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

/// Provers and clients given several gateways (issue 17, item 3): they go on through the next when one cannot
/// be reached or dies, and a submit tried again makes no second request. Real processes throughout.
extension NetworkTests {
    /// An address where nothing listens (port 1 is privileged and unused here): connecting is refused at once.
    static let deadGateway = "127.0.0.1:1"

    /// A prover and a client whose first gateway is dead go on through the second; a submit sent twice with one
    /// id (what the client does when a gateway is lost with the answer) makes one request, and an id that is
    /// another circuit's request, or not of the gateway's form, is refused.
    @Test func aProverAndAClientGivenADeadGatewayFirstGoOnThroughTheNext() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let live = await network.endpoint
        try await network.addProvers(["prover-1"])
        try await network.route("prover-1", through: "\(Self.deadGateway),127.0.0.1:\(live.port)")
        try await network.startProver("prover-1")
        try await network.waitForProvers(["prover-1"])
        #expect(
            network.logText(of: "prover-1").contains("connection to the gateway lost; reconnecting"),
            "the prover did not try the dead gateway first: \(network.logText(of: "prover-1"))")

        var dead = live
        dead.port = 1
        let id = RequestID.random()
        let (first, second, status, jobs) = try await ProverNetClient.withClient(endpoints: [dead, live]) {
            (client) async throws -> (SubmittedRequest, SubmittedRequest, RequestStatus, [JobListing]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "failover")
            let first = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10, id: id)
            let second = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10, id: id)
            _ = try await watchToEnd(client, id)
            let status = try await client.request(id)
            // Two tries at once with one id (the first still in flight when the retry comes): one request.
            let raced = RequestID.random()
            async let one = client.submit(
                circuit: circuit.id, inputs: syntheticInputs(2, offset: 50), maxPricePerJob: 10, id: raced)
            async let two = client.submit(
                circuit: circuit.id, inputs: syntheticInputs(2, offset: 50), maxPricePerJob: 10, id: raced)
            let (r1, r2) = try await (one, two)
            #expect(r1.id == raced && r2.id == raced)
            _ = try await watchToEnd(client, raced)
            // Once it is done, the same submit still answers with it and makes nothing.
            let again = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10, id: id)
            #expect(again == first)
            let other = try await client.registerSyntheticCircuit(constraints: 600, name: "other")
            await #expect(throws: ProverNetClientError.self) {
                try await client.submit(circuit: other.id, inputs: syntheticInputs(1), maxPricePerJob: 10, id: id)
            }
            do {
                _ = try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: 10, id: RequestID("req-NOT-HEX"))
                Issue.record("a malformed request id was accepted")
            } catch let error as ProverNetClientError {
                #expect(error.description.contains("request_id"), "\(error)")
                if case .gateway(_, let code, _) = error { #expect(code == .invalidArgument) }
            }
            return (first, second, status, try await client.listJobs(limit: 1000))
        }
        #expect(first.id == id && second == first)
        #expect(status.state == .done && status.jobs.count == 3 && status.jobs.allSatisfy { $0.state == .verified })
        // One request's three jobs, not six: the second submit made nothing.
        #expect(jobs.filter { $0.id.rawValue.hasPrefix(id.rawValue) }.count == 3, "\(jobs.map(\.id))")
        // The raced request's two jobs, not four; and nothing else.
        #expect(jobs.count == 5, "jobs: \(jobs.map(\.id))")
        await network.clean()
    }

    /// Three gateways on one PostgreSQL: A leads, B and C follow. A prover given B, C and A is on B; a client
    /// given A and C submits and watches on A. B (a follower with the prover attached) is SIGKILLed mid-request:
    /// the prover goes on through C and keeps its leases. Then A (the leader) is SIGKILLed mid-request: C takes
    /// over, the prover reconnects to it, and the client's watch and calls go on through C. Both requests end
    /// done, each job proven once.
    @Test(
        .enabled(
            if: PostgresTestCluster.sharedURL != nil || PostgresTestCluster.required,
            "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL"))
    func aGatewayOnPostgreSQLLostUnderAProverOrAClientIsReplacedByTheNextInTheirList() async throws {
        let shared = try #require(PostgresTestCluster.sharedURL, "PROVERNET_TEST_POSTGRES_URL is not set")
        let url = try PostgresTestCluster.createDatabase(on: shared)
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet, settings: .init(database: url))
        let portB = try await network.startPeerGateway("gateway-b")
        let portC = try await network.startPeerGateway("gateway-c")
        let a = await network.endpoint
        let c = await network.peerEndpoint("gateway-c")
        try await network.addProvers(["prover-1"])
        try await network.route("prover-1", through: "127.0.0.1:\(portB),127.0.0.1:\(portC),127.0.0.1:\(a.port)")
        try await network.startProver("prover-1")
        try await network.waitForProvers(["prover-1"])
        let prover = try await network.proverID("prover-1")

        try await ProverNetClient.withClient(endpoints: [a, c]) { client in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "failover")
            // The follower the prover is on dies mid-request.
            let first = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(6), maxPricePerJob: 10)
            let watchingFirst = Task { try await watchToEnd(client, first.id) }
            try await Self.waitForProgress(client, first.id)
            await network.killPeerGateway("gateway-b")
            let firstEvents = try await watchingFirst.value
            // The leases were kept: no job that the prover was proving went back to the market when its gateway
            // died (an assignment lost in flight with the gateway, never received, does: the prover's hello on
            // the next gateway does not name it).
            #expect(
                Self.requeuedWhileProving(firstEvents).isEmpty,
                "\(firstEvents.map { "\($0.kind) \($0.job?.rawValue ?? "")" })")
            let firstStatus = try await client.request(first.id)
            #expect(firstStatus.state == .done, "gateway log: \(network.logText(of: "gateway"))")
            #expect(firstStatus.jobs.count == 6)
            #expect(firstStatus.jobs.allSatisfy { $0.state == .verified && $0.prover == prover })
            #expect(
                network.logText(of: "prover-1").contains("127.0.0.1:\(portC)"),
                "the prover did not go on through gateway-c: \(network.logText(of: "prover-1"))")

            // The leader dies mid-request, while the client watches through it.
            let second = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(8, offset: 100), maxPricePerJob: 10)
            let watching = Task { try await watchToEnd(client, second.id) }
            try await Self.waitForProgress(client, second.id)
            await network.killGateway()
            let events = try await watching.value
            #expect(
                Self.requeuedWhileProving(events).isEmpty, "\(events.map { "\($0.kind) \($0.job?.rawValue ?? "")" })")
            #expect(events.last.map { $0.state.isFinal } == true, "the watch did not go on to the end: \(events)")
            #expect(client.endpoint.port == c.port, "the client did not move to gateway-c")
            let secondStatus = try await client.request(second.id)
            #expect(secondStatus.state == .done, "gateway-c log: \(network.logText(of: "gateway-c"))")
            #expect(secondStatus.jobs.count == 8)
            #expect(secondStatus.jobs.allSatisfy { $0.state == .verified && $0.prover == prover })
            #expect(network.logText(of: "gateway-c").contains("this gateway now leads the market"))
        }
        await network.clean()
    }

    /// The jobs that went back to the market after their prover had reported progress on them: a lease lost
    /// while the prover held the job.
    static func requeuedWhileProving(_ events: [RequestEvent]) -> [JobID] {
        var proving: Set<JobID> = []
        var lost: [JobID] = []
        for event in events {
            guard let job = event.job else { continue }
            switch event.kind {
            case .progress: proving.insert(job)
            case .requeued where proving.contains(job): lost.append(job)
            case .assigned, .requeued: proving.remove(job)
            default: break
            }
        }
        return lost
    }

    /// Waits until at least one job of the request is verified (and none is left to prove is not yet known).
    static func waitForProgress(_ client: ProverNetClient, _ id: RequestID) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let status = try await client.request(id)
            if status.jobsVerified >= 1 || status.state.isFinal {
                #expect(!status.state.isFinal, "the request ended before a gateway could be killed mid-way")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NetworkTestError("no job of \(id) was verified in 120 s")
    }
}
