import BN254

/// A SnarkPack aggregate of n Groth16 proofs of one circuit (Gailly, Maller and Nitulescu 2021, §5), with
/// the names of the paper and of the reference implementations.
///
/// The proofs are padded to m = 2^k ≥ 2 by repeating the last one; `count` is the number before padding,
/// and the verifier pads the public signals the same way.
public struct AggregateProof: Sendable, Equatable {
    /// The number of proofs aggregated, before padding.
    public var count: Int
    /// Commitment to A and B under (v, w): the TIPP statement.
    public var comAB: CommitmentPair
    /// Commitment to C under v: the MIPP statement.
    public var comC: CommitmentPair
    /// Z_AB = Π e(Aᵢ, Bᵢ)^(rⁱ), the left side of the aggregated Groth16 equation.
    public var ipAB: Fq12
    /// Z_C = Σ rⁱ·Cᵢ.
    public var aggC: G1Affine
    /// One round of the GIPA recursion per halving: k rounds.
    public var rounds: [Round]
    /// The vectors A, B, C after the last round (length 1).
    public var finalA: G1Affine
    public var finalB: G2Affine
    public var finalC: G1Affine
    /// The commitment keys after the last round: v = (v₁, v₂) ∈ G2², w = (w₁, w₂) ∈ G1².
    public var finalV: (G2Affine, G2Affine)
    public var finalW: (G1Affine, G1Affine)
    /// KZG openings that the final keys are the evaluations of the keys' polynomials at α and β.
    public var openingV: (G2Affine, G2Affine)
    public var openingW: (G1Affine, G1Affine)

    /// The cross terms of one GIPA round, for TIPP (A, B) and MIPP (C, r) at once.
    public struct Round: Sendable, Equatable {
        /// Pair commitments of (A_R, B_L) under (v_L, w_R) and of (A_L, B_R) under (v_R, w_L).
        public var tabL: CommitmentPair
        public var tabR: CommitmentPair
        /// Single commitments of C_R under v_L and of C_L under v_R.
        public var tucL: CommitmentPair
        public var tucR: CommitmentPair
        /// Π e(A_R, B_L) and Π e(A_L, B_R).
        public var zabL: Fq12
        public var zabR: Fq12
        /// Σ r_L·C_R and Σ r_R·C_L.
        public var zcL: G1Affine
        public var zcR: G1Affine

        public init(
            tabL: CommitmentPair, tabR: CommitmentPair, tucL: CommitmentPair, tucR: CommitmentPair, zabL: Fq12,
            zabR: Fq12, zcL: G1Affine, zcR: G1Affine
        ) {
            self.tabL = tabL
            self.tabR = tabR
            self.tucL = tucL
            self.tucR = tucR
            self.zabL = zabL
            self.zabR = zabR
            self.zcL = zcL
            self.zcR = zcR
        }
    }

    /// The number of proofs after padding, 2^rounds.
    public var paddedCount: Int { 1 << rounds.count }

    public static func == (x: Self, y: Self) -> Bool {
        x.count == y.count && x.comAB == y.comAB && x.comC == y.comC && x.ipAB == y.ipAB && x.aggC == y.aggC
            && x.rounds == y.rounds && x.finalA == y.finalA && x.finalB == y.finalB && x.finalC == y.finalC
            && x.finalV == y.finalV && x.finalW == y.finalW && x.openingV == y.openingV && x.openingW == y.openingW
    }
}

/// The padded size for n proofs: the next power of two, at least 2.
func paddedSize(_ n: Int) -> Int {
    var m = 2
    while m < n { m *= 2 }
    return m
}
