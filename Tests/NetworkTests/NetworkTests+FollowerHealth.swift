import Foundation
import ProverNetTesting
import TestSupport
import Testing

/// A gateway that follows another on one PostgreSQL answers its probes as what it is: ready once it follows,
/// naming its role and the leader it follows; not ready while it cannot reach the database (issue 17). Real
/// processes and HTTP, the throwaway PostgreSQL (the test's database refused, then allowed again).
extension NetworkTests {
    @Test(
        .enabled(
            if: PostgresTestCluster.sharedURL != nil || PostgresTestCluster.required,
            "PROVERNET_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL"))
    func aGatewayOnPostgreSQLThatFollowsIsReadyNamingItsLeaderAndNotWithoutItsDatabase() async throws {
        let shared = try #require(PostgresTestCluster.sharedURL, "PROVERNET_TEST_POSTGRES_URL is not set")
        let url = try PostgresTestCluster.createDatabase(on: shared)
        let database = try #require(URL(string: url)?.path.dropFirst().description)
        let network = try await ProcessNetwork.started(
            executable: BuiltBinary.provernet,
            settings: .init(gatewayArguments: ["--health-port", "0"], database: url))
        let portA = await network.port
        let healthA = try #require(await network.healthPort, "the leader's first line has no health_port")
        try await network.startPeerGateway("gateway-b")
        let healthB = try #require(await network.peerHealthPort("gateway-b"), "B's first line has no health_port")

        // The leader says it leads; the follower is ready and names the leader's advertised address.
        let leader = try await HealthTests.waitForState(healthA, "ready")
        #expect(leader["role"] as? String == "leader", "\(leader)")
        #expect(await HealthTests.get(healthA, "/readyz").map { "\($0.status) \($0.body)" } == "200 ok: leader\n")
        let follower = try await HealthTests.waitForState(healthB, "ready")
        #expect(follower["role"] as? String == "follower" && follower["ready"] as? Bool == true, "\(follower)")
        #expect(follower["leader"] as? String == "127.0.0.1:\(portA)", "\(follower)")
        #expect(follower["database"] as? String == "ok" && follower["live"] as? Bool == true)
        let ready = await HealthTests.get(healthB, "/readyz")
        #expect(
            ready?.status == 200 && ready?.body == "ok: follower of 127.0.0.1:\(portA)\n",
            "\(String(describing: ready))")

        // No database: the server refuses the test's database and cuts its sessions. B is not ready (and says
        // why), though it still listens and lives.
        try PostgresTestCluster.sql(on: shared, "ALTER DATABASE \"\(database)\" ALLOW_CONNECTIONS false")
        try PostgresTestCluster.sql(
            on: shared, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(database)'")
        let cut = try await HealthTests.waitFor(healthB, "B unavailable without its database", timeout: 30) {
            $0["state"] as? String == "unavailable"
        }
        #expect(cut["ready"] as? Bool == false && cut["database"] as? String != "ok", "\(cut)")
        #expect(cut["live"] as? Bool == true)
        let notReady = await HealthTests.get(healthB, "/readyz")
        #expect(notReady?.status == 503 && notReady?.body == "unavailable\n", "\(String(describing: notReady))")

        // The database back: B is ready again (following, or leading if it took the lock meanwhile).
        try PostgresTestCluster.sql(on: shared, "ALTER DATABASE \"\(database)\" ALLOW_CONNECTIONS true")
        let back = try await HealthTests.waitForState(healthB, "ready", timeout: 60)
        #expect(back["database"] as? String == "ok", "\(back)")
        await network.clean()
    }
}
