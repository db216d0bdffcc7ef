import ProverNetCore
import Testing

@testable import Store

/// The reputation events (`v10-reputation`) on both stores: written with their batch, read back in the order they
/// were committed and from a time on, so that the records folded from them are the job book's.
@Suite struct ReputationStoreTests {
    @Test(arguments: StoreKind.available)
    func eventsAreReadBackInCommitOrderFromATimeOn(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: true)
        let store = scratch.store
        let op = "0x00000000000000000000000000000000000000AA"
        let written: [ReputationEvent] = [
            ReputationEvent(prover: "p1", operatorAddress: op, kind: .onTime, atMillis: 10, jobID: "r1/0"),
            ReputationEvent(prover: "p1", operatorAddress: op, kind: .rejected, atMillis: 20, jobID: "r1/1"),
            ReputationEvent(prover: "p1", operatorAddress: op, kind: .slashed, atMillis: 20, jobID: "r1/1"),
            ReputationEvent(prover: "p2", operatorAddress: nil, kind: .late, atMillis: 15),
        ]
        var first = StoreChanges()
        first.reputation = Array(written.prefix(2))
        try await store.commit(first)
        var second = StoreChanges()
        second.reputation = Array(written.dropFirst(2))
        try await store.commit(second)
        let read = try await store.reputationEvents(since: 0)
        #expect(read == written)
        #expect(read[0].operatorAddress == op.lowercased())
        // From a time on: the later events, still in commit order (not sorted by time).
        #expect(try await store.reputationEvents(since: 15) == Array(written.dropFirst()))
        #expect(try await store.reputationEvents(since: 21).isEmpty)
        // The fold of what was read is the fold of what was written.
        let halfLife: Int64 = 1_000
        #expect(
            ReputationRecord(events: read.filter { $0.prover == "p1" }, halfLifeMillis: halfLife)
                == ReputationRecord(events: written.filter { $0.prover == "p1" }, halfLifeMillis: halfLife))
        try await store.close()
        await scratch.remove()
    }
}
