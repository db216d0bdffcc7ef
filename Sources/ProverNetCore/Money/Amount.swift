/// An amount of money: a whole number of the network's smallest unit, never a fraction. The network's
/// unit of account has `Amount.decimals` (6) decimals, as a stablecoin's has: `Amount(units: 1_500_000)` is
/// 1.5. Amounts are added and compared exactly; they are shown with fixed decimals only at the edges
/// (`description`, `init?(decimal:)`).
///
/// The market prices a round in floating point; each price enters the ledger once, through
/// `Amount.flooring(_:)` (see there for the rule that keeps the ledger from paying out more than it took
/// in).
public struct Amount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, AdditiveArithmetic,
    ExpressibleByIntegerLiteral
{
    /// The smallest units.
    public var units: Int64

    /// Decimals of the unit of account.
    public static let decimals = 6
    /// Smallest units in one whole unit (10^decimals).
    public static let unitsPerWhole: Int64 = 1_000_000
    /// The most an amount may be: about 9.2 × 10^12 whole units, far above any price; sums that would pass
    /// it are refused where they are made.
    public static let max = Amount(units: Int64.max)

    public static let zero = Amount(units: 0)

    public init(units: Int64) { self.units = units }

    /// `whole` whole units.
    public init(whole: Int64) { units = whole * Self.unitsPerWhole }

    /// An integer literal is whole units: `let price: Amount = 10` is 10 credits.
    public init(integerLiteral whole: Int64) { self.init(whole: whole) }

    /// The one rounding rule by which a floating-point price of the market becomes money: down to the
    /// smallest unit (toward zero, for a price is never negative), saturating at `max`; NaN and negative
    /// values are zero. Rounding both what a client is charged and what a prover is paid down keeps each
    /// payment at or below the charge it comes from (flooring is monotone, and the market never pays a
    /// seller more than its buyer pays), so the network's share, charge − payment, is never negative.
    public static func flooring(_ value: Double) -> Amount {
        guard value.isFinite else { return value == .infinity ? .max : .zero }
        let scaled = (value * Double(unitsPerWhole)).rounded(.down)
        guard scaled > 0 else { return .zero }
        guard scaled < 9.2e18 else { return .max }
        return Amount(units: Int64(scaled))
    }

    /// The amount as a floating-point number of whole units, for the market's arithmetic inside a round
    /// and nothing else.
    public var wholeUnits: Double { Double(units) / Double(Self.unitsPerWhole) }

    /// Parses a decimal such as `100`, `1.5` or `0.000001` exactly (at most `decimals` decimals, no sign,
    /// no exponent); nil for anything else.
    public init?(decimal text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let wholeText = parts.first, !wholeText.isEmpty || parts.count == 2
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= Self.decimals, parts.count == 1 || !fraction.isEmpty,
            wholeText.allSatisfy(\.isASCIIDigitCharacter), fraction.allSatisfy(\.isASCIIDigitCharacter)
        else { return nil }
        let whole = wholeText.isEmpty ? 0 : Int64(wholeText)
        let padded = fraction + String(repeating: "0", count: Self.decimals - fraction.count)
        guard let whole, let part = Int64(padded) else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: Self.unitsPerWhole)
        guard !overflow else { return nil }
        let (sum, overflow2) = product.addingReportingOverflow(part)
        guard !overflow2 else { return nil }
        units = sum
    }

    /// Fixed decimals: `1.500000`; a negative amount (a difference) with its sign.
    public var description: String {
        let magnitude = units.magnitude
        let per = UInt64(Self.unitsPerWhole)
        let fraction = String(magnitude % per)
        let padded = String(repeating: "0", count: Self.decimals - fraction.count) + fraction
        return (units < 0 ? "-" : "") + "\(magnitude / per).\(padded)"
    }

    public static func + (a: Amount, b: Amount) -> Amount { Amount(units: a.units + b.units) }
    public static func - (a: Amount, b: Amount) -> Amount { Amount(units: a.units - b.units) }
    public static func * (a: Amount, count: Int) -> Amount { Amount(units: a.units * Int64(count)) }
    public static func < (a: Amount, b: Amount) -> Bool { a.units < b.units }

    /// Encoded as the integer count of smallest units.
    public init(from decoder: any Decoder) throws {
        units = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(units)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
