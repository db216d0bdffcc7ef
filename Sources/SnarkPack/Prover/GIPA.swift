import BN254

/// The generalized inner product argument run for TIPP (Π e(Aᵢ, Bᵢ) under the pair commitment) and MIPP
/// (Σ rᵢ·Cᵢ under the single commitment) at once, with shared challenges (paper §4 and §5.3): each round
/// halves the vectors and sends the cross terms.
enum GIPA {
    struct Output {
        var rounds: [AggregateProof.Round]
        var challenges: [Fr]
        var finalA: G1Affine
        var finalB: G2Affine
        var finalC: G1Affine
        var finalV: (G2Affine, G2Affine)
        var finalW: (G1Affine, G1Affine)
    }

    /// With challenge x each round: A ← A_L + x·A_R, B ← B_L + x⁻¹·B_R, C ← C_L + x·C_R, r ← r_L + x⁻¹·r_R,
    /// v ← v_L + x⁻¹·v_R, w ← w_L + x·w_R.
    static func prove(
        a: [G1Affine], b: [G2Affine], c: [G1Affine], r: [Fr], v: CommitmentKey<G2Parameters>,
        w: CommitmentKey<G1Parameters>, transcript: inout Transcript, threads: Int
    ) -> Output {
        var (a, b, c, r, v, w) = (a, b, c, r, v, w)
        var rounds: [AggregateProof.Round] = []
        var challenges: [Fr] = []
        while a.count > 1 {
            let h = a.count / 2
            let (aL, aR) = (a[0..<h], a[h...])
            let (bL, bR) = (b[0..<h], b[h...])
            let (cL, cR) = (c[0..<h], c[h...])
            let (rL, rR) = (Array(r[0..<h]), Array(r[h...]))
            let (vL, vR) = v.split()
            let (wL, wR) = w.split()
            let round = AggregateProof.Round(
                tabL: Commitment.pair(v: vL, w: wR, a: aR, b: bL, threads: threads),
                tabR: Commitment.pair(v: vR, w: wL, a: aL, b: bR, threads: threads),
                tucL: Commitment.single(v: vL, c: cR, threads: threads),
                tucR: Commitment.single(v: vR, c: cL, threads: threads),
                zabL: PairingProducts.product(Array(zip(aR, bL)), threads: threads),
                zabR: PairingProducts.product(Array(zip(aL, bR)), threads: threads),
                zcL: MSM.g1(Array(cR), rL, threads: threads).toAffine(),
                zcR: MSM.g1(Array(cL), rR, threads: threads).toAffine())
            transcript.append(round: round)
            let x = transcript.challenge("gipa")
            let xInverse = x.inverse()
            rounds.append(round)
            challenges.append(x)

            a = compressed(Array(aL), Array(aR), by: x, threads: threads)
            b = compressed(Array(bL), Array(bR), by: xInverse, threads: threads)
            c = compressed(Array(cL), Array(cR), by: x, threads: threads)
            r = (0..<h).map { rL[$0] + xInverse * rR[$0] }
            v = .compress(left: vL, right: vR, by: xInverse, threads: threads)
            w = .compress(left: wL, right: wR, by: x, threads: threads)
        }
        return Output(
            rounds: rounds, challenges: challenges, finalA: a[0], finalB: b[0], finalC: c[0], finalV: v.first,
            finalW: w.first)
    }
}
