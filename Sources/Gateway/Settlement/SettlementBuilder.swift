import Ethereum
import ProverNetCore
import Store

/// Builds an epoch's settlement report from its transfers (`SettlementInput`): pure, deterministic, and the only
/// place that decides what an operator is owed (docs/economics.md, "Settlement").
///
/// - A `payment` (escrow → earnings:P) is the operator's *paid* (and one job); a `bounty_paid` (bounty → earnings:P)
///   its *bounties*; both go to the operator that held the job's lease. A payment to a prover with no operator is
///   *unattributed* and stays in its earnings account.
/// - A `fee` (escrow → network) is the network's *spread*; `payment` + `fee` are what clients paid.
/// - A `slash` or `bounty` out of `stake:OP` is the operator's *slashes*.
/// - fee = ⌊receipts × feeBps / 10 000⌋; payout = receipts − fee (the Merkle leaf); net = payout − slashes.
public enum SettlementBuilder {
    /// The default network fee on operators' receipts: 5 %.
    public static let defaultFeeBps = 500

    public static func build(_ input: SettlementInput, feeBps: Int) throws(GatewayError) -> SettlementReport {
        guard (0...10_000).contains(feeBps) else {
            throw .invalidArgument("the settlement fee is \(feeBps) basis points; it must be 0 to 10000")
        }
        var lines: [String: SettlementReport.OperatorLine] = [:]
        var clientPayments: Int64 = 0
        var spread: Int64 = 0
        var unattributed: Int64 = 0
        func line(_ address: String) -> SettlementReport.OperatorLine {
            lines[address] ?? SettlementReport.OperatorLine(address: address)
        }
        for item in input.lines {
            let transfer = item.transfer
            let units = transfer.amount.units
            switch transfer.reason {
            case .payment, .bountyPaid:
                if transfer.reason == .payment { clientPayments += units }
                guard transfer.to.category == .earnings else { continue }
                guard let address = item.leaseOperator?.lowercased(), !address.isEmpty else {
                    if transfer.reason == .payment { unattributed += units }
                    continue
                }
                var l = line(address)
                if transfer.reason == .payment {
                    l.paidUnits += units
                    l.jobs += 1
                } else {
                    l.bountiesUnits += units
                }
                l.provers[transfer.to.subject, default: 0] += units
                lines[address] = l
            case .fee:
                clientPayments += units
                spread += units
            case .slash, .bounty:
                guard transfer.from.category == .stake else { continue }
                let address = transfer.from.subject.lowercased()
                var l = line(address)
                l.slashesUnits += units
                lines[address] = l
            default:
                continue
            }
        }
        var operators = lines.sorted { $0.key < $1.key }.map { address, l -> SettlementReport.OperatorLine in
            let receipts = l.paidUnits + l.bountiesUnits
            let fee = Self.fee(receipts, bps: feeBps)
            return SettlementReport.OperatorLine(
                address: address, jobs: l.jobs, paidUnits: l.paidUnits, bountiesUnits: l.bountiesUnits, feeUnits: fee,
                slashesUnits: l.slashesUnits, provers: l.provers)
        }
        var root = ""
        if !operators.isEmpty {
            var values: [[ABIValue]] = []
            for line in operators {
                let address: Address
                do { address = try Address(line.address) } catch {
                    throw .invalidArgument("operator \(line.address) is not an Ethereum address: \(error)")
                }
                values.append([.address(address), .uint(UInt256(UInt64(max(0, line.payoutUnits))))])
            }
            // Non-empty values: the tree exists.
            if let tree = StandardMerkleTree(values: values) {
                root = Hex.encode(tree.root)
                for i in operators.indices {
                    operators[i].leaf = Hex.encode(tree.leaf(i))
                    operators[i].proof = tree.proof(i).map { Hex.encode($0) }
                }
            }
        }
        let report = SettlementReport(
            epoch: input.epoch, fromMillis: input.fromMillis, untilMillis: input.untilMillis,
            settledMillis: input.settledMillis, firstTransferID: input.firstTransferID,
            lastTransferID: input.lastTransferID, feeBps: feeBps, clientPaymentsUnits: clientPayments,
            spreadUnits: spread, unattributedUnits: unattributed, merkleRoot: root, operators: operators)
        let problems = report.problems
        guard problems.isEmpty else {
            throw .failedPrecondition("the settlement does not reconcile: " + problems.joined(separator: "; "))
        }
        return report
    }

    /// ⌊units × bps / 10 000⌋ without overflow (units ≥ 0, bps ≤ 10 000).
    static func fee(_ units: Int64, bps: Int) -> Int64 {
        let b = Int64(bps)
        return (units / 10_000) * b + (units % 10_000) * b / 10_000
    }

    /// Whether an operator's line's proof shows its (address, payout) leaf under `root`: what an on-chain
    /// distributor's `MerkleProof.verify` decides.
    public static func verify(_ line: SettlementReport.OperatorLine, root: String) -> Bool {
        guard let address = try? Address(line.address), line.payoutUnits >= 0,
            let root = try? Hex.decode(root, count: 32)
        else { return false }
        var proof: [[UInt8]] = []
        for step in line.proof {
            guard let hash = try? Hex.decode(step, count: 32) else { return false }
            proof.append(hash)
        }
        return StandardMerkleTree.verify(
            root: root, values: [.address(address), .uint(UInt256(UInt64(line.payoutUnits)))], proof: proof)
    }
}
