import BN254
import Groth16

/// Verifies a SnarkPack aggregate against a Groth16 verification key and the public signals of every
/// aggregated proof.
///
/// The aggregate's elements are taken as decoded: `AggregateProof(encoded:)` has already rejected
/// coordinates ≥ q, points off their curves, G2 points outside G2 and target-group elements outside GT.
///
/// All pairing equations are checked at once, as the reference implementations do: every equation but the
/// aggregated Groth16 one is raised to a fresh random ρ (on the G1 side of its pairings and on its
/// expected value), the Miller loops are multiplied, and one final exponentiation is compared with the
/// product of the expected values, which itself is one multi-exponentiation in GT. Pairings that share a
/// G2 point are merged by adding their G1 points, so the whole check is 11 Miller loops whatever n is.
public enum AggregateVerifier {
    /// Whether the aggregate proves that every proof i is valid for `publicSignals[i]`.
    /// Throws when the inputs do not fit together (counts, sizes); returns false for a wrong proof.
    public static func verify(
        aggregate p: AggregateProof, publicSignals: [[Fr]], verificationKey vk: VerificationKey, srs: VerifierKey,
        threads: Int = MSM.defaultThreads
    ) throws(SnarkPackError) -> Bool {
        let n = p.count
        guard publicSignals.count == n else { throw .proofCountMismatch(proofs: n, publicSignals: publicSignals.count) }
        for list in publicSignals where list.count != vk.publicCount {
            throw .groth16(.publicInputCount(expected: vk.publicCount, actual: list.count))
        }
        let m = p.paddedCount
        guard n >= 2, paddedSize(n) == m else {
            throw .invalidCount(
                what: "proof count", value: n, allowed: "2…\(m) for \(p.rounds.count) rounds, more than \(m / 2)")
        }
        guard m <= srs.maxProofs else { throw .srsTooSmall(needed: m, available: srs.maxProofs) }
        let paddedSignals = publicSignals + [[Fr]](repeating: publicSignals[n - 1], count: m - n)

        // Replay the transcript.
        var transcript = Transcript.statement(
            srs: srs, verificationKey: vk, count: n, paddedPublicSignals: paddedSignals)
        transcript.append("com_ab", p.comAB)
        transcript.append("com_c", p.comC)
        let r = transcript.challenge("r")
        transcript.append("ip_ab", p.ipAB)
        transcript.append("agg_c", p.aggC)
        var x: [Fr] = []
        for round in p.rounds {
            transcript.append(round: round)
            x.append(transcript.challenge("gipa"))
        }
        transcript.appendFinal(p)
        let z = transcript.challenge("z")
        var xInverse = x
        Fr.batchInverse(&xInverse)
        let k = x.count

        // MIPP's final check needs no pairing: Z_C + Σ (x_j·zc_L + x_j⁻¹·zc_R) = r_final·C_final, where
        // r_final = Π_j (1 + x_j⁻¹·r^(2^(k−1−j))) is the compressed vector (1, r, r², …).
        let reversedInverses = Array(xInverse.reversed())
        let rFinal = KeyPolynomial.evaluate(reversedChallenges: reversedInverses, shift: .one, at: r)
        var zcPoints: [G1Affine] = [p.aggC]
        var zcScalars: [Fr] = [.one]
        for j in 0..<k {
            zcPoints += [p.rounds[j].zcL, p.rounds[j].zcR]
            zcScalars += [x[j], xInverse[j]]
        }
        zcPoints.append(-p.finalC)
        zcScalars.append(rFinal)
        guard MSM.g1(zcPoints, zcScalars, threads: 1).isInfinity else { return false }

        // The values of the key polynomials at z.
        let fvZ = KeyPolynomial.evaluate(reversedChallenges: reversedInverses, shift: .one, at: z)
        let fwZ =
            z.power(UInt64(m))
            * KeyPolynomial.evaluate(reversedChallenges: Array(x.reversed()), shift: r.inverse(), at: z)

        // Random weights, one per randomized equation.
        let rho = (0..<9).map { _ in Fr.random() }
        let (rhoZ, rhoT, rhoU, rhoTC, rhoUC, rhoV1, rhoV2, rhoW1, rhoW2) =
            (rho[0], rho[1], rho[2], rho[3], rho[4], rho[5], rho[6], rho[7], rho[8])
        let g = G1Affine.generator
        let (v1, v2) = p.finalV
        let (w1, w2) = p.finalW
        let (piV1, piV2) = p.openingV
        let (piW1, piW2) = p.openingW

        // Groth16, aggregated: Z_AB = e(Σrⁱ·α, β)·e(Σrⁱ·vk_xᵢ, γ)·e(Z_C, δ), with vk_x's combination
        // IC₀·Σrⁱ + Σ_s IC_s·(Σᵢ rⁱ·signal_{i,s}).
        let rPowers = powers(of: r, count: m)
        let rSum = rPowers.reduce(Fr.zero, +)
        var columns = [Fr](repeating: .zero, count: vk.publicCount)
        for (i, list) in paddedSignals.enumerated() {
            for (s, value) in list.enumerated() { columns[s] += rPowers[i] * value }
        }
        let vkX = MSM.g1(vk.ic, [rSum] + columns, threads: 1)

        // G1 sides, grouped by their G2 partner:
        //  final B:   ρZ·A + ρT·w₁ + ρU·w₂            (Z_AB = e(A,B); T_AB = e(A,v₁)e(w₁,B); U_AB = e(A,v₂)e(w₂,B))
        //  v₁:        ρT·A + ρTC·C − ρV1·g           (T_C = e(C,v₁); KZG of v₁: e(g, v₁ − f_v(z)·h) = e(α·g − z·g, π_v1))
        //  v₂:        ρU·A + ρUC·C − ρV2·g
        //  h:         (ρV1 + ρV2)·f_v(z)·g − ρW1·(w₁ − f_w(z)·g + z·π_w1) − ρW2·(w₂ − f_w(z)·g + z·π_w2)
        //  π_v1:      ρV1·(α·g − z·g);  π_v2: ρV2·(β·g − z·g)
        //  α·h:       ρW1·π_w1;  β·h: ρW2·π_w2     (KZG of w: e(w − f_w(z)·g, h) = e(π_w, α·h − z·h))
        //  β, γ, δ:   Σrⁱ·α, vk_x, Z_C             (not randomized: the one equation that may stay as it is)
        let pA = p.finalA
        let pC = p.finalC
        let g1Sides: [[(G1Affine, Fr)]] = [
            [(pA, rhoZ), (w1, rhoT), (w2, rhoU)],
            [(pA, rhoT), (pC, rhoTC), (g, -rhoV1)],
            [(pA, rhoU), (pC, rhoUC), (g, -rhoV2)],
            [
                (g, (rhoV1 + rhoV2) * fvZ + (rhoW1 + rhoW2) * fwZ), (w1, -rhoW1), (piW1, -(rhoW1 * z)), (w2, -rhoW2),
                (piW2, -(rhoW2 * z)),
            ],
            [(srs.gAlpha, rhoV1), (g, -(rhoV1 * z))],
            [(srs.gBeta, rhoV2), (g, -(rhoV2 * z))],
            [(piW1, rhoW1)],
            [(piW2, rhoW2)],
            [(vk.alpha1, rSum)],
        ]
        let g2Sides: [G2Affine] = [p.finalB, v1, v2, .generator, piV1, piV2, srs.hAlpha, srs.hBeta, vk.beta2]
        var g1 = g1Sides.map { side in
            side.reduce(G1Jacobian.infinity) { acc, term in acc + SignedScalar(term.1).times(term.0) }
        }
        g1.append(vkX)
        g1.append(G1Jacobian(p.aggC))
        let g1Affine = affine(g1)
        let pairs = Array(zip(g1Affine, g2Sides + [vk.gamma2, vk.delta2]))

        // Expected values: Z_AB·(Z_AB,final)^ρZ·(T_AB,final)^ρT·…, each final value being the statement's value
        // times Π_j L_j^(x_j)·R_j^(x_j⁻¹): one multi-exponentiation.
        var elements: [Fq12] = [p.ipAB, p.comAB.t, p.comAB.u, p.comC.t, p.comC.u]
        var exponents: [Fr] = [.one + rhoZ, rhoT, rhoU, rhoTC, rhoUC]
        for j in 0..<k {
            let round = p.rounds[j]
            let (xj, yj) = (x[j], xInverse[j])
            elements += [round.zabL, round.zabR, round.tabL.t, round.tabR.t, round.tabL.u, round.tabR.u]
            exponents += [rhoZ * xj, rhoZ * yj, rhoT * xj, rhoT * yj, rhoU * xj, rhoU * yj]
            elements += [round.tucL.t, round.tucR.t, round.tucL.u, round.tucR.u]
            exponents += [rhoTC * xj, rhoTC * yj, rhoUC * xj, rhoUC * yj]
        }
        let (gtElements, gtExponents) = (elements, exponents)
        let (loops, expected) = Parallel.both(
            threads: threads,
            { PairingProducts.millerLoop(pairs, threads: max(1, threads / 2)) },
            {
                Parallel.slices(gtElements.count, threads: max(1, threads / 2), minimumPerThread: 8) { range in
                    TargetGroup.multiPower(Array(gtElements[range]), Array(gtExponents[range]))
                }.reduce(Fq12.one, *)
            })
        return Pairing.finalExponentiation(loops) == expected
    }
}
