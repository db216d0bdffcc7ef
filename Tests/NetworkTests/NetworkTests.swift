import Foundation
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import ProverNetTesting
import ProverNetVerify
import TestSupport
import Testing

/// The network end to end: real gateway and prover processes on loopback over TLS, driven through the
/// client library as a user's program would.
@Suite(.serialized) struct NetworkTests {
    /// Watches a request until it ends and returns every event.
    func watchToEnd(_ client: ProverNetClient, _ request: RequestID, timeout: Double = 240) async throws
        -> [RequestEvent]
    {
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
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        for name in ["prover-a", "prover-b"] {
            try await network.startNewProver(name)
        }
        try await network.waitForProvers(2)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, verification, events) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, FetchVerification, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 1000, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(6), maxPricePerJob: 10)
            #expect(submitted.jobs == 6)
            let events = try await watchToEnd(client, submitted.id)
            let status = try await client.request(submitted.id)
            _ = try await client.fetch(submitted.id, to: proofs)
            return (status, try ProverNetClient.verifyFetched(at: proofs), events)
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(status.jobs.count == 6 && status.jobs.allSatisfy { $0.state == .verified && $0.proof != nil })
        #expect(verification.checks.count == 6 && verification.allValid)
        // Both provers proved, and the client paid the auction's prices.
        #expect(Set(status.jobs.compactMap(\.prover)).count == 2)
        #expect(status.paid > 0)
        #expect(events.contains { $0.kind == .assigned } && events.contains { $0.kind == .verified })
        // What a user would run on the fetched directory agrees.
        let verify = try CommandRun.run(BuiltBinary.provernet, ["verify", proofs.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        await network.clean()
    }

    @Test func wrongProofsAndOtherInputsAreRefusedAndTheJobsCompleteElsewhere() async throws {
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--max-attempts", "20"]))
        try await network.startNewProver("liar", extra: ["--misbehave", "wrong-proof"])
        try await network.startNewProver("shirker", extra: ["--misbehave", "other-input"])
        // The honest prover asks more (below the reserve), so the cheaters win the jobs while they may take
        // them; once both have failed both jobs, it is the one prover left that may, and proves them. (A job
        // that every connected prover has failed fails its request: the honest one is connected throughout.)
        let honest = try await network.makeProverKey("honest")
        try await network.startProver("honest", extra: ["--ask", "1.5"])
        try await network.waitForProvers(3)
        let (status, events) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(2), maxPricePerJob: 10)
            var seen: [RequestEvent] = []
            for try await event in client.watch(request: submitted.id) { seen.append(event) }
            return (try await client.request(submitted.id), seen)
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(status.jobs.allSatisfy { $0.state == .verified && $0.prover == honest.id })
        #expect(status.jobs.allSatisfy { $0.attempts >= 1 })
        let rejections = events.filter { $0.kind == .rejected }
        #expect(rejections.contains { $0.message.contains("public signals") })
        #expect(rejections.contains { $0.message.contains("does not verify") })
        await network.clean()
    }

    @Test func aRequestForAggregationGetsOneVerifiedAggregateFromAProverThatAggregates() async throws {
        let srsDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-srs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: srsDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: srsDirectory) }
        let srs = srsDirectory.appendingPathComponent("srs.bin")
        let setup = try CommandRun.run(
            BuiltBinary.provernet, ["snarkpack", "setup", "--max-proofs", "8", "-o", srs.path])
        #expect(setup.status == 0, "\(setup.stderr)")
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--snarkpack-srs", srs.path]))
        _ = try await network.makeProverKey("prover")
        let aggregator = try await network.makeProverKey("aggregator")
        try await network.startProver("prover", extra: ["--no-aggregation"])
        try await network.startProver("aggregator")
        try await network.waitForProvers(2)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, events) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "test")
            // Over the reference string's 8 proofs, or a single input: refused at submission.
            for count in [9, 1] {
                do {
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: syntheticInputs(count), maxPricePerJob: 10, aggregate: true)
                    Issue.record("a request of \(count) inputs for aggregation was accepted")
                } catch let error as ProverNetClientError {
                    #expect("\(error)".contains(count == 9 ? "8 proofs" : "at least 2"), "\(error)")
                }
            }
            let submitted = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10, aggregate: true)
            let events = try await watchToEnd(client, submitted.id)
            _ = try await client.fetch(submitted.id, to: proofs)
            return (try await client.request(submitted.id), events)
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(status.aggregate && status.aggregateProof != nil && status.snarkpackVerifierKey != nil)
        #expect(status.provingJobs.count == 3 && status.provingJobs.allSatisfy { $0.state == .verified })
        let aggregation = status.jobs.first { $0.isAggregation }
        #expect(aggregation?.state == .verified)
        // Only the prover that announced aggregation could take the aggregation job.
        #expect(aggregation?.prover == aggregator.id)
        #expect(events.contains { $0.kind == .other("aggregating") })
        // The fetched aggregate verifies with the gateway's verifier key and with the client's own SRS.
        let verify = try CommandRun.run(BuiltBinary.provernet, ["verify", proofs.path])
        #expect(
            verify.status == 0 && verify.stdout.contains("aggregate of the 3 proofs is valid"),
            "\(verify.stdout) \(verify.stderr)")
        #expect(try CommandRun.run(BuiltBinary.provernet, ["verify", proofs.path, "--srs", srs.path]).status == 0)
        // A changed aggregate does not.
        let aggregateFile = proofs.appendingPathComponent("aggregate.bin")
        var bytes = try Data(contentsOf: aggregateFile)
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: aggregateFile)
        let tampered = try CommandRun.run(BuiltBinary.provernet, ["verify", proofs.path])
        #expect(tampered.status == 1 && tampered.stdout.contains("INVALID: aggregate"), "\(tampered.stdout)")
        await network.clean()
    }

    @Test func aWrongAggregateIsRefusedAndTheAggregationCompletesElsewhere() async throws {
        let srsDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-srs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: srsDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: srsDirectory) }
        let srs = srsDirectory.appendingPathComponent("srs.bin")
        #expect(
            try CommandRun.run(BuiltBinary.provernet, ["snarkpack", "setup", "--max-proofs", "4", "-o", srs.path])
                .status == 0)
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet,
            settings: .init(gatewayArguments: ["--snarkpack-srs", srs.path, "--max-attempts", "20"]))
        // Proofs come from an honest prover that does not aggregate; the only aggregator cheats at first.
        _ = try await network.makeProverKey("honest")
        try await network.startProver("honest", extra: ["--no-aggregation"])
        try await network.startNewProver("liar", extra: ["--misbehave", "wrong-proof"])
        // The honest aggregator asks more (below the reserve): the liar wins the aggregation first, and once it
        // has failed it, the aggregator, connected throughout, is the one left that may take it.
        let aggregator = try await network.makeProverKey("aggregator")
        try await network.startProver("aggregator", extra: ["--ask", "1.5"])
        try await network.waitForProvers(3)
        let (status, events) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "test")
            let submitted = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(2), maxPricePerJob: 10, aggregate: true)
            var seen: [RequestEvent] = []
            for try await event in client.watch(request: submitted.id) { seen.append(event) }
            return (try await client.request(submitted.id), seen)
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(status.jobs.first { $0.isAggregation }?.prover == aggregator.id)
        #expect(events.contains { $0.kind == .rejected && $0.jobIndex == 2 && $0.message.contains("aggregate") })
        await network.clean()
    }

    @Test func aProverKilledMidProofResumesFromItsCheckpointAfterARestart() async throws {
        // Leases of 20 s, so that the restarted prover (which calibrates first) finds its lease standing.
        let network = try await Self.leaseOf20Seconds()
        _ = try await network.makeProverKey("prover")
        try await network.startProver("prover")
        try await network.waitForProvers(1)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, events, verification) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, [RequestEvent], FetchVerification) in
            // 2^16: several seconds of MSMs, time to be killed between two of them.
            let circuit = try await client.registerSyntheticCircuit(constraints: (1 << 16) - 2, name: "big")
            let submitted = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: 100)
            var seen: [RequestEvent] = []
            var killed = false
            for try await event in client.watch(request: submitted.id) {
                seen.append(event)
                // After msmA (fraction 0.625), before the last MSMs: kill the node and its worker.
                if !killed, event.kind == .progress, event.progress >= 0.6, event.progress < 0.9 {
                    try await network.killProver("prover")
                    try await network.startProver("prover")
                    killed = true
                }
            }
            #expect(killed, "the proof ended before it could be interrupted: \(seen.map(\.message))")
            _ = try await client.fetch(submitted.id, to: proofs)
            return (try await client.request(submitted.id), seen, try ProverNetClient.verifyFetched(at: proofs))
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(verification.allValid && verification.checks.count == 1)
        // The same lease carried on (no second assignment), from the stages already done.
        #expect(status.jobs.first?.attempts == 0)
        let gatewayLog = network.logText(of: "gateway")
        #expect(gatewayLog.components(separatedBy: "job assigned").count - 1 == 1, "\(gatewayLog)")
        #expect(events.contains { $0.message == "resumed msmA from the checkpoint" }, "\(events.map(\.message))")
        #expect(network.logText(of: "prover").contains("taking up jobs interrupted by the last stop"))
        await network.clean()
    }

    @Test func anUnknownProverCannotConnect() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        _ = try await network.makeProverKey("stranger", allow: false)
        let process = try await network.startProver("stranger")
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(!process.isRunning, "an unknown prover kept running")
        #expect(process.terminationStatus == 1)
        #expect(network.logText(of: "stranger").contains("allowlist"))
        #expect(network.logText(of: "gateway").contains("unknown prover refused"))
        await network.clean()
    }

    @Test func cancelStopsARequestAndItsJobs() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        try await network.startNewProver("prover-a")
        try await network.waitForProvers(1)
        let (state, status, events) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestPhase?, RequestStatus, [RequestEvent]) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 16382, name: "test")
            let submitted = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(4), maxPricePerJob: 100)
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
        try await ProverNetClient.withClient(endpoint: await network.endpoint) { (client) async throws -> Void in
            let again = try await client.cancel(status.id)
            #expect(again == .cancelled)
            await #expect(throws: ProverNetClientError.self) { try await client.cancel("req-0000000000000000") }
        }
        await network.clean()
    }

    @Test func badInputGetsTypedErrorsAndTheGatewayStaysUp() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        try await ProverNetClient.withClient(endpoint: await network.endpoint) { (client) async throws -> Void in
            await #expect(throws: ProverNetClientError.self) {
                _ = try await client.submit(
                    circuit: CircuitID(String(repeating: "0", count: 64)), inputs: ["{}"], maxPricePerJob: 1)
            }
            let circuit = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            do {
                _ = try await client.submit(
                    circuit: circuit.id, inputs: ["{\"x\": \"1\", \"y\": \"2\"}", "{\"x\": \"oops\"}"],
                    maxPricePerJob: 1)
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
        try await ProverNetClient.withClient(endpoint: await network.endpoint, configuration: unlimited) {
            (client) async throws -> Void in
            let circuit = try await client.registerSyntheticCircuit(constraints: 100, name: "test")
            let input = #"{"x": "1", "y": "2"}"#
            let cases: [(inputs: [String], expected: String)] = [
                // A message over 4 MiB.
                (
                    [#"{"x": "1", "y": "2", "pad": ""# + String(repeating: "7", count: 5 << 20) + #""}"#],
                    "over the network's limit of 4194304 bytes"
                ),
                // One input over 1 MiB, in a message under the limit.
                (
                    [input, #"{"x": "1", "y": "2", "pad": ""# + String(repeating: "7", count: 2 << 20) + #""}"#],
                    "input 1"
                ),
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
                _ = try await client.submit(
                    circuit: circuit.id, inputs: [input, input], maxPricePerJob: 1, aggregate: true)
                Issue.record("a request for aggregation was accepted by a gateway without a reference string")
            } catch let error as ProverNetClientError {
                #expect("\(error)".contains("does not aggregate"), "\(error)")
            }
        }
        await network.clean()
    }

    @Test func devnetExitsZeroWhenEveryProofIsVerified() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-devnet-\(UUID().uuidString.prefix(8))")
        let result = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "devnet", "--dir", dir.path, "--exit-when-done", "--jobs", "3", "--constraints", "1000", "--timeout",
                "300",
            ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("VERIFIED"))
        #expect(result.stdout.contains("3 of 3 verify locally"))
        #expect(result.stdout.contains("one SnarkPack proof of all 3, verifies locally"), "\(result.stdout)")
        // The aggregate is shown as the aggregate, not as a fourth job, and the end says what it is once.
        #expect(result.stdout.contains("aggregate from"), "\(result.stdout)")
        #expect(!result.stdout.contains("job 3 proof"), "\(result.stdout)")
        #expect(result.stdout.contains("request done, 3/3 proofs verified"), "\(result.stdout)")
        // A directory given with --dir is kept.
        #expect(FileManager.default.fileExists(atPath: dir.path))
        // The gateway's audit log of the whole run chains and is signed at its shutdown; an entry changed with
        // the sqlite3 tool afterwards is named.
        let gateway = dir.appendingPathComponent("gateway").path
        let intact = try CommandRun.run(BuiltBinary.provernet, ["admin", "audit", "verify", "--data-dir", gateway])
        #expect(intact.status == 0, "\(intact.stdout)\n\(intact.stderr)")
        #expect(intact.stdout.contains("intact") && !intact.stdout.contains("not covered"), "\(intact.stdout)")
        let tail = try CommandRun.run(
            BuiltBinary.provernet, ["admin", "audit", "tail", "--data-dir", gateway, "--limit", "1000"])
        #expect(tail.stdout.contains("request.submitted") && tail.stdout.contains("ledger.prover_payment"))
        let sqlite = try CommandRun.run(
            URL(fileURLWithPath: "/usr/bin/sqlite3"),
            [dir.appendingPathComponent("gateway/gateway.sqlite").path, "UPDATE audit SET actor = 'x' WHERE seq = 3;"])
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        let broken = try CommandRun.run(BuiltBinary.provernet, ["admin", "audit", "verify", "--data-dir", gateway])
        #expect(broken.status == 1, "\(broken.stdout)\n\(broken.stderr)")
        #expect(broken.stdout.contains("broken at entry 3"), "\(broken.stdout)")
        if result.status == 0 { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func aDevnetWithDebugLoggingWritesNoSecretOutsideItsKeyFiles() throws {
        // The secrets a network has: its API keys (admin, client, viewer), the admin key's TOTP secret, the
        // gateway's sealing key (secrets.key) and audit signing key, and each prover's private key. None may
        // appear in any log, the database, the audit log or the output (issue 13).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-secrets-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "devnet", "--dir", dir.path, "--exit-when-done", "--jobs", "2", "--constraints", "200",
                "--log-level", "debug", "--timeout", "300",
            ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let files =
            FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL }.filter {
                (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            } ?? []
        let keyFiles = files.filter {
            ["audit.key", "prover.key", "secrets.key", "admin.key", "admin.totp", "client.key", "viewer.key"]
                .contains($0.lastPathComponent)
        }
        #expect(keyFiles.count >= 8, "\(keyFiles.map(\.path))")
        var secrets: [[UInt8]] = []
        for file in keyFiles {
            let bytes = [UInt8](try Data(contentsOf: file))
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let raw = [UInt8](hex: text) {
                secrets += [Array(text.utf8), Array(text.uppercased().utf8), raw]
            } else if text.hasPrefix("pnk_") {
                // An API key, and its secret half alone.
                secrets += [Array(text.utf8), Array(text.suffix(64).utf8)]
            } else if file.lastPathComponent == "admin.totp", let raw = Base32.decode(text) {
                secrets += [Array(text.utf8), raw, Array(raw.hex.utf8)]
            } else {
                secrets += [bytes, Array(bytes.hex.utf8)]
            }
        }
        let scanned = files.filter { !keyFiles.contains($0) }
        #expect(scanned.count > 5)
        for file in scanned {
            let bytes = [UInt8](try Data(contentsOf: file))
            for secret in secrets where Self.contains(bytes, secret) {
                Issue.record("a secret of \(keyFiles.map(\.lastPathComponent)) is in \(file.path)")
            }
        }
        for secret in secrets {
            #expect(!Self.contains(Array((result.stdout + result.stderr).utf8), secret))
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    @Test func devnetRemovesTheDirectoryItChoseOnceEveryProofIsVerified() throws {
        let result = try CommandRun.run(
            BuiltBinary.provernet,
            [
                "devnet", "--exit-when-done", "--jobs", "1", "--constraints", "200", "--no-aggregation", "--timeout",
                "300",
            ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let directory = result.stdout.split(separator: "\n").first { $0.hasPrefix("ProverNet devnet in ") }
            .map { String($0.dropFirst("ProverNet devnet in ".count)) }
        let path = try #require(directory)
        #expect(result.stdout.contains("removed \(path)"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
