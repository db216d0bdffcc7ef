import BN254
import Groth16

/// Aggregates Groth16 proofs of one circuit into one SnarkPack proof (Gailly, Maller and Nitulescu 2021,
/// §5, with the transcript fixes of bellperson's "version 2": the first GIPA challenge covers the first
/// round's messages and the KZG challenge covers the final vectors).
public enum Aggregator {
    /// Aggregates `proofs` (at least 2), whose public signals are `publicSignals` in the same order, under
    /// `verificationKey`. The proofs are padded to a power of two by repeating the last one; the reference
    /// string must support that many. The proofs are not verified here: an invalid proof gives an aggregate
    /// that does not verify.
    public static func aggregate(
        proofs: [Proof], publicSignals: [[Fr]], verificationKey: VerificationKey, srs: SRS,
        threads: Int = MSM.defaultThreads
    ) throws(SnarkPackError) -> AggregateProof {
        let key = try srs.proverKey(proofs: paddedSize(proofs.count))
        return try aggregate(
            proofs: proofs, publicSignals: publicSignals, verificationKey: verificationKey, key: key, threads: threads)
    }

    /// The same with a prover key already cut for the padded count.
    public static func aggregate(
        proofs: [Proof], publicSignals: [[Fr]], verificationKey: VerificationKey, key: ProverKey,
        threads: Int = MSM.defaultThreads
    ) throws(SnarkPackError) -> AggregateProof {
        let n = proofs.count
        guard n >= 2 else { throw .tooFewProofs(count: n) }
        guard publicSignals.count == n else { throw .proofCountMismatch(proofs: n, publicSignals: publicSignals.count) }
        for list in publicSignals where list.count != verificationKey.publicCount {
            throw .groth16(.publicInputCount(expected: verificationKey.publicCount, actual: list.count))
        }
        let m = paddedSize(n)
        guard key.n == m else {
            throw .invalidCount(what: "prover key size", value: key.n, allowed: "\(m) for \(n) proofs")
        }
        let padded = proofs + [Proof](repeating: proofs[n - 1], count: m - n)
        let paddedSignals = publicSignals + [[Fr]](repeating: publicSignals[n - 1], count: m - n)

        var transcript = Transcript.statement(
            srs: key.verifierKey, verificationKey: verificationKey, count: n, paddedPublicSignals: paddedSignals)
        let a = padded.map { $0.a }
        let b = padded.map { $0.b }
        let c = padded.map { $0.c }

        // Commit to A, B and C, then draw r for the random linear combination of the m Groth16 equations.
        let comAB = Commitment.pair(v: key.v, w: key.w, a: a[...], b: b[...], threads: threads)
        let comC = Commitment.single(v: key.v, c: c[...], threads: threads)
        transcript.append("com_ab", comAB)
        transcript.append("com_c", comC)
        let r = transcript.challenge("r")
        let rPowers = powers(of: r, count: m)
        var rInverses = rPowers
        Fr.batchInverse(&rInverses)

        // B' = rⁱ·Bᵢ, so Π e(Aᵢ, B'ᵢ) = Π e(Aᵢ, Bᵢ)^(rⁱ); w' = r^(−i)·wᵢ keeps the commitment to (A, B') equal
        // to com_ab.
        let bR = multiplyEach(b, by: rPowers, threads: threads)
        let ipAB = PairingProducts.product(Array(zip(a, bR)), threads: threads)
        let aggC = MSM.g1(c, rPowers, threads: threads).toAffine()
        let wScaled = key.w.scaled(by: rInverses, threads: threads)
        transcript.append("ip_ab", ipAB)
        transcript.append("agg_c", aggC)

        let gipa = GIPA.prove(
            a: a, b: bR, c: c, r: rPowers, v: key.v, w: wScaled, transcript: &transcript, threads: threads)
        var proof = AggregateProof(
            count: n, comAB: comAB, comC: comC, ipAB: ipAB, aggC: aggC, rounds: gipa.rounds,
            finalA: gipa.finalA, finalB: gipa.finalB, finalC: gipa.finalC, finalV: gipa.finalV, finalW: gipa.finalW,
            openingV: (.infinity, .infinity), openingW: (.infinity, .infinity))

        // KZG openings of the final keys at z.
        transcript.appendFinal(proof)
        let z = transcript.challenge("z")
        let reversedInverses = gipa.challenges.reversed().map { $0.inverse() }
        let reversed = Array(gipa.challenges.reversed())
        let fv = KeyPolynomial.coefficients(reversedChallenges: reversedInverses, shift: .one)
        let fw =
            [Fr](repeating: .zero, count: m)
            + KeyPolynomial.coefficients(reversedChallenges: reversed, shift: r.inverse())
        let (openingV, openingW) = Parallel.both(
            threads: threads,
            {
                KZG.open(fv, at: z, alphaPowers: key.hAlpha, betaPowers: key.hBeta, threads: max(1, threads / 2)) {
                    MSM.g2($0, $1, threads: $2)
                }
            },
            {
                KZG.open(fw, at: z, alphaPowers: key.gAlpha, betaPowers: key.gBeta, threads: max(1, threads / 2)) {
                    MSM.g1($0, $1, threads: $2)
                }
            })
        proof.openingV = openingV
        proof.openingW = openingW
        return proof
    }
}
