import BN254

/// A development trusted setup: from any R1CS, a proving key in snarkjs's layout whose secrets (τ, α, β, γ,
/// δ) are drawn from the system's secure generator and dropped when the function returns.
///
/// UNSAFE FOR PRODUCTION. Whoever runs it could have kept the secrets and could then forge proofs. Real
/// deployments use the zkey of a multi-party ceremony (snarkjs powers of tau + phase 2) instead.
public enum DevelopmentSetup {
    /// The warning every caller shows its user.
    public static let warning =
        "UNSAFE development setup: its toxic waste was random and discarded, but nobody can prove that; use a ceremony's zkey in production"

    /// Builds the proving key for `r1cs`.
    public static func setup(r1cs: R1CS, threads: Int = MSM.defaultThreads) throws(Groth16Error) -> ProvingKey {
        try setup(
            r1cs: r1cs,
            secrets: Secrets(tau: .random(), alpha: .random(), beta: .random(), gamma: .random(), delta: .random()),
            threads: threads)
    }

    /// The toxic waste; only tests choose it.
    struct Secrets {
        var tau, alpha, beta, gamma, delta: Fr
    }

    static func setup(r1cs: R1CS, secrets: Secrets, threads: Int) throws(Groth16Error) -> ProvingKey {
        let nConstraints = r1cs.constraints.count
        let nPublic = r1cs.nPublic
        let nVars = r1cs.nWires
        let rows = nConstraints + nPublic + 1
        guard rows <= 1 << 27 else { throw .circuitTooLarge(constraints: nConstraints) }
        let domain: EvaluationDomain
        let omega2n: Fr
        do {
            domain = try EvaluationDomain(minimumSize: rows, threads: threads)
            omega2n = try EvaluationDomain.primitiveRoot(logSize: domain.logSize + 1)
        } catch {
            throw .bn254(error)
        }
        let n = domain.size
        let tau = secrets.tau

        // Lagrange basis of the n-domain at τ: L_i(τ) = (τⁿ − 1)·ωⁱ / (n·(τ − ωⁱ)).
        let zTau = tau.power(UInt64(n)) - .one
        var omegaI = [Fr](repeating: .one, count: n)
        for i in 1..<max(n, 1) { omegaI[i] = omegaI[i - 1] * domain.generator }
        var denominators = omegaI.map { tau - $0 }
        Fr.batchInverse(&denominators)
        let factor = zTau * Fr(UInt64(n)).inverse()
        let lagrange = (0..<n).map { factor * omegaI[$0] * denominators[$0] }

        // u_j, v_j, w_j: each wire's A, B, C polynomials at τ. The extra rows bind each public signal s
        // (and the constant one) to A with coefficient 1 at row nConstraints + s.
        var u = [Fr](repeating: .zero, count: nVars)
        var v = [Fr](repeating: .zero, count: nVars)
        var w = [Fr](repeating: .zero, count: nVars)
        var coefficients: [MatrixCoefficient] = []
        for (i, constraint) in r1cs.constraints.enumerated() {
            for t in constraint.a.terms {
                u[Int(t.wire)] += t.coefficient * lagrange[i]
                coefficients.append(
                    MatrixCoefficient(matrix: .a, constraint: UInt32(i), signal: t.wire, value: t.coefficient))
            }
            for t in constraint.b.terms {
                v[Int(t.wire)] += t.coefficient * lagrange[i]
                coefficients.append(
                    MatrixCoefficient(matrix: .b, constraint: UInt32(i), signal: t.wire, value: t.coefficient))
            }
            for t in constraint.c.terms { w[Int(t.wire)] += t.coefficient * lagrange[i] }
        }
        for s in 0...nPublic {
            u[s] += lagrange[nConstraints + s]
            coefficients.append(
                MatrixCoefficient(matrix: .a, constraint: UInt32(nConstraints + s), signal: UInt32(s), value: .one))
        }

        let gammaInverse = secrets.gamma.inverse()
        let deltaInverse = secrets.delta.inverse()
        let combined = (0..<nVars).map { secrets.beta * u[$0] + secrets.alpha * v[$0] + w[$0] }
        let icScalars = (0...nPublic).map { combined[$0] * gammaInverse }
        let cScalars = ((nPublic + 1)..<nVars).map { combined[$0] * deltaInverse }

        // H: [L_{2i+1}(τ)/δ]₁ over the 2n-domain: (τ^2n − 1)·y_i / (2n·(τ − y_i)·δ), y_i = ω_2n^(2i+1).
        var y = [Fr](repeating: omega2n, count: n)
        let omegaSquared = omega2n.squared()
        for i in 1..<max(n, 1) { y[i] = y[i - 1] * omegaSquared }
        var hDenominators = y.map { tau - $0 }
        Fr.batchInverse(&hDenominators)
        let hFactor = (tau.power(UInt64(2 * n)) - .one) * Fr(UInt64(2 * n)).inverse() * deltaInverse
        let hScalars = (0..<n).map { hFactor * y[$0] * hDenominators[$0] }

        let g1 = FixedBaseTable(base: G1Jacobian.generator)
        let g2 = FixedBaseTable(base: G2Jacobian.generator)
        return ProvingKey(
            nVars: nVars, nPublic: nPublic, domainSize: n,
            alpha1: g1.multiply(secrets.alpha).toAffine(),
            beta1: g1.multiply(secrets.beta).toAffine(),
            beta2: g2.multiply(secrets.beta).toAffine(),
            gamma2: g2.multiply(secrets.gamma).toAffine(),
            delta1: g1.multiply(secrets.delta).toAffine(),
            delta2: g2.multiply(secrets.delta).toAffine(),
            ic: g1.multiplyAll(icScalars, threads: threads),
            coefficients: coefficients,
            a: g1.multiplyAll(u, threads: threads),
            b1: g1.multiplyAll(v, threads: threads),
            b2: g2.multiplyAll(v, threads: threads),
            c: g1.multiplyAll(cScalars, threads: threads),
            h: g1.multiplyAll(hScalars, threads: threads))
    }
}
