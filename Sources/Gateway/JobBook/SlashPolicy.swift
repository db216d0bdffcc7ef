import ProverNetCore

/// How much of a lease's bond a fault costs (`docs/economics.md`), in basis points of the bond (10 000 = all
/// of it).
public struct SlashPolicy: Sendable, Equatable {
    /// An invalid proof, a proof of another statement, or an aggregate that does not verify.
    public var invalidProofBasisPoints: Int64
    /// A lease that lapses while its prover holds the job (the prover died or stalled), or a job still held
    /// when its request's deadline passes.
    public var lapseBasisPoints: Int64
    /// The part of a lapse's slash set aside for the prover that then completes the job (the rest is kept by the
    /// network as slashed funds).
    public var completerBasisPoints: Int64

    public init(
        invalidProofBasisPoints: Int64 = 10_000, lapseBasisPoints: Int64 = 2_500, completerBasisPoints: Int64 = 5_000
    ) {
        self.invalidProofBasisPoints = invalidProofBasisPoints
        self.lapseBasisPoints = lapseBasisPoints
        self.completerBasisPoints = completerBasisPoints
    }

    /// Nothing is ever slashed.
    public static let none = SlashPolicy(invalidProofBasisPoints: 0, lapseBasisPoints: 0, completerBasisPoints: 0)

    /// `basisPoints` of `amount`, rounded down (a slash never takes more than its share).
    static func share(_ basisPoints: Int64, of amount: Amount) -> Amount {
        let (product, overflow) = amount.units.multipliedReportingOverflow(by: basisPoints)
        return overflow ? Amount(units: amount.units / 10_000 * basisPoints) : Amount(units: product / 10_000)
    }
}
