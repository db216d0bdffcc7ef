import Ethereum
import ProverNetCore

/// How much of its operator's stake a prover bonds for each job it leases (`docs/economics.md`):
/// `minimum + price × priceMultipleBasisPoints / 10 000`, in the ledger's unit. The operator's stake, read from
/// its registry in the registry's own unit, counts `stakeUnitsPerCredit` units for each whole credit. A prover
/// with no operator (allowlisted by the network itself) bonds nothing.
public struct BondPolicy: Sendable, Equatable {
    /// Bonded for every job, whatever its price.
    public var minimum: Amount
    /// Plus this multiple of the job's price, in basis points (10 000 = once the price).
    public var priceMultipleBasisPoints: Int64
    /// How many units of the registry's stake make one whole credit: 1 for the standalone registry (a stake
    /// of 100 covers 100 credits of bonds), 10^18 for an EigenLayer strategy whose token has 18 decimals and
    /// trades one for one with a credit.
    public var stakeUnitsPerCredit: UInt64

    public init(minimum: Amount = 1, priceMultipleBasisPoints: Int64 = 20_000, stakeUnitsPerCredit: UInt64 = 1) {
        self.minimum = minimum
        self.priceMultipleBasisPoints = priceMultipleBasisPoints
        self.stakeUnitsPerCredit = stakeUnitsPerCredit
    }

    /// No bonds at all.
    public static let none = BondPolicy(minimum: .zero, priceMultipleBasisPoints: 0)

    /// The bond of a job leased at `price`: rounded up to the unit, so that a bond never falls short of its
    /// formula; saturating at `Amount.max`.
    public func bond(price: Amount) -> Amount {
        let (product, overflow) = price.units.multipliedReportingOverflow(by: priceMultipleBasisPoints)
        guard !overflow else { return .max }
        let share = (product + 9_999) / 10_000
        let (sum, overflow2) = minimum.units.addingReportingOverflow(share)
        return overflow2 ? .max : Amount(units: sum)
    }

    /// A stake read from a registry, in the ledger's unit (rounded down; saturating at `Amount.max`).
    public func amount(ofStake stake: UInt256) -> Amount {
        guard stakeUnitsPerCredit > 0 else { return .max }
        let (whole, remainder) = stake.quotientAndRemainder(dividingBy: stakeUnitsPerCredit)
        guard let wholeCredits = whole.uint64, wholeCredits <= UInt64(Amount.max.units / Amount.unitsPerWhole) else {
            return .max
        }
        let fraction = stakeUnitsPerCredit.dividingFullWidth(
            remainder.multipliedFullWidth(by: UInt64(Amount.unitsPerWhole))
        ).quotient
        return Amount(units: Int64(wholeCredits) * Amount.unitsPerWhole + Int64(fraction))
    }

    /// An amount in the ledger's unit as the registry's stake (rounded up, so that a slash of an amount never
    /// takes less stake than it says).
    public func stake(of amount: Amount) -> UInt256 {
        guard amount > .zero else { return .zero }
        guard let product = UInt256(UInt64(amount.units)).multipliedReportingOverflow(by: stakeUnitsPerCredit) else {
            return .max
        }
        let (whole, remainder) = product.quotientAndRemainder(dividingBy: UInt64(Amount.unitsPerWhole))
        return remainder == 0 ? whole : whole.addingReportingOverflow(UInt256(1)).partialValue
    }
}
