import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Synchronization
import Testing

@testable import Store
@testable import StorePostgres

/// Several gateways on one PostgreSQL (issue 17, item 2), the pieces on the database's side (`SharedMarketStore`):
/// the free slots of provers on any gateway as rows; notices to the prover's own gateway sent only when the batch
/// that made them is written by the database's writer (its epoch fences them); the provers' messages in the
/// leader's inbox.
@Suite struct SharedMarketStoreTests {
    static var serverGiven: Bool { TestPostgres.isConfigured || TestPostgres.required }

    /// Two gateways' stores on one fresh database.
    static func twoGateways() async throws -> (TestPostgres.Database, PostgresStore, PostgresStore) {
        let database = try await TestPostgres.createDatabase()
        let configuration = try PostgresStoreConfiguration(url: database.url)
        let a = try await PostgresStore.openShared(configuration)
        let b = try await PostgresStore.openShared(configuration)
        return (database, a, b)
    }

    /// Whether `condition` comes to hold; polls counted, not time, so that a starved process does not give up
    /// early.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<600 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    static func isFenced(_ error: any Error) -> Bool {
        guard case .write(let reason) = error as? StoreError else { return false }
        return reason.contains("fenced")
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func freeSlotsOfProversOnEveryGatewayAreRowsTheLeaderReads() async throws {
        let (database, a, b) = try await Self.twoGateways()
        try await a.publishSlots(
            ProverSlots(
                prover: "p1", gateway: "gateway-a", slotsFree: 2, askJSON: "{\"price\":1}", heartbeatMillis: 1_000))
        try await b.publishSlots(
            ProverSlots(prover: "p2", gateway: "gateway-b", slotsFree: 1, askJSON: "{}", heartbeatMillis: 1_000))
        try await b.publishSlots(
            ProverSlots(prover: "p3", gateway: "gateway-b", slotsFree: 4, askJSON: "{}", heartbeatMillis: 10))
        // Only provers heard from lately count.
        #expect(try await a.freeSlots(heardSince: 500).map(\.prover) == ["p1", "p2"])
        // p1 moves to gateway B; A's withdrawal when it saw p1 go does not remove B's row.
        try await b.publishSlots(
            ProverSlots(prover: "p1", gateway: "gateway-b", slotsFree: 0, askJSON: "{}", heartbeatMillis: 2_000))
        try await a.withdrawSlots(prover: "p1", gateway: "gateway-a")
        #expect(
            try await a.freeSlots(heardSince: 500) == [
                ProverSlots(prover: "p1", gateway: "gateway-b", slotsFree: 0, askJSON: "{}", heartbeatMillis: 2_000),
                ProverSlots(prover: "p2", gateway: "gateway-b", slotsFree: 1, askJSON: "{}", heartbeatMillis: 1_000),
            ])
        try await b.withdrawSlots(prover: "p2", gateway: "gateway-b")
        #expect(try await a.freeSlots(heardSince: 0).map(\.prover) == ["p1", "p3"])
        try await a.close()
        try await b.close()
        await TestPostgres.dropDatabase(database)
    }

    /// What a listener heard.
    final class Heard: Sendable {
        let payloads = Mutex<[String]>([])
        let listening = Mutex(false)
    }

    /// Listens on `channel` of `store` in a task of its own, once LISTEN is active.
    static func listening(_ store: PostgresStore, _ channel: SharedMarketChannel) async throws -> (
        Heard, Task<Void, Never>
    ) {
        let heard = Heard()
        let task = Task<Void, Never> {
            try? await store.listen(
                on: channel, listening: { heard.listening.withLock { $0 = true } },
                { payload in heard.payloads.withLock { $0.append(payload) } })
        }
        #expect(try await Self.eventually { heard.listening.withLock { $0 } })
        return (heard, task)
    }

    static func notices(_ heard: Heard) -> [GatewayNotice] {
        heard.payloads.withLock { $0 }.compactMap {
            try? JSONDecoder().decode(GatewayNotice.self, from: Data($0.utf8))
        }
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func aNoticeReachesTheProversGatewayOnlyWhenItsBatchIsWritten() async throws {
        let database = try await TestPostgres.createDatabase()
        let writer = try await PostgresStore.open(url: database.url, writer: "gateway-a")
        let follower = try await PostgresStore.openShared(try PostgresStoreConfiguration(url: database.url))
        let (heard, listener) = try await Self.listening(follower, .assignments)
        try await writer.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        func notice(_ job: String) -> GatewayNotice {
            GatewayNotice(
                gateway: "gateway-b", prover: "p1", session: "s1", kind: .assign, job: job, epoch: 1, sentMillis: 9)
        }
        var round = StoreChanges(
            requests: [SQLiteStoreTests.request("req-1")], jobs: SQLiteStoreTests.jobs(of: "req-1"))
        round.notices = [notice("req-1/0")]
        try await writer.commit(round)
        #expect(try await Self.eventually { Self.notices(heard) == [notice("req-1/0")] })
        // The writer loses its lock and another takes over: its batch is refused, and its notice never sent.
        let keeping = try #require(writer.keeper.withLock { $0 })
        keeping.cancel()
        await keeping.value
        let next = try await PostgresStoreTests.openOnceFree(url: database.url, writer: "gateway-c")
        var stale = StoreChanges(requests: [SQLiteStoreTests.request("req-2")])
        stale.notices = [notice("req-2/0")]
        await #expect {
            try await writer.commit(stale)
        } throws: { Self.isFenced($0) }
        var fresh = StoreChanges(requests: [SQLiteStoreTests.request("req-3")])
        fresh.notices = [notice("req-3/0")]
        try await next.commit(fresh)
        // Notices come in the order of their commits: the stale one would have come before this one.
        #expect(try await Self.eventually { Self.notices(heard).count == 2 })
        #expect(Self.notices(heard) == [notice("req-1/0"), notice("req-3/0")])
        // One sent at once, outside a batch, reaches it too.
        try await next.notify(notice("req-3/1"))
        #expect(try await Self.eventually { Self.notices(heard).last == notice("req-3/1") })
        listener.cancel()
        try await writer.close()
        try await next.close()
        try await follower.close()
        await TestPostgres.dropDatabase(database)
    }

    /// What a follower reads again when a notice may have been lost: the jobs leased to its provers and not started
    /// (a started lease's prover has it; a verified, pending or cancelled job is no one's to send).
    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func theJobsAssignedToAFollowersProversAreReadWithTheirLeases() async throws {
        let database = try await TestPostgres.createDatabase()
        let writer = try await PostgresStore.open(url: database.url, writer: "gateway-a")
        let follower = try await PostgresStore.openShared(try PostgresStoreConfiguration(url: database.url))
        try await writer.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        var jobs = SQLiteStoreTests.jobs(of: "req-1")
        func lease(_ prover: ProverID, epoch: Int64, started: Bool) -> Lease {
            Lease(
                prover: prover, epoch: epoch, grantedMillis: 2_000, expiresMillis: 10_000, price: Amount(units: 7),
                charge: Amount(units: 9), started: started)
        }
        // Job 0 assigned to p1 (not started), job 0 replica 1 started by p1 (from the fixture), job 1 replica 1
        // assigned to p2; the others verified or cancelled.
        jobs[0].state = .leased(lease("p1", epoch: 1, started: false))
        jobs[0].epoch = 1
        jobs[3].state = .leased(lease("p2", epoch: 3, started: false))
        jobs[3].epoch = 3
        try await writer.commit(StoreChanges(requests: [SQLiteStoreTests.request("req-1")], jobs: jobs))

        let both = try await follower.assignedJobs(provers: ["p1", "p2", "p9"])
        #expect(both.map(\.id) == [jobs[0].id, jobs[3].id])
        #expect(
            both.map { $0.state.lease } == [
                lease("p1", epoch: 1, started: false), lease("p2", epoch: 3, started: false),
            ])
        #expect(try await follower.assignedJobs(provers: ["p2"]).map(\.id) == [jobs[3].id])
        #expect(try await follower.assignedJobs(provers: ["p9"]).isEmpty)
        #expect(try await follower.assignedJobs(provers: []).isEmpty)
        try await writer.close()
        try await follower.close()
        await TestPostgres.dropDatabase(database)
    }

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func aFollowersProverMessagesReachTheLeadersInboxAndOnlyTheWriterRemovesThem() async throws {
        let database = try await TestPostgres.createDatabase()
        let leader = try await PostgresStore.open(url: database.url, writer: "gateway-a")
        let follower = try await PostgresStore.openShared(try PostgresStoreConfiguration(url: database.url))
        let (heard, listener) = try await Self.listening(leader, .inbox)
        // A gateway that follows writes nothing of the market, but posts its provers' messages.
        try await follower.postToLeader(gateway: "gateway-b", prover: "p1", message: [1, 2, 3])
        try await follower.postToLeader(gateway: "gateway-b", prover: "p2", message: [0, 255])
        #expect(try await Self.eventually { heard.payloads.withLock { $0.count } == 2 })
        let inbox = try await leader.leaderInbox(limit: 10)
        #expect(inbox.map(\.prover) == ["p1", "p2"] && inbox.map(\.message) == [[1, 2, 3], [0, 255]])
        #expect(inbox.allSatisfy { $0.gateway == "gateway-b" })
        #expect(try await leader.leaderInbox(limit: 1) == [inbox[0]])
        // Only the writer takes messages out.
        await #expect(throws: StoreError.self) { try await follower.removeFromInbox(ids: [inbox[0].id]) }
        try await leader.removeFromInbox(ids: [inbox[0].id])
        #expect(try await follower.leaderInbox(limit: 10) == [inbox[1]])
        listener.cancel()
        try await leader.close()
        try await follower.close()
        await TestPostgres.dropDatabase(database)
    }
}
