import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Testing

@testable import Store
@testable import StorePostgres

/// Several gateways on one PostgreSQL (issue 17, item 2), the pieces on the database's side: one market leader at
/// a time, fenced by its epoch; the free slots of provers on any gateway as rows; assignments notified to the
/// prover's own gateway when the round that made them is written.
@Suite struct MarketLeadershipTests {
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
    func oneGatewayLeadsAndAnotherTakesOverUnderANewEpochWhenItStops() async throws {
        let (database, a, b) = try await Self.twoGateways()
        let leaderA = MarketLeadership(store: a, gateway: "gateway-a", interval: .milliseconds(100))
        let runningA = Task { await leaderA.run() }
        #expect(try await Self.eventually { leaderA.role == .leader(epoch: 1) })
        let leaderB = MarketLeadership(store: b, gateway: "gateway-b", interval: .milliseconds(100))
        let runningB = Task { await leaderB.run() }
        // B tries again and again: it follows while A's session lives.
        try await Task.sleep(for: .milliseconds(500))
        #expect(leaderB.role == .follower)
        try await a.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        try await a.commitRound(
            StoreChanges(requests: [SQLiteStoreTests.request("req-1")]), leaderEpoch: 1, assignments: [])
        // A stops (its session ends with it, and the server releases the lock): B leads, under epoch 2. (A session
        // that the server terminates while idle was seen to leave postgres-nio's next query on it waiting for
        // ever when other connections were busy: not relied on here.)
        runningA.cancel()
        await runningA.value
        #expect(leaderA.role == .follower)
        #expect(try await Self.eventually { leaderB.role == .leader(epoch: 2) })
        // A round under the old epoch is refused and writes nothing; the new leader's goes through.
        await #expect {
            try await a.commitRound(
                StoreChanges(requests: [SQLiteStoreTests.request("req-2")]), leaderEpoch: 1, assignments: [])
        } throws: { Self.isFenced($0) }
        #expect(try await b.request(id: "req-2") == nil)
        try await b.commitRound(
            StoreChanges(requests: [SQLiteStoreTests.request("req-3")]), leaderEpoch: 2, assignments: [])
        #expect(try await a.request(id: "req-3") != nil)
        runningB.cancel()
        await runningB.value
        #expect(leaderA.role == .follower && leaderB.role == .follower)
        try await a.close()
        try await b.close()
        await TestPostgres.dropDatabase(database)
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

    @Test(.enabled(if: serverGiven, TestPostgres.skipReason))
    func anAssignmentReachesTheProversGatewayWhenItsRoundIsWritten() async throws {
        let (database, a, b) = try await Self.twoGateways()
        let leader = MarketLeadership(store: a, gateway: "gateway-a", interval: .milliseconds(100))
        let leading = Task { await leader.run() }
        #expect(try await Self.eventually { leader.role == .leader(epoch: 1) })
        try await a.insertCircuit(SQLiteStoreTests.circuit, createdMillis: 5)
        // Bounded (a deadline that does not count starvation), so that a notice that never comes fails the test
        // instead of hanging it.
        let received = try await PostgresStore.before(
            ContinuousClock.now + .seconds(120), operation: "wait for the assignment"
        ) {
            try await b.withAssignments(for: "gateway-b") { notices in
                // A round under a stale epoch is refused: its notice is never sent.
                await #expect {
                    try await a.commitRound(
                        StoreChanges(requests: [SQLiteStoreTests.request("req-0")]), leaderEpoch: 7,
                        assignments: [AssignmentNotice(gateway: "gateway-b", job: "req-0/0", epoch: 1)])
                } throws: { Self.isFenced($0) }
                try await a.commitRound(
                    StoreChanges(
                        requests: [SQLiteStoreTests.request("req-1")], jobs: SQLiteStoreTests.jobs(of: "req-1")),
                    leaderEpoch: 1,
                    assignments: [
                        AssignmentNotice(gateway: "gateway-c", job: "req-1/0", epoch: 1),
                        AssignmentNotice(gateway: "gateway-b", job: "req-1/1", epoch: 1),
                    ])
                var iterator = notices.makeAsyncIterator()
                return try await iterator.next()
            }
        }
        #expect(received == AssignmentNotice(gateway: "gateway-b", job: "req-1/1", epoch: 1))
        #expect(try await b.request(id: "req-0") == nil)
        #expect(try await b.jobs(requestID: "req-1") == SQLiteStoreTests.jobs(of: "req-1"))
        leading.cancel()
        await leading.value
        try await a.close()
        try await b.close()
        await TestPostgres.dropDatabase(database)
    }
}
