import ProverNetCore

/// What one epoch's settlement found and did (docs/economics.md, "Settlement"): per operator, its jobs, what its
/// provers received, the network's fee, its slashes, its net and its payout, the Merkle leaf amount; the network's
/// revenue; and totals that reconcile with what clients paid in the epoch:
///
///     client payments = Σ operators' paid + unattributed paid + network spread
///     network revenue = network spread + Σ fees
///     Σ payouts       = Σ receipts − Σ fees
///
/// An epoch is a range of ledger transfers, `(firstTransferID − 1, lastTransferID]`: the transfers after the
/// previous epoch up to the last one made at or before `untilMillis`, so no transfer is in two epochs.
public struct SettlementReport: Sendable, Codable, Equatable {
    /// One operator's line. Amounts in the smallest unit (10^-6 credit).
    public struct OperatorLine: Sendable, Codable, Equatable {
        /// `0x` and 40 lower-case hex digits.
        public var address: String
        /// Jobs its provers were paid for in the epoch.
        public var jobs: Int
        /// Clients' payments to its provers (`payment` transfers: escrow → earnings).
        public var paidUnits: Int64
        /// Bounties its provers received for completing slashed jobs (`bounty_paid`: bounty → earnings).
        public var bountiesUnits: Int64
        /// paid + bounties: what its provers' earnings accounts received in the epoch.
        public var receiptsUnits: Int64
        /// The network's fee: ⌊receipts × feeBps / 10 000⌋.
        public var feeUnits: Int64
        /// What slashes took from its stake in the epoch (`stake:OP → slashed` and `→ bounty:JOB`). Already taken
        /// from the stake: shown, never charged again from the payout.
        public var slashesUnits: Int64
        /// receipts − fee − slashes; may be negative.
        public var netUnits: Int64
        /// receipts − fee: moved to `payable:OPERATOR`, and the Merkle leaf's amount.
        public var payoutUnits: Int64
        /// Each prover's receipts (its earnings account's share of the move), by prover id.
        public var provers: [String: Int64]
        /// The Merkle proof of the leaf (address, payout): 32-byte hashes, `0x` hex.
        public var proof: [String]
        /// The leaf's hash, `0x` hex.
        public var leaf: String

        public init(
            address: String, jobs: Int = 0, paidUnits: Int64 = 0, bountiesUnits: Int64 = 0, feeUnits: Int64 = 0,
            slashesUnits: Int64 = 0, provers: [String: Int64] = [:], proof: [String] = [], leaf: String = ""
        ) {
            self.address = address
            self.jobs = jobs
            self.paidUnits = paidUnits
            self.bountiesUnits = bountiesUnits
            self.receiptsUnits = paidUnits + bountiesUnits
            self.feeUnits = feeUnits
            self.slashesUnits = slashesUnits
            self.netUnits = paidUnits + bountiesUnits - feeUnits - slashesUnits
            self.payoutUnits = paidUnits + bountiesUnits - feeUnits
            self.provers = provers
            self.proof = proof
            self.leaf = leaf
        }
    }

    public var epoch: Int64
    /// The previous epoch's `untilMillis` (0 for the first).
    public var fromMillis: Int64
    public var untilMillis: Int64
    public var settledMillis: Int64
    /// The epoch's transfers: ids in `firstTransferID...lastTransferID` (empty when first > last).
    public var firstTransferID: Int64
    public var lastTransferID: Int64
    public var feeBps: Int
    /// What clients' escrows paid in the epoch (`payment` + `fee` transfers).
    public var clientPaymentsUnits: Int64
    /// The network's spread: what the auction's charges left above the prices (`fee` transfers).
    public var spreadUnits: Int64
    /// Σ operators' fees.
    public var feesUnits: Int64
    /// spread + fees.
    public var networkRevenueUnits: Int64
    /// Σ operators' paid, bounties, receipts, slashes, payouts.
    public var paidUnits: Int64
    public var bountiesUnits: Int64
    public var receiptsUnits: Int64
    public var slashesUnits: Int64
    public var payoutsUnits: Int64
    /// Clients' payments to provers that no operator holds (allowlisted by the network itself): not settled, left
    /// in their earnings accounts.
    public var unattributedUnits: Int64
    /// The OpenZeppelin `StandardMerkleTree` root over the (address, uint256 payout) leaves, `0x` hex; empty when
    /// the epoch has no operator.
    public var merkleRoot: String
    /// By address.
    public var operators: [OperatorLine]

    public init(
        epoch: Int64, fromMillis: Int64, untilMillis: Int64, settledMillis: Int64, firstTransferID: Int64,
        lastTransferID: Int64, feeBps: Int, clientPaymentsUnits: Int64, spreadUnits: Int64, unattributedUnits: Int64,
        merkleRoot: String, operators: [OperatorLine]
    ) {
        self.epoch = epoch
        self.fromMillis = fromMillis
        self.untilMillis = untilMillis
        self.settledMillis = settledMillis
        self.firstTransferID = firstTransferID
        self.lastTransferID = lastTransferID
        self.feeBps = feeBps
        self.clientPaymentsUnits = clientPaymentsUnits
        self.spreadUnits = spreadUnits
        self.unattributedUnits = unattributedUnits
        self.merkleRoot = merkleRoot
        self.operators = operators
        feesUnits = operators.reduce(0) { $0 + $1.feeUnits }
        networkRevenueUnits = spreadUnits + feesUnits
        paidUnits = operators.reduce(0) { $0 + $1.paidUnits }
        bountiesUnits = operators.reduce(0) { $0 + $1.bountiesUnits }
        receiptsUnits = operators.reduce(0) { $0 + $1.receiptsUnits }
        slashesUnits = operators.reduce(0) { $0 + $1.slashesUnits }
        payoutsUnits = operators.reduce(0) { $0 + $1.payoutUnits }
    }

    /// What does not add up (empty when the report reconciles): clients' payments against the operators' paid,
    /// the unattributed and the spread; each line's receipts, net and payout against its parts; the totals
    /// against the lines.
    public var problems: [String] {
        var problems: [String] = []
        if clientPaymentsUnits != paidUnits + unattributedUnits + spreadUnits {
            problems.append(
                "clients paid \(clientPaymentsUnits) units, but operators' paid \(paidUnits) + unattributed "
                    + "\(unattributedUnits) + spread \(spreadUnits) = \(paidUnits + unattributedUnits + spreadUnits)")
        }
        for line in operators {
            let receipts = line.paidUnits + line.bountiesUnits
            if line.receiptsUnits != receipts || line.payoutUnits != receipts - line.feeUnits
                || line.netUnits != receipts - line.feeUnits - line.slashesUnits
                || line.provers.values.reduce(0, +) != receipts || line.feeUnits < 0 || line.feeUnits > receipts
            {
                problems.append("operator \(line.address)'s line does not add up")
            }
        }
        if networkRevenueUnits != spreadUnits + feesUnits || payoutsUnits != receiptsUnits - feesUnits {
            problems.append("the totals do not add up")
        }
        return problems
    }

    /// The ledger's moves that settle the epoch: each prover's receipts from `earnings:PROVER` to its operator's
    /// `payable:OPERATOR`, then each operator's fee from there to `network`.
    public func transfers() -> [Transfer] {
        var transfers: [Transfer] = []
        let note = "epoch \(epoch)"
        for line in operators {
            for (prover, units) in line.provers.sorted(by: { $0.key < $1.key }) where units > 0 {
                transfers.append(
                    Transfer(
                        atMillis: settledMillis, reason: .settlement, from: .earnings(ProverID(prover)),
                        to: .payable(line.address), amount: Amount(units: units), note: note))
            }
            if line.feeUnits > 0 {
                transfers.append(
                    Transfer(
                        atMillis: settledMillis, reason: .settlementFee, from: .payable(line.address), to: .network,
                        amount: Amount(units: line.feeUnits), note: note))
            }
        }
        return transfers
    }

    /// The report as CSV: one row per operator, then a `total` row and a `network` row (amounts as decimals).
    public var csv: String {
        func money(_ units: Int64) -> String { Amount(units: units).description }
        var lines = [
            "epoch,operator,jobs,paid,bounties,receipts,fee,slashes,net,payout,leaf,proof"
        ]
        for line in operators {
            lines.append(
                [
                    String(epoch), line.address, String(line.jobs), money(line.paidUnits), money(line.bountiesUnits),
                    money(line.receiptsUnits), money(line.feeUnits), money(line.slashesUnits), money(line.netUnits),
                    money(line.payoutUnits), line.leaf, line.proof.joined(separator: " "),
                ].joined(separator: ","))
        }
        lines.append(
            [
                String(epoch), "total", String(operators.reduce(0) { $0 + $1.jobs }), money(paidUnits),
                money(bountiesUnits), money(receiptsUnits), money(feesUnits), money(slashesUnits),
                money(receiptsUnits - feesUnits - slashesUnits), money(payoutsUnits), merkleRoot, "",
            ].joined(separator: ","))
        lines.append(
            "\(epoch),clients paid \(money(clientPaymentsUnits)),spread \(money(spreadUnits)),fees \(money(feesUnits)),"
                + "network revenue \(money(networkRevenueUnits)),unattributed \(money(unattributedUnits)),,,,,,")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SettlementReport {
    /// What the ledger's `payable:` accounts hold that the settled reports do not say (empty when they agree):
    /// each operator's payable balance is the sum of its payouts over the epochs (nothing is paid out of it yet).
    /// `ledgerProblems` checks it on both stores.
    public static func payableProblems(_ reports: [SettlementReport], balances: [String: Int64]) -> [String] {
        var owed: [String: Int64] = [:]
        for report in reports {
            for line in report.operators { owed[line.address, default: 0] += line.payoutUnits }
        }
        var problems: [String] = []
        for address in Set(owed.keys).union(balances.keys).sorted() {
            let held = balances[address] ?? 0
            let payouts = owed[address] ?? 0
            if held != payouts {
                problems.append("payable:\(address) holds \(held) units, but its settled payouts sum to \(payouts)")
            }
        }
        return problems
    }
}

/// What a store hands the settlement's builder, in the settling transaction: the epoch's range and its transfers
/// that settlement counts (payments, fees, bounties paid, slashes, bounties set aside), each with the operator
/// that held the lease of its job (the job's stored `bondOperator`; nil for a prover the network allowlisted).
public struct SettlementInput: Sendable {
    public struct Line: Sendable {
        public var transfer: Transfer
        public var leaseOperator: String?

        public init(transfer: Transfer, leaseOperator: String?) {
            self.transfer = transfer
            self.leaseOperator = leaseOperator
        }
    }

    public var epoch: Int64
    public var fromMillis: Int64
    public var untilMillis: Int64
    public var settledMillis: Int64
    public var firstTransferID: Int64
    public var lastTransferID: Int64
    public var lines: [Line]

    public init(
        epoch: Int64, fromMillis: Int64, untilMillis: Int64, settledMillis: Int64, firstTransferID: Int64,
        lastTransferID: Int64, lines: [Line]
    ) {
        self.epoch = epoch
        self.fromMillis = fromMillis
        self.untilMillis = untilMillis
        self.settledMillis = settledMillis
        self.firstTransferID = firstTransferID
        self.lastTransferID = lastTransferID
        self.lines = lines
    }

    /// The reasons of the transfers a settlement counts.
    public static let counted: [Transfer.Reason] = [.payment, .fee, .bountyPaid, .slash, .bounty]
}

/// Settling epochs (`admin settle`): kept apart from `EconomicsStore` as `OperatorStore` is from `GatewayStore`.
public protocol SettlementStore: Sendable {
    /// Settles the epoch that ends at `untilMillis`, in one transaction: reads the epoch's transfers, asks
    /// `build` for the report, applies its transfers (`SettlementReport.transfers`), stores it and records it in
    /// the audit log with `actor`. Settling the last epoch's `untilMillis` again returns its stored report
    /// (`newlySettled` false) and changes nothing. Refuses an `untilMillis` before the last epoch's
    /// (`StoreError.settlementOutOfOrder`) or after `atMillis` (`.settlementInFuture`).
    func settle(
        untilMillis: Int64, atMillis: Int64, actor: String,
        build: @escaping @Sendable (SettlementInput) throws -> SettlementReport
    ) async throws(StoreError) -> (report: SettlementReport, newlySettled: Bool)
    /// Every settled epoch's report, oldest first.
    func settlements() async throws(StoreError) -> [SettlementReport]
}
