import BN254

extension SRS {
    /// What the development generator's users must read.
    public static let developmentWarning =
        "UNSAFE development SnarkPack reference string: its secrets were random numbers in this process, not two powers-of-tau ceremonies. Anyone who kept them can forge aggregates. Never use it in production: import two ceremonies' .ptau files (provernet snarkpack srs)."

    /// UNSAFE: a reference string for up to `maxProofs` proofs (rounded up to a power of two) from two random
    /// secrets that this process knows. For tests, benchmarks and development networks only.
    public static func unsafeDevelopment(maxProofs: Int, threads: Int = MSM.defaultThreads) throws(SnarkPackError)
        -> SRS
    {
        var n = 2
        while n < maxProofs { n *= 2 }
        let alpha = Fr.random()
        let beta = Fr.random()
        let g1 = FixedBaseTable<G1Parameters>(base: .generator)
        let g2 = FixedBaseTable<G2Parameters>(base: .generator)
        let alphaPowers = powers(of: alpha, count: 2 * n)
        let betaPowers = powers(of: beta, count: 2 * n)
        return try SRS(
            gAlpha: g1.multiplyAll(alphaPowers, threads: threads),
            gBeta: g1.multiplyAll(betaPowers, threads: threads),
            hAlpha: g2.multiplyAll(Array(alphaPowers[0..<n]), threads: threads),
            hBeta: g2.multiplyAll(Array(betaPowers[0..<n]), threads: threads))
    }
}
