import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests one after another: these start whole networks.
extension NetworkTests {
    /// Slashing with real processes: a prover that sends a wrong proof loses its bond, its operator's stake drops
    /// by it at once and the ledger says why, and the job is proven elsewhere; a prover that stops while it holds a
    /// job loses the smaller share, half of which the prover that completes the job receives.
    @Suite struct SlashingTests {
        typealias Ops = OperatorTests
        static let stake = 1000

        /// A network with one standalone operator holding `stake`, and a helper that starts its provers.
        static func network() async throws -> (ProcessNetwork, operatorKey: String, address: String) {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: ["--require-operators", "--network", "testnet"]))
            let op = try Ops.operatorKey(network, "acme")
            try await Ops.admin(network, ["allow-operator", "--address", op.address, "--name", "acme"])
            try await Ops.admin(network, ["set-stake", "--address", op.address, "--stake", "\(stake)"])
            return (network, op.path, op.address)
        }

        static func startProver(
            _ network: ProcessNetwork, _ name: String, operatorKey: String, extra: [String] = []
        ) async throws {
            let key = try await Ops.proverKey(network, name)
            let authorization = try Ops.authorize(
                network, operatorKey: operatorKey, proverKey: key, file: "\(name).json")
            try await network.startProver(name, extra: ["--authorization", authorization] + extra)
        }

        /// The slashes in the gateway's ledger (read from its database beside it), with their evidence.
        static func slashes(_ network: ProcessNetwork) async throws -> [(Transfer, SlashEvidence)] {
            let store = try SQLiteStore(path: await network.databasePath)
            defer { Task { try? await store.close() } }
            return try await store.transfers(after: 0, limit: 10_000).filter {
                $0.reason == .slash || $0.reason == .bounty
            }
            .map { ($0, try JSONDecoder().decode(SlashEvidence.self, from: Data($0.note.utf8))) }
        }

        static func submit(_ network: ProcessNetwork, _ count: Int, offset: Int) async throws -> RequestID {
            try await ProverNetClient.withClient(endpoint: await network.clientEndpoint) {
                (client) async throws -> RequestID in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "slashing")
                return try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(count, offset: offset), maxPricePerJob: 10
                ).id
            }
        }

        static func waitDone(_ network: ProcessNetwork, _ request: RequestID) async throws -> RequestPhase {
            try await ProverNetClient.withClient(endpoint: await network.clientEndpoint) {
                (client) async throws -> RequestPhase in
                _ = try await NetworkTests().watchToEnd(client, request)
                return try await client.request(request).state
            }
        }

        /// Polls until `condition` holds of the slashes, or throws after `timeout` seconds.
        static func waitForSlashes(
            _ network: ProcessNetwork, timeout: Double = 60, _ condition: ([(Transfer, SlashEvidence)]) -> Bool
        ) async throws -> [(Transfer, SlashEvidence)] {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let found = try await slashes(network)
                if condition(found) { return found }
                if Date() >= deadline {
                    throw NetworkTestError("no such slash in \(timeout) s: \(found.map(\.1))")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }

        /// The operator's stake as `admin operators` lists it, once it equals `expected` (or throws).
        static func waitForStake(_ network: ProcessNetwork, _ address: String, _ expected: String) async throws {
            let deadline = Date().addingTimeInterval(30)
            var last = ""
            while Date() < deadline {
                last =
                    try await Ops.operators(network).first { $0.address.lowercased() == address.lowercased() }?
                    .stake ?? ""
                if last == expected { return }
                try await Task.sleep(for: .milliseconds(250))
            }
            throw NetworkTestError("the operator's stake is \(last), not \(expected)")
        }

        @Test func aWrongProofIsSlashedItsStakeDropsAtOnceAndTheJobIsProvenElsewhere() async throws {
            let (network, operatorKey, address) = try await Self.network()
            // The liar asks less, so it wins the first jobs; the honest prover is there to take them back (with the
            // liar alone, a job it failed would fail at once: no connected prover could prove it).
            try await Self.startProver(
                network, "liar", operatorKey: operatorKey,
                extra: ["--misbehave", "wrong-proof", "--ask", "0.1", "--slots", "2"])
            try await Self.startProver(network, "honest", operatorKey: operatorKey)
            try await network.waitForProvers(["liar", "honest"])
            let request = try await Self.submit(network, 3, offset: 11)
            let found = try await Self.waitForSlashes(network) { $0.contains { $0.1.kind == .invalidProof } }
            let (slash, evidence) = try #require(found.first { $0.1.kind == .invalidProof })
            let liar = try await network.proverID("liar").rawValue
            #expect(evidence.prover == liar && evidence.operator == address.lowercased() && evidence.epoch >= 1)
            #expect(evidence.slashedUnits == evidence.bondUnits && slash.amount.units == evidence.bondUnits)
            #expect(!evidence.reason.isEmpty && evidence.proofSHA256?.count == 64 && slash.to == .slashed)
            // The honest prover of the same operator proves the jobs the liar failed.
            #expect(try await Self.waitDone(network, request) == .done)
            // The stake dropped by the slashes (in whole stake units, rounded up).
            let all = try await Self.slashes(network)
            #expect(all.allSatisfy { $0.1.kind == .invalidProof && $0.1.prover == liar })
            let slashed = all.filter { $0.0.from == .stake(address.lowercased()) }.reduce(Int64(0)) {
                $0 + $1.0.amount.units
            }
            let units = (slashed + Amount.unitsPerWhole - 1) / Amount.unitsPerWhole
            try await Self.waitForStake(network, address, "\(Int64(Self.stake) - units)")
            let ledger = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.ledger()
            }
            #expect(ledger.balances && ledger.slashedUnits == slashed)

            // Its reputation fell under the network's floor (0.5 by default), as `admin provers` shows it, and its
            // operator's with it; the honest prover's did not.
            let reputations = try await Self.reputations(network)
            let honest = try await network.proverID("honest").rawValue
            let (liarReputation, honestReputation) = (
                try #require(reputations[liar]), try #require(reputations[honest])
            )
            #expect(
                liarReputation < 0.5 && honestReputation >= 0.5 && liarReputation < honestReputation, "\(reputations)")
            let listed = try #require(
                try await Ops.operators(network).first { $0.address.lowercased() == address.lowercased() })
            #expect(listed.reputation < 0.9, "\(listed)") // under a newcomer's: it counts its provers' slashes
            // The next request: the liar still asks ten times less, but wins no job of it; the honest prover proves all.
            let next = try await Self.submit(network, 3, offset: 31)
            #expect(try await Self.waitDone(network, next) == .done)
            let store = try SQLiteStore(path: await network.databasePath)
            let jobs = try await store.jobs(requestID: next)
            let events = try await store.reputationEvents(since: 0)
            try await store.close()
            #expect(jobs.allSatisfy { $0.state.verified?.lease.prover.rawValue == honest }, "\(jobs.map(\.state))")
            let liarEvents = events.filter { $0.prover.rawValue == liar }
            #expect(!liarEvents.contains { $0.jobID?.requestID == next }, "\(liarEvents)")
            #expect(try await Self.slashes(network).count == all.count) // no new slash: it was given no job
            await network.clean()
        }

        @Test(arguments: [
            (["--reputation-floor", "2"], "reputation: the floor must be in 0…1"),
            (["--reputation-prior-jobs", "0"], "reputation: the prior's weight in jobs must be positive"),
            (["--reputation-half-life-seconds", "0"], "gateway.reputationHalfLifeSeconds = 0.0 is not a positive"),
            (["--reputation-step", "1.5"], "reputation: the step must be in 0…1 and positive"),
        ])
        func aReputationSettingOutOfRangeIsRefusedNamingIt(_ flags: [String], _ message: String) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("provernet-rep-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try CommandRun.run(
                BuiltBinary.provernet, ["gateway", "--data-dir", directory.path, "--dev-tls"] + flags)
            #expect(run.status == 2 && run.stderr.contains(message), "\(run.stderr)")
        }

        /// Each prover's reputation as `admin provers` prints it.
        static func reputations(_ network: ProcessNetwork) async throws -> [String: Double] {
            let printed = try Ops.succeed(
                ["admin", "provers", "--gateway", "127.0.0.1:\(await network.port)", "--ca", await network.caPath],
                key: await network.keys?.viewer)
            var reputations: [String: Double] = [:]
            for line in printed.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let id = object?["prover_id"] as? String, let reputation = object?["reputation"] as? Double {
                    reputations[id] = reputation
                }
            }
            return reputations
        }

        @Test func aProverStoppedHoldingAJobIsSlashedTheSmallerShareAndTheCompleterGetsItsPart() async throws {
            let (network, operatorKey, _) = try await Self.network()
            try await Self.startProver(network, "victim", operatorKey: operatorKey)
            try await network.waitForProvers(1)
            // Frozen while connected: it is still offered the job, takes the lease, and never proves it.
            try await network.pauseProver("victim")
            let request = try await Self.submit(network, 1, offset: 23)
            let found = try await Self.waitForSlashes(network) { $0.contains { $0.1.kind == .lapsedLease } }
            try await network.killProver("victim")
            let victim = try await network.proverID("victim").rawValue
            let lapse = found.filter { $0.1.kind == .lapsedLease }
            #expect(lapse.allSatisfy { $0.1.prover == victim })
            let first = try #require(lapse.first)
            // A quarter of the bond, half of it set aside for whoever completes the job.
            #expect(first.1.slashedUnits == first.1.bondUnits * 2_500 / 10_000)
            #expect(lapse.contains { $0.0.reason == .bounty })
            try await Self.startProver(network, "completer", operatorKey: operatorKey)
            #expect(try await Self.waitDone(network, request) == .done)
            let completer = try await network.proverID("completer")
            let store = try SQLiteStore(path: await network.databasePath)
            let transfers = try await store.transfers(requestID: request)
            // Every lapse's bounty (the frozen prover may have taken the job more than once before it was killed).
            let set = transfers.filter { $0.reason == .bounty }.reduce(Amount.zero) { $0 + $1.amount }
            let paid = transfers.filter { $0.reason == .bountyPaid }
            #expect(paid.count == 1 && paid.first?.to == .earnings(completer) && paid.first?.amount == set)
            #expect(try await store.ledgerProblems().isEmpty)
            try? await store.close()
            await network.clean()
        }
    }
}
