import BN254

/// Products of pairings for the prover's commitments, spread over threads.
enum PairingProducts {
    /// Πᵢ e(Pᵢ, Qᵢ): one Miller loop product per thread, multiplied, then one final exponentiation.
    static func product(_ pairs: [(G1Affine, G2Affine)], threads: Int) -> Fq12 {
        Pairing.finalExponentiation(millerLoop(pairs, threads: threads))
    }

    /// The product of the Miller loops of the pairs (no final exponentiation).
    static func millerLoop(_ pairs: [(G1Affine, G2Affine)], threads: Int) -> Fq12 {
        let parts = Parallel.slices(pairs.count, threads: threads, minimumPerThread: 8) { range in
            Pairing.millerLoop(Array(pairs[range]))
        }
        return parts.reduce(Fq12.one, *)
    }
}
