import Foundation
import Logging
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

/// A gateway that follows hears its provers' assignments on one LISTEN connection; PostgreSQL keeps no notice for
/// a listener that is not there, so what the leader notifies while that connection is being made again is lost.
/// The follower reads the assignments again from the database whenever LISTEN is active again (and every heartbeat
/// interval): its prover gets them at once, not when their leases lapse (issue 17). Real processes, the throwaway
/// PostgreSQL, the follower's LISTEN backend cut by `pg_terminate_backend`.
extension NetworkTests {
    @Test(
        .enabled(
            if: PostgresTestCluster.sharedURL != nil || PostgresTestCluster.required,
            "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL"))
    func aGatewayOnPostgreSQLWhoseListenConnectionIsCutStillSendsItsProverEveryAssignment() async throws {
        let shared = try #require(PostgresTestCluster.sharedURL, "PROVERNET_TEST_POSTGRES_URL is not set")
        let url = try PostgresTestCluster.createDatabase(on: shared)
        let logger = Logger(label: "provernet.test.gateways")
        let settings = ProcessNetwork.Settings(database: url)
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
        let portB = try await network.startPeerGateway("gateway-b")
        try await network.addProvers(["prover-b"])
        try await network.route("prover-b", through: "127.0.0.1:\(portB)")
        try await network.startProver("prover-b")
        let proverB = try await network.proverID("prover-b")
        try await network.waitForProvers(["prover-b"])
        let a = await network.endpoint
        let circuit = try await ProverNetClient.withClient(endpoint: a) { client in
            try await client.registerSyntheticCircuit(constraints: 500, name: "test").id
        }
        // Only a follower listens on the assignments' channel: this is B's LISTEN connection.
        let listener = "application_name = 'provernet-listen-provernet_assign' AND datname = current_database()"

        let rounds = 4
        let inputs = 2
        for round in 0..<rounds {
            // Cut B's LISTEN connection (once it is there again), then submit at once: the round that leases the
            // jobs, and its notices, come while B waits to listen again (500 ms), so they are lost.
            var cut = ""
            let waiting = ContinuousClock.now
            while cut != "t", ContinuousClock.now - waiting < .seconds(30) {
                cut = try PostgresTestCluster.sql(
                    on: url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE \(listener)")
                if cut != "t" { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(cut == "t", "B's LISTEN connection was not found to cut (round \(round)): \(cut)")
            let submitted = ContinuousClock.now
            let status = try await ProverNetClient.withClient(endpoint: a) {
                (client) async throws -> RequestStatus in
                let id = try await client.submit(
                    circuit: circuit, inputs: syntheticInputs(inputs, offset: 100 * round), maxPricePerJob: 10
                ).id
                while true {
                    let status = try await client.request(id)
                    if status.state.isFinal || ContinuousClock.now - submitted > .seconds(60) { return status }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(status.state == .done, "round \(round): gateway-b log: \(network.logText(of: "gateway-b"))")
            #expect(status.jobs.allSatisfy { $0.state == .verified && $0.prover == proverB })
            logger.notice(
                "request done after B's LISTEN connection was cut",
                metadata: ["round": "\(round)", "submit_to_done": "\(ContinuousClock.now - submitted)"])
        }

        // The assignments whose notices were lost were read again and sent, each well before its lease (2 s in
        // these settings) could lapse; and none lapsed: the prover lost no lease (with the notices alone, each
        // lost one lapsed, and counted against the prover).
        let logB = network.logText(of: "gateway-b")
        let reread = logB.split(separator: "\n").filter { $0.contains("assignment read again from the database") }
        #expect(!reread.isEmpty, "no assignment was read again: \(logB)")
        let delays = reread.compactMap { line -> Int? in
            guard let range = line.range(of: "granted_to_send_ms") else { return nil }
            return Int(line[range.upperBound...].drop { !$0.isNumber && $0 != "-" }.prefix { $0.isNumber || $0 == "-" })
        }
        #expect(delays.count == reread.count)
        #expect(
            delays.allSatisfy { $0 < settings.leaseMillis },
            "an assignment read again reached the prover \(delays.max() ?? 0) ms after its lease was granted")
        let listing = try await ProverNetClient.withClient(endpoint: a) { client in
            try await client.listProvers().first { $0.id == proverB }
        }
        let prover = try #require(listing)
        #expect(prover.jobsLost == 0, "the prover lost \(prover.jobsLost) leases")
        #expect(prover.jobsVerified == UInt64(rounds * inputs))
        // Nothing was sent twice: each lease went to the prover once, by notice or by reading the database.
        let sentOnNotice = Self.notifyToSendMillis(logB).count
        #expect(
            sentOnNotice + reread.count == rounds * inputs,
            "\(sentOnNotice) assignments sent on a notice and \(reread.count) read again, for \(rounds * inputs) jobs")
        logger.notice(
            "lost notices measured",
            metadata: [
                "read_again": "\(reread.count)", "on_notice": "\(sentOnNotice)",
                "granted_to_send_max_ms": "\(delays.max() ?? -1)",
            ])
        await network.clean()
    }
}
