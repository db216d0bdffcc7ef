import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests and nested suites one after another: these start whole
// networks (and a browser); run beside the other network tests on a two-core machine they slowed one of those to
// 131 s, and it failed once.
extension NetworkTests {
    /// `GET /metrics` of a real gateway and two real provers, as Prometheus scrapes them: the text passes
    /// `promtool check metrics`, and the counters move as a request is proven.
    @Suite struct MetricsTests {
        /// GET /metrics of the process listening on `port`, read.
        static func scrape(_ port: Int) async throws -> Exposition {
            guard let (status, body) = await HealthTests.get(port, "/metrics") else {
                throw NetworkTestError("nothing answers /metrics on \(port)")
            }
            #expect(status == 200)
            return try Exposition(body)
        }

        /// Runs `promtool check metrics` on a scrape; records an issue if it finds anything. Without promtool it
        /// says so and checks nothing, except in CI, where that is a failure.
        static func promtoolCheck(_ scrape: Exposition, _ what: String) throws {
            guard let promtool = Promtool.path else {
                if Promtool.required {
                    Issue.record("promtool is not installed (scripts/setup installs Debian's prometheus package)")
                } else {
                    print("SKIPPED: promtool check metrics of \(what): promtool is not installed (run scripts/setup)")
                }
                return
            }
            let run = try CommandRun.run(promtool, ["check", "metrics"], stdin: scrape.text)
            #expect(
                run.status == 0 && run.stderr.isEmpty && run.stdout.isEmpty,
                "promtool check metrics of \(what): \(run.stdout) \(run.stderr)")
        }

        @Test func theGatewayAndTwoProversExposeMetricsThatPromtoolAcceptsAndThatMoveAsARequestIsProven() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--health-port", "0"]))
            let gatewayPort = try #require(await network.healthPort, "the gateway's first line has no health_port")
            var proverPorts: [Int] = []
            for name in ["prover-a", "prover-b"] {
                try await network.startNewProver(name, extra: ["--health-port", "0"])
                proverPorts.append(try await HealthTests.proverHealthPort(network, name))
            }
            try await network.waitForProvers(2)

            let before = try await Self.scrape(gatewayPort)
            try Self.promtoolCheck(before, "the gateway before any request")
            #expect(before.value("provernet_gateway_provers_connected") == 2)
            #expect(before.value("provernet_gateway_free_slots") == 2)
            #expect(before.value("provernet_gateway_database_up") == 1)
            #expect(before.value("provernet_gateway_requests_total") == nil)
            #expect(before.value("provernet_build_info", ["version": ProverNetVersion.software]) == 1)
            for counter in ["provernet_gateway_requests_total", "provernet_gateway_leases_granted_total"] {
                #expect(before.types[counter] == nil || before.types[counter] == "counter")
            }

            let (status, requestID) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
                (client) async throws -> (RequestStatus, RequestID) in
                let circuit = try await client.registerSyntheticCircuit(constraints: 1000, name: "metrics")
                // One refusal by the gateway: a redundancy over its limit of 16.
                await #expect(throws: (any Error).self) {
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: 10, redundancy: 17)
                }
                let submitted = try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(4), maxPricePerJob: 10)
                for try await _ in client.watch(request: submitted.id) {}
                return (try await client.request(submitted.id), submitted.id)
            }
            #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")

            let after = try await Self.scrape(gatewayPort)
            try Self.promtoolCheck(after, "the gateway after a request")
            // One class: the circuit's (its proof system and domain size).
            let classes = Set(
                after.samples.filter { $0.name == "provernet_gateway_leases_granted_total" }.compactMap {
                    $0.labels["class"]
                })
            #expect(classes.count == 1)
            let jobClass = try #require(classes.first)
            #expect(after.value("provernet_gateway_requests_total", ["state": "done"]) == 1)
            #expect(after.value("provernet_gateway_request_duration_seconds_count", ["state": "done"]) == 1)
            #expect(after.value("provernet_gateway_jobs_total", ["state": "verified"]) == 4)
            #expect(after.value("provernet_gateway_jobs_total", ["state": "assigned"]) == 4)
            // Started by the provers' first progress reports (lazy events, counted apart).
            #expect((after.value("provernet_gateway_jobs_total", ["state": "proving"]) ?? 0) >= 1)
            #expect(after.value("provernet_gateway_submissions_total") == 1)
            #expect(after.value("provernet_gateway_submission_refusals_total", ["reason": "invalid_argument"]) == 1)
            #expect((after.value("provernet_gateway_leases_granted_total", ["class": jobClass]) ?? 0) >= 4)
            #expect((after.value("provernet_gateway_auction_rounds_total", ["class": jobClass]) ?? 0) >= 1)
            #expect((after.value("provernet_gateway_auction_trades_total", ["class": jobClass]) ?? 0) >= 4)
            #expect((after.value("provernet_gateway_auction_duration_seconds_count") ?? 0) >= 1)
            #expect(after.value("provernet_gateway_time_to_first_assignment_seconds_count", ["class": jobClass]) == 4)
            #expect((after.value("provernet_gateway_clearing_price_units", ["class": jobClass]) ?? 0) > 0)
            #expect(after.value("provernet_gateway_verdicts_total", ["verdict": "accepted", "reason": "valid"]) == 4)
            #expect(after.value("provernet_gateway_verification_duration_seconds_count", ["kind": "prove"]) == 4)
            // The ledger's money, in integer units: what the client paid, split into payments and fees.
            let charged = try #require(after.value("provernet_gateway_ledger_units_total", ["kind": "client_charge"]))
            #expect(charged == Double(status.paid.units))
            let paid = after.value("provernet_gateway_ledger_units_total", ["kind": "prover_payment"]) ?? 0
            let fees = after.value("provernet_gateway_ledger_units_total", ["kind": "network_fee"]) ?? 0
            #expect(paid + fees == charged)
            #expect(after.value("provernet_gateway_prover_earnings_units_total") == paid)
            // Nothing waits (a class's series exists once a scrape saw it queued, and reads 0 once it empties).
            #expect((after.value("provernet_gateway_queue_depth", ["class": jobClass]) ?? 0) == 0)
            #expect(after.value("provernet_gateway_open_requests") == 0)
            // Bounded labels: no request or job id is one.
            #expect(!after.labelValues.contains { $0.contains(requestID.rawValue) })
            #expect(!after.text.contains(requestID.rawValue))

            // The provers: both proofs' counts add up to the request's, with their phases timed.
            var proofs = 0.0
            for (index, port) in proverPorts.enumerated() {
                let prover = try await Self.scrape(port)
                try Self.promtoolCheck(prover, "prover \(index)")
                #expect(prover.value("provernet_prover_slots") == 1)
                #expect(prover.value("provernet_prover_connected") == 1)
                #expect(prover.value("provernet_prover_state", ["state": "idle"]) == 1)
                #expect((prover.value("provernet_prover_memory_total_bytes") ?? 0) > 0)
                let proved = prover.value("provernet_prover_proofs_total") ?? 0
                #expect(
                    prover.value("provernet_prover_phase_duration_seconds_count", ["phase": "prove"]) ?? 0 == proved)
                #expect(prover.value("provernet_prover_verdicts_total", ["verdict": "accepted"]) ?? 0 == proved)
                proofs += proved
            }
            #expect(proofs == 4)
            await network.clean()
        }
    }
}
