import BN254

/// Groth16 verification, single and batched, with snarkjs's equation
/// e(−A, B)·e(α, β)·e(vk_x, γ)·e(C, δ) = 1, vk_x = IC₀ + Σ sᵢ·ICᵢ.
///
/// Decoding already rejected coordinates ≥ q, points off the curves and a B outside G2, and public signals
/// are `Fr` values, so below r. What remains is the count of public signals and the pairing equation.
public enum Verifier {
    /// Whether the proof is valid for the public signals under the key.
    public static func verify(key: VerificationKey, publicSignals: [Fr], proof: Proof) throws(Groth16Error) -> Bool {
        let vkX = try linearCombination(key: key, publicSignals: publicSignals)
        return Pairing.pairingCheck([
            (-proof.a, proof.b), (key.alpha1, key.beta2), (vkX.toAffine(), key.gamma2), (proof.c, key.delta2),
        ])
    }

    /// Verifies many proofs of one key at once: with random ρⱼ, checks
    /// Πⱼ e(−ρⱼAⱼ, Bⱼ) · e(Σρⱼ·α, β) · e(Σρⱼ·vk_xⱼ, γ) · e(Σρⱼ·Cⱼ, δ) = 1,
    /// which holds for all j at once, except with probability about 2⁻¹²⁸ if any proof is invalid: the ρⱼ are
    /// 128 bits (as in Bellare–Garay–Rabin's small-exponent test; half the cost of full-width scalars), and
    /// Σρⱼ·vk_xⱼ is IC₀·Σρⱼ + Σᵢ ICᵢ·(Σⱼ ρⱼ·sⱼᵢ), one small multi-scalar multiplication for the whole batch.
    /// An empty batch is valid. One shared Miller loop over one pair per proof plus three, and one final
    /// exponentiation.
    public static func batchVerify(key: VerificationKey, items: [(publicSignals: [Fr], proof: Proof)])
        throws(Groth16Error) -> Bool
    {
        if items.isEmpty { return true }
        if items.count == 1 {
            return try verify(key: key, publicSignals: items[0].publicSignals, proof: items[0].proof)
        }
        var generator = SystemRandomNumberGenerator()
        var rhos: [Fr] = []
        rhos.reserveCapacity(items.count)
        var sumRho = Fr.zero
        var signalWeights = [Fr](repeating: .zero, count: key.publicCount)
        var scaledA: [G1Jacobian] = []
        scaledA.reserveCapacity(items.count + 3)
        var cPoints: [G1Affine] = []
        cPoints.reserveCapacity(items.count)
        for item in items {
            guard item.publicSignals.count == key.publicCount else {
                throw .publicInputCount(expected: key.publicCount, actual: item.publicSignals.count)
            }
            // Below 2¹²⁸, so below r: a valid canonical element.
            let rho = try! Fr(canonical: (generator.next(), generator.next(), 0, 0))
            rhos.append(rho)
            sumRho += rho
            for (i, signal) in item.publicSignals.enumerated() { signalWeights[i] += rho * signal }
            scaledA.append(G1Jacobian(-item.proof.a).multiplied(by: rho))
            cPoints.append(item.proof.c)
        }
        let sumC = MSM.g1(cPoints, rhos, threads: 1)
        let sumAlpha = G1Jacobian(key.alpha1).multiplied(by: sumRho)
        var sumVkX = G1Jacobian(key.ic[0]).multiplied(by: sumRho)
        if key.publicCount > 0 { sumVkX += MSM.g1(Array(key.ic[1...]), signalWeights, threads: 1) }
        let g1 = G1Jacobian.batchToAffine(scaledA + [sumAlpha, sumVkX, sumC])
        var pairs: [(G1Affine, G2Affine)] = []
        pairs.reserveCapacity(items.count + 3)
        for (j, item) in items.enumerated() { pairs.append((g1[j], item.proof.b)) }
        pairs.append((g1[items.count], key.beta2))
        pairs.append((g1[items.count + 1], key.gamma2))
        pairs.append((g1[items.count + 2], key.delta2))
        return Pairing.pairingCheck(pairs)
    }

    /// vk_x = IC₀ + Σ sᵢ·ICᵢ.
    public static func linearCombination(key: VerificationKey, publicSignals: [Fr]) throws(Groth16Error) -> G1Jacobian {
        guard publicSignals.count == key.publicCount else {
            throw .publicInputCount(expected: key.publicCount, actual: publicSignals.count)
        }
        if publicSignals.isEmpty { return G1Jacobian(key.ic[0]) }
        return MSM.g1(Array(key.ic[1...]), publicSignals, threads: 1).adding(key.ic[0])
    }
}
