import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNetVerify
import TestSupport
import Testing

/// A gateway on PostgreSQL (`provernet gateway --database postgres://…`), end to end: real processes, on the
/// tests' throwaway PostgreSQL (`scripts/test` starts it; its database `provernet` is this test's alone). In CI a
/// missing server fails the test instead of skipping it.
extension NetworkTests {
    @Test(
        .enabled(
            if: PostgresTestCluster.sharedURL != nil || PostgresTestCluster.required,
            "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL"))
    func aGatewayOnPostgreSQLProvesAndKeepsItsStateAcrossARestart() async throws {
        let url = try #require(PostgresTestCluster.sharedURL, "PROVERNET_TEST_POSTGRES_URL is not set")
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet, settings: .init(database: url))
        try await network.startNewProver("prover-a")
        try await network.waitForProvers(1)
        let (first, _) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestID, CircuitID) in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "test")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(3), maxPricePerJob: 10)
            _ = try await watchToEnd(client, submitted.id)
            return (submitted.id, circuit.id)
        }
        // Its state is in PostgreSQL, not in a file of the data directory.
        #expect(!FileManager.default.fileExists(atPath: await network.databasePath))
        // SIGKILL, then a new gateway process on the same database: the proven request is there, whole.
        await network.killGateway()
        try await network.startGateway()
        try await network.waitForProvers(1)
        let proofs = network.root.appendingPathComponent("proofs")
        let (status, verification) = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
            (client) async throws -> (RequestStatus, FetchVerification) in
            let status = try await client.request(first)
            _ = try await client.fetch(first, to: proofs)
            return (status, try ProverNetClient.verifyFetched(at: proofs))
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(status.jobs.count == 3 && status.jobs.allSatisfy { $0.state == .verified })
        #expect(verification.checks.count == 3 && verification.allValid)
        // The audit log on PostgreSQL verifies with the gateway's key, as on SQLite.
        let verify = try CommandRun.run(
            BuiltBinary.provernet,
            ["admin", "audit", "verify", "--database", url, "--data-dir", network.gatewayDirectory.path])
        #expect(verify.status == 0 && verify.stdout.contains("intact"), "\(verify.stdout) \(verify.stderr)")
        await network.clean()
    }
}
