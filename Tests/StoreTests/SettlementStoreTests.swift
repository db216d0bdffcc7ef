import Foundation
import Gateway
import ProverNetCore
import Testing

@testable import Store

/// Settling epochs on each store (`StoreKind`), with the gateway's own builder: the report's lines and totals,
/// the ledger's moves (earnings → payable, the fee to network) in the settling transaction with the ledger
/// verified, idempotence, order, and a transfer made late landing in the next epoch, never in two.
@Suite struct SettlementStoreTests {
    static let operatorA = "0x" + String(repeating: "aa", count: 20)
    static let operatorB = "0x" + String(repeating: "bb", count: 20)
    static let circuit = SQLiteStoreTests.circuit

    static func verified(
        _ request: RequestID, index: Int, kind: JobKind = .prove, prover: ProverID, operator address: String?,
        price: String, charge: String
    ) -> Job {
        let lease = Lease(
            prover: prover, epoch: 1, grantedMillis: 1_500, expiresMillis: 9_000, price: Amount(decimal: price)!,
            charge: Amount(decimal: charge)!, bond: address == nil ? .zero : 1, bondOperator: address)
        return Job(
            id: JobID(request: request, index: index), requestID: request, kind: kind, index: index,
            jobClass: SQLiteStoreTests.jobClass, inputJSON: "{}", statementJSON: "[]",
            state: .verified(
                VerifiedProof(
                    lease: lease, verifiedMillis: 1_900, proveMillis: 10,
                    proof: ProofPayload(proofJSON: "{}", publicJSON: "[]"))),
            epoch: 1)
    }

    /// A request of `jobs` (each proven and paid at `atMillis`), escrowed from k1 and done, as the job book writes
    /// it: escrow, each job's payment and fee (and ledger line), the refund.
    static func provenRequest(_ id: RequestID, jobs: [Job], maxPrice: String, aggregate: Bool, atMillis: Int64)
        -> StoreChanges
    {
        let inputs = jobs.filter { $0.kind == .prove }.count
        var request = ProofRequest(
            id: id, circuitID: circuit.id, state: .done(atMillis: atMillis), createdMillis: atMillis - 100,
            deadlineMillis: atMillis + 60_000, maxPricePerJob: Amount(decimal: maxPrice)!, redundancy: 1,
            aggregate: aggregate, inputCount: inputs, owner: "k1")
        var changes = StoreChanges(requests: [], jobs: jobs)
        changes.transfers.append(
            Transfer(
                atMillis: atMillis, reason: .escrow, from: .client("k1"), to: .escrow(id),
                amount: request.maximumCost!, requestID: id))
        for job in jobs {
            guard case .verified(let proof) = job.state else { continue }
            let lease = proof.lease
            request.paid = request.paid + lease.charge
            changes.ledger.append(
                LedgerEntry(
                    atMillis: atMillis, kind: .clientCharge, requestID: id, jobID: job.id, proverID: nil,
                    amount: lease.charge))
            changes.transfers += [
                Transfer(
                    atMillis: atMillis, reason: .payment, from: .escrow(id), to: .earnings(lease.prover),
                    amount: lease.price, requestID: id, jobID: job.id),
                Transfer(
                    atMillis: atMillis, reason: .fee, from: .escrow(id), to: .network,
                    amount: lease.charge - lease.price,
                    requestID: id, jobID: job.id),
            ]
        }
        changes.transfers.append(
            Transfer(
                atMillis: atMillis, reason: .refund, from: .escrow(id), to: .client("k1"),
                amount: request.maximumCost! - request.paid, requestID: id))
        changes.requests = [request]
        return changes
    }

    static func settle(_ store: any SettlementStore, until: Int64, at: Int64) async throws -> (SettlementReport, Bool) {
        let (report, newly) = try await store.settle(untilMillis: until, atMillis: at, actor: "test") { input in
            try SettlementBuilder.build(input, feeBps: 500)
        }
        return (report, newly)
    }

    @Test(arguments: StoreKind.available)
    func anEpochSettlesOnceAndItsReportReconcilesWithWhatClientsPaid(_ kind: StoreKind) async throws {
        let scratch = try await kind.open(verifiesLedger: true)
        let store = scratch.store
        let settlements = try #require(store as? any SettlementStore)
        try await store.insertCircuit(Self.circuit, createdMillis: 1)
        try await store.insertKey(EconomicsStoreTests.key("k1"), actor: "test")
        _ = try await store.credit(keyID: "k1", amount: 100, atMillis: 1_000)
        // Epoch 1: r1's two inputs proven by p1 (operator A) and p2 (B), its aggregate by p3 (the network's own);
        // B is slashed 1.5 on a job of r1, 0.5 of it the bounty that p1 then receives.
        let r1: RequestID = "r1"
        let jobs = [
            Self.verified(r1, index: 0, prover: "p1", operator: Self.operatorA, price: "2", charge: "2.5"),
            Self.verified(r1, index: 1, prover: "p2", operator: Self.operatorB, price: "1.5", charge: "2.5"),
            Self.verified(r1, index: 2, kind: .aggregate, prover: "p3", operator: nil, price: "2", charge: "2.5"),
        ]
        var changes = Self.provenRequest(r1, jobs: jobs, maxPrice: "2.5", aggregate: true, atMillis: 2_000)
        changes.transfers += [
            Transfer(
                atMillis: 2_000, reason: .slash, from: .stake(Self.operatorB), to: .slashed, amount: 1,
                requestID: r1, jobID: jobs[1].id),
            Transfer(
                atMillis: 2_000, reason: .bounty, from: .stake(Self.operatorB), to: .bounty(jobs[0].id),
                amount: Amount(decimal: "0.5")!, requestID: r1, jobID: jobs[0].id),
            Transfer(
                atMillis: 2_000, reason: .bountyPaid, from: .bounty(jobs[0].id), to: .earnings("p1"),
                amount: Amount(decimal: "0.5")!, requestID: r1, jobID: jobs[0].id),
        ]
        try await store.commit(changes)
        #expect(try await store.ledgerProblems().isEmpty)

        let (first, newly) = try await Self.settle(settlements, until: 2_500, at: 3_000)
        #expect(newly && first.epoch == 1 && first.fromMillis == 0 && first.untilMillis == 2_500)
        #expect(first.feeBps == 500 && first.problems.isEmpty)
        let a = try #require(first.operators.first { $0.address == Self.operatorA })
        let b = try #require(first.operators.first { $0.address == Self.operatorB })
        #expect(first.operators.map(\.address) == [Self.operatorA, Self.operatorB])
        #expect(
            [a.jobs, b.jobs] == [1, 1] && a.paidUnits == 2_000_000 && a.bountiesUnits == 500_000
                && a.receiptsUnits == 2_500_000 && a.feeUnits == 125_000 && a.slashesUnits == 0
                && a.netUnits == 2_375_000 && a.payoutUnits == 2_375_000 && a.provers == ["p1": 2_500_000])
        #expect(
            b.paidUnits == 1_500_000 && b.bountiesUnits == 0 && b.feeUnits == 75_000 && b.slashesUnits == 1_500_000
                && b.netUnits == -75_000 && b.payoutUnits == 1_425_000)
        // Clients paid 7.5 = operators' paid 3.5 + p3's 2 (no operator) + the spread 2.
        #expect(first.clientPaymentsUnits == 7_500_000 && first.paidUnits == 3_500_000)
        #expect(first.unattributedUnits == 2_000_000 && first.spreadUnits == 2_000_000)
        #expect(first.feesUnits == 200_000 && first.networkRevenueUnits == 2_200_000)
        #expect(first.payoutsUnits == 3_800_000 && first.slashesUnits == 1_500_000)
        // The proofs verify against the root, and a leaf with another amount does not.
        #expect(first.merkleRoot.count == 66)
        for line in first.operators { #expect(SettlementBuilder.verify(line, root: first.merkleRoot)) }
        var forged = a
        forged.payoutUnits += 1
        #expect(!SettlementBuilder.verify(forged, root: first.merkleRoot))
        // The money moved, and the ledger still balances to the unit.
        #expect(try await store.balance(of: .payable(Self.operatorA)) == Amount(units: 2_375_000))
        #expect(try await store.balance(of: .payable(Self.operatorB)) == Amount(units: 1_425_000))
        #expect(try await store.balance(of: .earnings("p1")) == .zero)
        #expect(try await store.balance(of: .earnings("p2")) == .zero)
        #expect(try await store.balance(of: .earnings("p3")) == 2)
        #expect(try await store.balance(of: .network) == Amount(units: 2_200_000))
        #expect(try await store.ledgerProblems().isEmpty)
        #expect(try await store.ledgerBalance().balances)
        let transfersAfterFirst = try await store.transfers(after: 0, limit: 1_000).count

        // Idempotent: the same --until returns the stored report and moves nothing.
        let (again, newlyAgain) = try await Self.settle(settlements, until: 2_500, at: 3_500)
        #expect(!newlyAgain && again == first)
        #expect(try await store.transfers(after: 0, limit: 1_000).count == transfersAfterFirst)
        // An earlier end, or one in the future, is refused with what is wrong.
        await #expect(throws: StoreError.settlementOutOfOrder(untilMillis: 2_400, lastUntilMillis: 2_500)) {
            _ = try await Self.settle(settlements, until: 2_400, at: 3_500)
        }
        await #expect(throws: StoreError.settlementInFuture(untilMillis: 9_000, nowMillis: 3_500)) {
            _ = try await Self.settle(settlements, until: 9_000, at: 3_500)
        }

        // Epoch 2: r2 paid after epoch 1 closed, though its transfers say 2 400 (before epoch 1's end): it is in
        // epoch 2, the next range of transfers, and in no other.
        let r2: RequestID = "r2"
        try await store.commit(
            Self.provenRequest(
                r2,
                jobs: [Self.verified(r2, index: 0, prover: "p2", operator: Self.operatorB, price: "1", charge: "1.25")],
                maxPrice: "2.5", aggregate: false, atMillis: 2_400))
        let (second, newlySecond) = try await Self.settle(settlements, until: 5_000, at: 6_000)
        #expect(newlySecond && second.epoch == 2 && second.fromMillis == 2_500)
        #expect(second.firstTransferID == first.lastTransferID + 1)
        #expect(second.operators.map(\.address) == [Self.operatorB])
        let b2 = try #require(second.operators.first)
        #expect(b2.jobs == 1 && b2.paidUnits == 1_000_000 && b2.feeUnits == 50_000 && b2.payoutUnits == 950_000)
        #expect(second.clientPaymentsUnits == 1_250_000 && second.spreadUnits == 250_000 && second.problems.isEmpty)
        // One leaf: the root is the leaf, the proof empty.
        #expect(
            second.merkleRoot == b2.leaf && b2.proof.isEmpty && SettlementBuilder.verify(b2, root: second.merkleRoot))
        #expect(try await store.balance(of: .payable(Self.operatorB)) == Amount(units: 1_425_000 + 950_000))
        #expect(try await store.ledgerProblems().isEmpty)
        // Every paid job is in exactly one epoch: the epochs' client payments add up to all that was paid.
        let all = try await settlements.settlements()
        #expect(all == [first, second])
        let paid = try await store.transfers(after: 0, limit: 1_000).filter {
            $0.reason == .payment || $0.reason == .fee
        }
        #expect(all.reduce(0) { $0 + $1.clientPaymentsUnits } == paid.reduce(0) { $0 + $1.amount.units })
        #expect(all.reduce(0) { $0 + $1.operators.reduce(0) { $0 + $1.jobs } } == 3)
        // Each settlement is in the audit log.
        let settled = try await store.auditEntries(after: 0, limit: 1_000).filter { $0.action == "ledger.settled" }
        #expect(settled.map(\.subject) == ["1", "2"])
        #expect(settled.first?.details.contains(first.merkleRoot) == true)
        // A payable account changed behind the ledger's back (balance and a transfer, so the account still matches
        // its transfers) no longer matches the settled payouts: named.
        try await scratch.tamper(
            "UPDATE account SET balance = balance + 1 WHERE id = 'payable:\(Self.operatorA)'; "
                + "UPDATE account SET balance = balance - 1 WHERE id = 'network'; "
                + "INSERT INTO transfer (atMillis, reason, fromAccount, toAccount, amount, requestID, jobID, note) "
                + "VALUES (7000, 'settlement', 'network', 'payable:\(Self.operatorA)', 1, NULL, NULL, 'forged')")
        let problems = try await store.ledgerProblems()
        #expect(problems == ["payable:\(Self.operatorA) holds 2375001 units, but its settled payouts sum to 2375000"])
        try await store.close()
        await scratch.remove()
    }
}
