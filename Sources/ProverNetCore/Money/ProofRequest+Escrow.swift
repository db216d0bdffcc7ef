extension ProofRequest {
    /// The jobs a request can be charged for at most: each input once per replica (only the first valid
    /// replica of an input is charged, but every replica may be leased), plus its aggregation job.
    public var chargeableJobs: Int { inputCount * max(1, redundancy) + (aggregate ? 1 : 0) }

    /// What submitting the request escrows from its client's balance: the most it can ever be charged,
    /// `maxPricePerJob × chargeableJobs` (each job's charge is at most the maximum price, the market being
    /// individually rational for buyers). Nil when the product passes `Amount.max`.
    public var maximumCost: Amount? {
        let (product, overflow) = maxPricePerJob.units.multipliedReportingOverflow(by: Int64(chargeableJobs))
        return overflow || product < 0 ? nil : Amount(units: product)
    }

    /// What is left in the request's escrow: its maximum cost less what it was charged so far; refunded
    /// to its client when the request ends.
    public var escrowLeft: Amount { (maximumCost ?? .max) - paid }
}
