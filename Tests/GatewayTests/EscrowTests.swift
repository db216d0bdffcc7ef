import Foundation
import ProverNetCore
import Store
import Testing

@_spi(Testing) @testable import Gateway

/// Client accounts and escrow: a request escrows its maximum cost when it is submitted, is charged out of the
/// escrow, and gets the rest back however it ends; the ledger balances after every event.
@Suite struct EscrowTests {
    typealias Fixture = JobBookTests.Fixture

    /// A fixture whose client `key` holds `credit`.
    static func fixture(credit: Amount, key: String = "k1") -> Fixture {
        var f = Fixture()
        f.accounts.apply([
            Transfer(atMillis: f.now, reason: .credit, from: .deposits, to: .client(key), amount: credit)
        ])
        return f
    }

    @Test func aRequestEscrowsItsMaximumCostIsPaidOutOfItAndGetsTheRestBack() throws {
        var f = Self.fixture(credit: 100)
        f.connect("a", ask: 1)
        f.connect("b", ask: 2)
        // 2 inputs × redundancy 2 at 10 each: 40 escrowed.
        let request = try f.submit(inputs: 2, redundancy: 2, maxPrice: 10, owner: "k1")
        #expect(f.accounts[.client("k1")] == 60 && f.accounts[.escrow(request)] == 40)
        var charged = Amount.zero
        var earned: [ProverID: Amount] = [:]
        while f.book.requests[request] != nil {
            let assigned = f.assigned(f.round())
            try #require(!assigned.isEmpty)
            for (prover, a) in assigned where f.book.jobs[a.job.id]?.state.lease != nil {
                _ = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch)
                if f.book.jobs[a.job.id]?.state.verified != nil || f.book.requests[request] == nil {
                    if f.written[a.job.id]?.state.verified != nil {
                        charged = charged + a.lease.charge
                        earned[prover, default: .zero] = earned[prover, default: .zero] + a.lease.price
                    }
                }
            }
        }
        // Two inputs charged (one replica each), the rest refunded; the escrow is empty.
        #expect(charged > .zero && charged <= 20)
        #expect(f.accounts[.escrow(request)] == .zero)
        #expect(f.accounts[.client("k1")] == Amount(whole: 100) - charged)
        for (prover, amount) in earned { #expect(f.accounts[.earnings(prover)] == amount) }
        #expect(f.accounts[.network] == charged - earned.values.reduce(.zero, +))
    }

    @Test func aCancelledRequestGetsBackAllItWasNotCharged() throws {
        var f = Self.fixture(credit: 50)
        f.connect("a", ask: 1)
        let request = try f.submit(inputs: 3, maxPrice: 5, owner: "k1")
        #expect(f.accounts[.escrow(request)] == 15)
        let assigned = f.assigned(f.round())
        let (prover, first) = try #require(assigned.first)
        _ = f.result(prover.rawValue, first.job.id, epoch: 1)
        let cancelled = f.book.cancel(request, now: f.now)
        let cancel = try #require(cancelled)
        _ = f.keep(cancel)
        let refund = try #require(cancel.changes.transfers.first { $0.reason == .refund })
        #expect(refund.amount == Amount(whole: 15) - first.lease.charge && refund.to == .client("k1"))
        #expect(f.accounts[.client("k1")] == Amount(whole: 50) - first.lease.charge)
    }

    @Test func anExpiredRequestGetsItsWholeEscrowBack() throws {
        var f = Self.fixture(credit: 10)
        f.connect("a")
        let request = try f.submit(inputs: 1, maxPrice: 10, deadlineSeconds: 10, owner: "k1")
        #expect(f.accounts[.client("k1")] == .zero)
        _ = f.round()
        f.now += 10_000
        _ = f.keep(f.book.tick(now: f.now))
        #expect(f.accounts[.client("k1")] == 10 && f.accounts[.escrow(request)] == .zero)
    }

    @Test func anAggregatingRequestEscrowsItsAggregationJobToo() throws {
        var f = Self.fixture(credit: 100)
        let request = try f.submit(inputs: 3, maxPrice: 4, aggregate: true, owner: "k1")
        #expect(f.accounts[.escrow(request)] == 16)
    }

    @Test func aRequestWithoutAKeyIsPrepaidFromDeposits() throws {
        var f = Fixture()
        let request = try f.submit(inputs: 2, maxPrice: 3)
        #expect(f.accounts[.escrow(request)] == 6 && f.accounts[.deposits] == Amount(whole: -6))
    }

    @Test func aMaximumCostPastTheLargestAmountIsRefused() throws {
        var f = Fixture()
        #expect(throws: SubmissionRefusal.self) {
            try f.submit(inputs: 4, maxPrice: Amount(units: Int64.max / 2), owner: "k1")
        }
    }
}

/// Escrow through the coordinator and a real store that checks the ledger after every transaction.
@Suite struct EscrowStoreTests {
    @Test func aRequestTheBalanceCannotCoverIsRefusedWithTheNumbersAndNothingIsWritten() async throws {
        let harness = try await CoordinatorTests.Harness()
        defer { harness.remove() }
        let made = try await KeyBootstrap.make(
            store: harness.store, dataDirectory: harness.directory.path, name: "c", role: .client, createdBy: "test")
        let key = made.record.id
        do {
            _ = try await harness.submit(inputs: 3, maxPrice: 2, owner: key)
            Issue.record("a request with no balance behind it was taken")
        } catch let error as GatewayError {
            let message = error.description
            #expect(message.contains("6.000000") && message.contains("0.000000") && message.contains("3 inputs"))
        }
        #expect(try await harness.store.openRequests().isEmpty)
        #expect(await harness.coordinator.writeFailure == nil)
        #expect(try await harness.store.credit(keyID: key, amount: 10, atMillis: 1) == 10)
        let request = try await harness.submit(inputs: 3, maxPrice: 2, owner: key)
        #expect(try await harness.store.balance(of: .client(key)) == 4)
        #expect(try await harness.store.balance(of: .escrow(request.id)) == 6)
        // Proven by one prover: charged out of the escrow, the rest refunded when it is done.
        let prover = try await harness.connect("a")
        for _ in 0..<3 {
            await harness.coordinator.runRounds()
            let leased = try await harness.leases(request.id)
            if let job = leased[prover.id] { await harness.accept(job, by: prover.id) }
        }
        let done = try #require(try await harness.store.request(id: request.id))
        #expect(done.state.phase == .done)
        #expect(try await harness.store.balance(of: .escrow(request.id)) == .zero)
        #expect(try await harness.store.balance(of: .client(key)) == Amount(whole: 10) - done.paid)
        #expect(try await harness.store.ledgerProblems().isEmpty)
        let balance = try await harness.store.ledgerBalance()
        #expect(balance.balances && balance.deposits == 10)
        #expect(try await harness.store.transfers(requestID: request.id).map(\.reason).first == .escrow)
    }

    @Test func aCreditNeedsAKnownKeyAndAPositiveAmount() async throws {
        let harness = try await CoordinatorTests.Harness()
        defer { harness.remove() }
        await #expect(throws: StoreError.missing(table: "api_key", id: "nobody")) {
            try await harness.store.credit(keyID: "nobody", amount: 1, atMillis: 1)
        }
    }
}
