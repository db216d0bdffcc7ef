import Foundation
import ProverNetAPI
import ProverNetClient
import ProverNetVerify
import ProverNetCore
import Testing

/// The network end to end: real gateway and prover processes on loopback over TLS, driven through the
/// client library as a user's program would.
@Suite(.serialized) struct NetworkTests {
    /// Watches a request until it ends and returns every event.
    func watchToEnd(_ client: ProverNetClient, _ request: RequestID, timeout: Double = 240) async throws -> [RequestEvent] {
        try await withThrowingTaskGroup(of: [RequestEvent]?.self) { group in
            group.addTask {
                var list: [RequestEvent] = []
                for try await event in client.watch(request: request) { list.append(event) }
                return list
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let list = first else {
                throw NetworkTestError("request \(request) did not end in \(timeout) s")
            }
            return list
        }
    }

    @Test func twoProversProveARequestOverTLS() async throws {
        let network = try LocalNetwork()
        for name in ["prover-a", "prover-b"] {
            try network.startProver(name, key: try network.makeProverKey(name).key)
        }
        try await network.waitForProvers(2)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, verification, events) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestStatus, FetchVerification, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 1000, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(6), maxPricePerJob: 10)
            #expect(submitted.jobs == 6)
            let events = try await watchToEnd(client, submitted.id)
            let status = try await client.request(submitted.id)
            _ = try await client.fetch(submitted.id, to: proofs)
            return (status, try ProverNetClient.verifyFetched(at: proofs), events)
        }
        #expect(status.state == .done, "gateway log: \(network.log("gateway.log"))")
        #expect(status.jobs.count == 6 && status.jobs.allSatisfy { $0.state == .verified && $0.proof != nil })
        #expect(verification.checks.count == 6 && verification.allValid)
        // Both provers proved, and the client paid the auction's prices.
        #expect(Set(status.jobs.compactMap(\.prover)).count == 2)
        #expect(status.paid > 0)
        #expect(events.contains { $0.kind == .assigned } && events.contains { $0.kind == .verified })
        // What a user would run on the fetched directory agrees.
        let verify = try LocalNetwork.run(["verify", proofs.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        network.clean()
    }

    @Test func wrongProofsAndOtherInputsAreRefusedAndTheJobsCompleteElsewhere() async throws {
        let network = try LocalNetwork(gatewayArguments: ["--max-attempts", "20"])
        try network.startProver("liar", key: try network.makeProverKey("liar").key, extra: ["--misbehave", "wrong-proof"])
        try network.startProver("shirker", key: try network.makeProverKey("shirker").key, extra: ["--misbehave", "other-input"])
        try await network.waitForProvers(2)
        let honest = try network.makeProverKey("honest")
        let (status, events) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(2), maxPricePerJob: 10)
            var seen: [RequestEvent] = []
            var honestStarted = false
            for try await event in client.watch(request: submitted.id) {
                seen.append(event)
                let rejections = seen.filter { $0.kind == .rejected }
                if !honestStarted, rejections.contains(where: { $0.message.contains("public signals") }),
                    rejections.contains(where: { $0.message.contains("does not verify") })
                {
                    // Both kinds of cheat were caught: now an honest prover joins.
                    try network.startProver("honest", key: honest.key)
                    honestStarted = true
                }
            }
            return (try await client.request(submitted.id), seen)
        }
        #expect(status.state == .done, "gateway log: \(network.log("gateway.log"))")
        #expect(status.jobs.allSatisfy { $0.state == .verified && $0.prover?.rawValue == honest.id })
        #expect(status.jobs.allSatisfy { $0.attempts >= 1 })
        let rejections = events.filter { $0.kind == .rejected }
        #expect(rejections.contains { $0.message.contains("public signals") })
        #expect(rejections.contains { $0.message.contains("does not verify") })
        network.clean()
    }

    @Test func aRequestForAggregationGetsOneVerifiedAggregateFromAProverThatAggregates() async throws {
        let srsDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-srs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: srsDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: srsDirectory) }
        let srs = srsDirectory.appendingPathComponent("srs.bin")
        let setup = try LocalNetwork.run(["snarkpack", "setup", "--max-proofs", "8", "-o", srs.path])
        #expect(setup.status == 0, "\(setup.stderr)")
        let network = try LocalNetwork(gatewayArguments: ["--snarkpack-srs", srs.path])
        let prover = try network.makeProverKey("prover")
        let aggregator = try network.makeProverKey("aggregator")
        try network.startProver("prover", key: prover.key, extra: ["--no-aggregation"])
        try network.startProver("aggregator", key: aggregator.key)
        try await network.waitForProvers(2)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, events) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "test")
            // Over the reference string's 8 proofs, or a single input: refused at submission.
            for count in [9, 1] {
                do {
                    _ = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(count), maxPricePerJob: 10, aggregate: true)
                    Issue.record("a request of \(count) inputs for aggregation was accepted")
                } catch let error as ProverNetClientError {
                    #expect("\(error)".contains(count == 9 ? "8 proofs" : "at least 2"), "\(error)")
                }
            }
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10, aggregate: true)
            let events = try await watchToEnd(client, submitted.id)
            _ = try await client.fetch(submitted.id, to: proofs)
            return (try await client.request(submitted.id), events)
        }
        #expect(status.state == .done, "gateway log: \(network.log("gateway.log"))")
        #expect(status.aggregate && status.aggregateProof != nil && status.snarkpackVerifierKey != nil)
        #expect(status.provingJobs.count == 3 && status.provingJobs.allSatisfy { $0.state == .verified })
        let aggregation = status.jobs.first { $0.isAggregation }
        #expect(aggregation?.state == .verified)
        // Only the prover that announced aggregation could take the aggregation job.
        #expect(aggregation?.prover?.rawValue == aggregator.id)
        #expect(events.contains { $0.kind == .other("aggregating") })
        // The fetched aggregate verifies with the gateway's verifier key and with the client's own SRS.
        let verify = try LocalNetwork.run(["verify", proofs.path])
        #expect(verify.status == 0 && verify.stdout.contains("aggregate of the 3 proofs is valid"), "\(verify.stdout) \(verify.stderr)")
        #expect(try LocalNetwork.run(["verify", proofs.path, "--srs", srs.path]).status == 0)
        // A changed aggregate does not.
        let aggregateFile = proofs.appendingPathComponent("aggregate.bin")
        var bytes = try Data(contentsOf: aggregateFile)
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: aggregateFile)
        let tampered = try LocalNetwork.run(["verify", proofs.path])
        #expect(tampered.status == 1 && tampered.stdout.contains("INVALID: aggregate"), "\(tampered.stdout)")
        network.clean()
    }

    @Test func aWrongAggregateIsRefusedAndTheAggregationCompletesElsewhere() async throws {
        let srsDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-srs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: srsDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: srsDirectory) }
        let srs = srsDirectory.appendingPathComponent("srs.bin")
        #expect(try LocalNetwork.run(["snarkpack", "setup", "--max-proofs", "4", "-o", srs.path]).status == 0)
        let network = try LocalNetwork(gatewayArguments: ["--snarkpack-srs", srs.path, "--max-attempts", "20"])
        // Proofs come from an honest prover that does not aggregate; the only aggregator cheats at first.
        let honest = try network.makeProverKey("honest")
        try network.startProver("honest", key: honest.key, extra: ["--no-aggregation"])
        try network.startProver("liar", key: try network.makeProverKey("liar").key, extra: ["--misbehave", "wrong-proof"])
        try await network.waitForProvers(2)
        let aggregator = try network.makeProverKey("aggregator")
        let (status, events) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(2), maxPricePerJob: 10, aggregate: true)
            var seen: [RequestEvent] = []
            var started = false
            for try await event in client.watch(request: submitted.id) {
                seen.append(event)
                if !started, event.kind == .rejected, event.jobIndex == 2 {
                    try network.startProver("aggregator", key: aggregator.key)
                    started = true
                }
            }
            return (try await client.request(submitted.id), seen)
        }
        #expect(status.state == .done, "gateway log: \(network.log("gateway.log"))")
        #expect(status.jobs.first { $0.isAggregation }?.prover?.rawValue == aggregator.id)
        #expect(events.contains { $0.kind == .rejected && $0.jobIndex == 2 && $0.message.contains("aggregate") })
        network.clean()
    }

    @Test func aProverKilledMidProofResumesFromItsCheckpointAfterARestart() async throws {
        // Leases of 20 s, so that the restarted prover (which calibrates first) finds its lease standing.
        let network = try LocalNetwork(gatewayArguments: ["--lease-heartbeats", "40"])
        let key = try network.makeProverKey("prover")
        var prover = try network.startProver("prover", key: key.key)
        try await network.waitForProvers(1)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, events, verification) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent], FetchVerification) in
            // 2^16: several seconds of MSMs, time to be killed between two of them.
            let circuit = try await client.registerSyntheticCircuit(constraints: (1 << 16) - 2, name: "big")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: 100)
            var seen: [RequestEvent] = []
            var killed = false
            for try await event in client.watch(request: submitted.id) {
                seen.append(event)
                // After msmA (fraction 0.625), before the last MSMs: kill the node and its worker.
                if !killed, event.kind == .progress, event.progress >= 0.6, event.progress < 0.9 {
                    kill(prover.processIdentifier, SIGKILL)
                    prover.waitUntilExit()
                    prover = try network.startProver("prover", key: key.key)
                    killed = true
                }
            }
            #expect(killed, "the proof ended before it could be interrupted: \(seen.map(\.message))")
            _ = try await client.fetch(submitted.id, to: proofs)
            return (try await client.request(submitted.id), seen, try ProverNetClient.verifyFetched(at: proofs))
        }
        #expect(status.state == .done, "gateway log: \(network.log("gateway.log"))")
        #expect(verification.allValid && verification.checks.count == 1)
        // The same lease carried on (no second assignment), from the stages already done.
        #expect(status.jobs.first?.attempts == 0)
        let gatewayLog = network.log("gateway.log")
        #expect(gatewayLog.components(separatedBy: "job assigned").count - 1 == 1, "\(gatewayLog)")
        #expect(events.contains { $0.message == "resumed msmA from the checkpoint" }, "\(events.map(\.message))")
        #expect(network.log("prover.log").contains("taking up jobs interrupted by the last stop"))
        network.clean()
    }

    @Test func anUnknownProverCannotConnect() async throws {
        let network = try LocalNetwork()
        let stranger = try network.makeProverKey("stranger", allow: false)
        let process = try network.startProver("stranger", key: stranger.key)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(!process.isRunning, "an unknown prover kept running")
        #expect(process.terminationStatus == 1)
        #expect(network.log("stranger.log").contains("allowlist"))
        #expect(network.log("gateway.log").contains("unknown prover refused"))
        network.clean()
    }

    @Test func cancelStopsARequestAndItsJobs() async throws {
        let network = try LocalNetwork()
        try network.startProver("prover-a", key: try network.makeProverKey("prover-a").key)
        try await network.waitForProvers(1)
        let (state, status, events) = try await ProverNetClient.withClient(endpoint: network.endpoint) {
            (client) async throws -> (RequestPhase?, RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 16382, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(4), maxPricePerJob: 100)
            var seen: [RequestEvent] = []
            var state: RequestPhase?
            for try await event in client.watch(request: submitted.id) {
                seen.append(event)
                if state == nil, event.kind == .assigned {
                    state = try await client.cancel(submitted.id)
                }
            }
            return (state, try await client.request(submitted.id), seen)
        }
        #expect(state == .cancelled)
        #expect(status.state == .cancelled)
        #expect(status.jobs.allSatisfy { $0.state == .cancelled || $0.state == .verified })
        #expect(events.last?.state == .cancelled)
        // Cancelling again is harmless and says where it stands; an unknown request is NOT_FOUND.
        try await ProverNetClient.withClient(endpoint: network.endpoint) { (client) async throws -> Void in
            let again = try await client.cancel(status.id)
            #expect(again == .cancelled)
            await #expect(throws: ProverNetClientError.self) { try await client.cancel("req-0000000000000000") }
        }
        network.clean()
    }

    @Test func badInputGetsTypedErrorsAndTheGatewayStaysUp() async throws {
        let network = try LocalNetwork()
        try await ProverNetClient.withClient(endpoint: network.endpoint) { (client) async throws -> Void in
            await #expect(throws: ProverNetClientError.self) {
                _ = try await client.submit(circuit: CircuitID(String(repeating: "0", count: 64)), inputs: ["{}"], maxPricePerJob: 1)
            }
            let circuit = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            do {
                _ = try await client.submit(circuit: circuit.id, inputs: ["{\"x\": \"1\", \"y\": \"2\"}", "{\"x\": \"oops\"}"], maxPricePerJob: 1)
                Issue.record("a malformed input was accepted")
            } catch {
                #expect("\(error)".contains("input 1"))
            }
            await #expect(throws: ProverNetClientError.self) {
                _ = try await client.registerSyntheticCircuit(constraints: 1 << 30, name: "huge")
            }
            await #expect(throws: ProverNetClientError.self) { _ = try await client.request("req-nothing") }
            // Still serving.
            let again = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            #expect(again.id == circuit.id)
        }
        // A client that does not hold itself to the network's limits: the gateway holds it to them.
        var unlimited = ProverNetClient.Configuration()
        unlimited.limits.maxMessageBytes = 16 << 20
        try await ProverNetClient.withClient(endpoint: network.endpoint, configuration: unlimited) {
            (client) async throws -> Void in
            let circuit = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            let input = #"{"x": "1", "y": "2"}"#
            let cases: [(inputs: [String], expected: String)] = [
                // A message over 4 MiB.
                ([#"{"x": "1", "y": "2", "pad": ""# + String(repeating: "7", count: 5 << 20) + #""}"#], "over the network's limit of 4194304 bytes"),
                // One input over 1 MiB, in a message under the limit.
                ([input, #"{"x": "1", "y": "2", "pad": ""# + String(repeating: "7", count: 2 << 20) + #""}"#], "input 1"),
                // More inputs than a request may have.
                (Array(repeating: input, count: 10_001), "10001 inputs"),
            ]
            for (inputs, expected) in cases {
                do {
                    _ = try await client.submit(circuit: circuit.id, inputs: inputs, maxPricePerJob: 1)
                    Issue.record("an oversized request was accepted (\(expected))")
                } catch let error as ProverNetClientError {
                    #expect("\(error)".contains(expected), "\(error)")
                }
            }
            let still = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            #expect(still.id == circuit.id)
            // Aggregation from a gateway that has no reference string.
            do {
                _ = try await client.submit(circuit: circuit.id, inputs: [input, input], maxPricePerJob: 1, aggregate: true)
                Issue.record("a request for aggregation was accepted by a gateway without a reference string")
            } catch let error as ProverNetClientError {
                #expect("\(error)".contains("does not aggregate"), "\(error)")
            }
        }
        network.clean()
    }

    @Test func devnetExitsZeroWhenEveryProofIsVerified() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-devnet-\(UUID().uuidString.prefix(8))")
        let result = try LocalNetwork.run([
            "devnet", "--dir", dir.path, "--exit-when-done", "--jobs", "3", "--constraints", "1000", "--timeout", "300",
        ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("VERIFIED"))
        #expect(result.stdout.contains("3 of 3 verify locally"))
        #expect(result.stdout.contains("one SnarkPack proof of all 3, verifies locally"), "\(result.stdout)")
        if result.status == 0 { try? FileManager.default.removeItem(at: dir) }
    }
}
