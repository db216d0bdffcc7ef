import Ethereum
import ProverNetCore
import Store
import Testing

@testable import Gateway

/// The settlement's builder alone: the fee's rounding and bounds, an empty epoch, transfers it does not count, and
/// a report that does not reconcile refused.
@Suite struct SettlementBuilderTests {
    static let a = "0x" + String(repeating: "0a", count: 20)

    static func input(_ lines: [SettlementInput.Line]) -> SettlementInput {
        SettlementInput(
            epoch: 3, fromMillis: 10, untilMillis: 20, settledMillis: 30, firstTransferID: 5, lastTransferID: 9,
            lines: lines)
    }

    static func payment(_ prover: ProverID, _ units: Int64, operator address: String?) -> SettlementInput.Line {
        SettlementInput.Line(
            transfer: Transfer(
                atMillis: 15, reason: .payment, from: .escrow("r"), to: .earnings(prover), amount: Amount(units: units)),
            leaseOperator: address)
    }

    @Test func theFeeIsFlooredAndNeverOverflows() {
        #expect(SettlementBuilder.fee(1_999, bps: 500) == 99)
        #expect(SettlementBuilder.fee(10_000, bps: 10_000) == 10_000)
        #expect(SettlementBuilder.fee(Int64.max, bps: 10_000) == Int64.max)
        #expect(SettlementBuilder.fee(Int64.max, bps: 1) == Int64.max / 10_000)
        #expect(SettlementBuilder.fee(123, bps: 0) == 0)
    }

    @Test func aFeeOutsideZeroToTenThousandBasisPointsIsRefused() {
        #expect(throws: GatewayError.self) { try SettlementBuilder.build(Self.input([]), feeBps: 10_001) }
        #expect(throws: GatewayError.self) { try SettlementBuilder.build(Self.input([]), feeBps: -1) }
    }

    @Test func anEmptyEpochHasNoOperatorsNoRootAndZeroTotals() throws {
        let report = try SettlementBuilder.build(Self.input([]), feeBps: 500)
        #expect(report.operators.isEmpty && report.merkleRoot.isEmpty && report.clientPaymentsUnits == 0)
        #expect(report.epoch == 3 && report.firstTransferID == 5 && report.lastTransferID == 9)
        #expect(report.transfers().isEmpty && report.problems.isEmpty)
    }

    @Test func proversReceiptsAddUpPerOperatorAndTheUnattributedStayOut() throws {
        let lines = [
            Self.payment("p1", 1_000_001, operator: Self.a.uppercased()),
            Self.payment("p2", 2_000_000, operator: Self.a),
            Self.payment("p9", 7, operator: nil),
            // Not counted: a refund, a forfeited bounty.
            SettlementInput.Line(
                transfer: Transfer(
                    atMillis: 15, reason: .refund, from: .escrow("r"), to: .client("k"), amount: Amount(units: 5)),
                leaseOperator: nil),
            SettlementInput.Line(
                transfer: Transfer(
                    atMillis: 15, reason: .bountyForfeited, from: .bounty("j"), to: .slashed, amount: Amount(units: 5)),
                leaseOperator: nil),
        ]
        let report = try SettlementBuilder.build(Self.input(lines), feeBps: 250)
        let line = try #require(report.operators.first)
        #expect(report.operators.count == 1 && line.address == Self.a)
        #expect(
            line.jobs == 2 && line.receiptsUnits == 3_000_001 && line.provers == ["p1": 1_000_001, "p2": 2_000_000])
        #expect(line.feeUnits == 75_000 && line.payoutUnits == 2_925_001)
        #expect(report.unattributedUnits == 7 && report.clientPaymentsUnits == 3_000_008 && report.problems.isEmpty)
        // One leaf: the root is the leaf hash of (address, payout).
        let leaf = StandardMerkleTree.leafHash([.address(try Address(Self.a)), .uint(UInt256(2_925_001))])
        #expect(report.merkleRoot == Hex.encode(leaf) && line.leaf == report.merkleRoot)
        // Its moves: each prover's receipts to payable, then the fee to the network.
        #expect(
            report.transfers().map { "\($0.reason.rawValue) \($0.from)→\($0.to) \($0.amount.units)" } == [
                "settlement earnings:p1→payable:\(Self.a) 1000001", "settlement earnings:p2→payable:\(Self.a) 2000000",
                "settlement_fee payable:\(Self.a)→network 75000",
            ])
        // A line whose parts do not add up is a problem the report names.
        var broken = report
        broken.operators[0].payoutUnits += 1
        #expect(!broken.problems.isEmpty)
    }
}
