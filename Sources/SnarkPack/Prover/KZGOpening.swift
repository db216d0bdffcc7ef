import BN254

/// The polynomials of the final commitment keys and their KZG openings (paper §5.2 and the reference
/// implementations' `prove_commitment_v`/`prove_commitment_w`).
///
/// After k rounds with challenges x₀ … x_{k−1}, the final key v is h^(f_v(α)) with
/// f_v(X) = Π_j (1 + x_j⁻¹·X^(2^(k−1−j))), and the final w (scaled by r^(−i)) is g^(f_w(α)) with
/// f_w(X) = X^m · Π_j (1 + x_j·(r⁻¹X)^(2^(k−1−j))). The verifier evaluates both in O(k); the prover
/// proves them at a random z with KZG under both α and β.
enum KeyPolynomial {
    /// The coefficients of Π_i (1 + yᵢ·(s·X)^(2^i)) for y = the challenges in reverse round order:
    /// built by doubling, [1] then c ‖ (yᵢ·s^(2^i))·c. Length 2^k.
    static func coefficients(reversedChallenges y: [Fr], shift s: Fr) -> [Fr] {
        var c: [Fr] = [.one]
        c.reserveCapacity(1 << y.count)
        var sPower = s
        for (i, yi) in y.enumerated() {
            if i > 0 { sPower = sPower.squared() }
            let factor = yi * sPower
            for j in 0..<c.count { c.append(c[j] * factor) }
        }
        return c
    }

    /// Π_i (1 + yᵢ·(s·z)^(2^i)), the same product evaluated at z in O(k).
    static func evaluate(reversedChallenges y: [Fr], shift s: Fr, at z: Fr) -> Fr {
        var power = s * z
        var result = Fr.one
        for (i, yi) in y.enumerated() {
            if i > 0 { power = power.squared() }
            result *= .one + yi * power
        }
        return result
    }

    /// The quotient (f(X) − f(z))/(X − z) by synthetic division; f(z) must be the value at z.
    static func quotient(_ f: [Fr], at z: Fr) -> [Fr] {
        guard f.count > 1 else { return [] }
        var q = [Fr](repeating: .zero, count: f.count - 1)
        var carry = Fr.zero
        for i in stride(from: f.count - 1, through: 1, by: -1) {
            carry = f[i] + carry * z
            q[i - 1] = carry
        }
        return q
    }
}

enum KZG {
    /// Openings of f at z under both secrets: (Σ qᵢ·αⁱ·P, Σ qᵢ·βⁱ·P) for the quotient q.
    static func open<C: CurveParameters>(
        _ f: [Fr], at z: Fr, alphaPowers: [AffinePoint<C>], betaPowers: [AffinePoint<C>], threads: Int,
        msm: @Sendable ([AffinePoint<C>], [Fr], Int) -> JacobianPoint<C>
    ) -> (AffinePoint<C>, AffinePoint<C>) {
        let q = KeyPolynomial.quotient(f, at: z)
        let a = Array(alphaPowers[0..<q.count])
        let b = Array(betaPowers[0..<q.count])
        let (x, y) = Parallel.both(
            threads: threads, { msm(a, q, max(1, threads / 2)) }, { msm(b, q, max(1, threads / 2)) })
        let affine = JacobianPoint<C>.batchToAffine([x, y])
        return (affine[0], affine[1])
    }
}
