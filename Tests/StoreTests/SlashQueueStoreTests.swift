import Foundation
import ProverNetCore
import Testing

@testable import Store

/// The queue of EigenLayer slashes on both stores: a transfer is queued once, every change of state is
/// conditional on the state read (a second writer is refused with `staleState`) and audited, and a row reads
/// back with every column.
@Suite struct SlashQueueStoreTests {
    static let op = "0x" + String(repeating: "cd", count: 20)

    @Test(arguments: StoreKind.available)
    func slashesAreQueuedOnceAndMoveOnlyFromTheStateRead(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: false)
        let store = try #require(scratch.store as? any SlashQueueStore)
        #expect(try await store.lastQueuedTransferID() == 0)
        let first = QueuedSlash(
            transferID: 7, operator: Self.op, amount: Amount(units: 1_250_000), evidence: #"{"kind":"lapsed-lease"}"#,
            queuedMillis: 100, sendAfterMillis: 60_100)
        var second = first
        second.transferID = 9
        second.amount = Amount(units: 5)
        let inserted = try await store.enqueueSlashes([first, second])
        #expect(inserted.map(\.transferID) == [7, 9])
        #expect(Set(inserted.map(\.id)).count == 2 && inserted.allSatisfy { $0.id > 0 && $0.state == .queued })
        // Queued again (a pass after a crash): nothing new.
        #expect(try await store.enqueueSlashes([first, second]).isEmpty)
        #expect(try await store.lastQueuedTransferID() == 9)
        #expect(try await store.queuedSlashes(states: []).count == 2)

        // queued → sending, with every column; read back the same.
        var sending = inserted[0]
        sending.state = .sending
        sending.nonce = 4
        sending.txHash = "0x" + String(repeating: "ee", count: 32)
        sending.rawTransaction = "0x02f8"
        sending.stakeRead = "340282366920938463463374607431768211456"
        sending.wad = "250000000000000000"
        sending.sentMillis = 61_000
        sending.updatedMillis = 61_000
        try await store.updateSlash(sending, from: .queued, actor: "gateway")
        #expect(try await store.queuedSlash(id: sending.id) == sending)
        // A second writer that read it queued is refused, typed, and changes nothing.
        var late = inserted[0]
        late.state = .cancelled
        late.reason = "too late"
        await #expect(
            throws: StoreError.staleState(
                table: "queued_slash", id: String(sending.id), state: "sending", expected: "queued")
        ) {
            try await store.updateSlash(late, from: .queued, actor: "key:admin")
        }
        #expect(try await store.queuedSlash(id: sending.id) == sending)
        await #expect(throws: StoreError.self) {
            var ghost = late
            ghost.id = 999
            try await store.updateSlash(ghost, from: .queued, actor: "key:admin")
        }

        var confirmed = sending
        confirmed.state = .confirmed
        confirmed.receiptBlock = 12
        confirmed.receiptStatus = 1
        confirmed.updatedMillis = 62_000
        try await store.updateSlash(confirmed, from: .sending, actor: "gateway")
        var cancelled = inserted[1]
        cancelled.state = .cancelled
        cancelled.reason = "the deadline was the client's fault"
        cancelled.actor = "key:admin"
        cancelled.updatedMillis = 63_000
        try await store.updateSlash(cancelled, from: .queued, actor: "key:admin")
        #expect(try await store.queuedSlashes(states: [.queued, .sending]).isEmpty)
        #expect(try await store.queuedSlashes(states: [.confirmed]) == [confirmed])
        #expect(try await store.queuedSlashes(states: [.cancelled]) == [cancelled])

        let entries = try await scratch.store.auditEntries(after: 0, limit: 100)
        #expect(
            entries.map(\.action) == [
                "slash.queued", "slash.queued", "slash.sending", "slash.confirmed", "slash.cancelled",
            ])
        let veto = try #require(entries.last)
        #expect(veto.actor == "key:admin" && veto.details.contains("the deadline was the client's fault"))
        #expect(try #require(entries.dropFirst(2).first).details.contains(sending.txHash ?? "-"))
        try await scratch.store.close()
        await scratch.remove()
    }
}
