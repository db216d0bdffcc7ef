import BN254

/// SnarkPack's structured reference string: the powers of two secrets α and β (from two independent
/// powers-of-tau ceremonies) in both groups,
///
///   gAlpha[i] = α^i·g, gBeta[i] = β^i·g for i < 2N (G1), and hAlpha[i] = α^i·h, hBeta[i] = β^i·h for i < N (G2),
///
/// where g and h are the standard generators and N, a power of two, is the most proofs it can aggregate
/// (Gailly, Maller and Nitulescu, "SnarkPack: Practical SNARK Aggregation", 2021, §5: the commitment keys
/// v = (hAlpha, hBeta)[0..<n] and w = (gAlpha, gBeta)[n..<2n], and the KZG openings of the final keys).
///
/// No one may know α or β: build it from two ceremonies' `.ptau` files (`PowersOfTau`); the development
/// generator (`SRS.unsafeDevelopment`) knows both.
public struct SRS: Sendable, Equatable {
    public let gAlpha: [G1Affine]
    public let gBeta: [G1Affine]
    public let hAlpha: [G2Affine]
    public let hBeta: [G2Affine]

    /// The most proofs this reference string can aggregate (after padding to a power of two).
    public var maxProofs: Int { hAlpha.count }

    /// Wraps powers after checking their shape: N a power of two ≥ 2, lengths 2N and N, the standard
    /// generators at index 0, and α ≠ β. `validate()` checks that they really are powers.
    public init(gAlpha: [G1Affine], gBeta: [G1Affine], hAlpha: [G2Affine], hBeta: [G2Affine]) throws(SnarkPackError) {
        let n = hAlpha.count
        guard n >= 2, n & (n - 1) == 0 else {
            throw .invalidSRS("the number of G2 powers must be a power of two ≥ 2, got \(n)")
        }
        guard hBeta.count == n, gAlpha.count == 2 * n, gBeta.count == 2 * n else {
            throw .invalidSRS(
                "lengths \(gAlpha.count), \(gBeta.count) (G1) and \(hAlpha.count), \(hBeta.count) (G2) do not match 2N, 2N, N, N"
            )
        }
        guard gAlpha[0] == .generator, gBeta[0] == .generator, hAlpha[0] == .generator, hBeta[0] == .generator else {
            throw .invalidSRS("the powers do not start at the standard generators of G1 and G2")
        }
        guard gAlpha[1] != gBeta[1] else { throw .identicalSecrets }
        guard !gAlpha[1].isInfinity, !gBeta[1].isInfinity, gAlpha[1] != .generator, gBeta[1] != .generator else {
            throw .invalidSRS("a secret is 0 or 1")
        }
        self.gAlpha = gAlpha
        self.gBeta = gBeta
        self.hAlpha = hAlpha
        self.hBeta = hBeta
    }

    /// Checks with pairings that each sequence is the powers of one secret and that G1 and G2 agree, by
    /// random linear combinations (as snarkjs's `powersoftau verify` does): for each sequence P and random ρ,
    /// e(Σ ρᵢ·Pᵢ, α·h) = e(Σ ρᵢ·Pᵢ₊₁, h) in G1 and e(α·g, Σ ρᵢ·Qᵢ) = e(g, Σ ρᵢ·Qᵢ₊₁) in G2, and
    /// e(α·g, h) = e(g, α·h); all in one product of pairings. Points are already on their curves and in
    /// their groups (the decoders check that).
    public func validate(threads: Int = MSM.defaultThreads) throws(SnarkPackError) {
        var g1Pairs: [(G1Jacobian, G2Affine)] = []
        var g2Pairs: [(G1Affine, G2Jacobian)] = []
        var negativeShiftedG1 = G1Jacobian.infinity
        var negativeShiftedG2 = G2Jacobian.infinity
        for (g, h) in [(gAlpha, hAlpha), (gBeta, hBeta)] {
            let rho1 = (0..<(g.count - 1)).map { _ in Fr.random() }
            let low1 = MSM.g1(Array(g[0..<(g.count - 1)]), rho1, threads: threads)
            let high1 = MSM.g1(Array(g[1...]), rho1, threads: threads)
            g1Pairs.append((low1, h[1]))
            negativeShiftedG1 = negativeShiftedG1 - high1
            let rho2 = (0..<(h.count - 1)).map { _ in Fr.random() }
            let low2 = MSM.g2(Array(h[0..<(h.count - 1)]), rho2, threads: threads)
            let high2 = MSM.g2(Array(h[1...]), rho2, threads: threads)
            g2Pairs.append((g[1], low2))
            negativeShiftedG2 = negativeShiftedG2 - high2
            // e(σ·α·g, h)·e(−σ·g, α·h) = 1
            let sigma = Fr.random()
            g1Pairs.append((g[1].multiplied(by: sigma), .generator))
            g1Pairs.append((-(G1Jacobian.generator.multiplied(by: sigma)), h[1]))
        }
        g1Pairs.append((negativeShiftedG1, .generator))
        g2Pairs.append((G1Affine.generator, negativeShiftedG2))
        let g1 = G1Jacobian.batchToAffine(g1Pairs.map { $0.0 })
        let g2 = G2Jacobian.batchToAffine(g2Pairs.map { $0.1 })
        var pairs: [(G1Affine, G2Affine)] = []
        for (i, pair) in g1Pairs.enumerated() { pairs.append((g1[i], pair.1)) }
        for (i, pair) in g2Pairs.enumerated() { pairs.append((pair.0, g2[i])) }
        guard Pairing.pairingCheck(pairs) else {
            throw .invalidSRS("the points are not successive powers of one secret in G1 and G2")
        }
    }

    /// The commitment keys and KZG tables for aggregating exactly `proofs` proofs (a power of two ≥ 2).
    public func proverKey(proofs n: Int) throws(SnarkPackError) -> ProverKey {
        guard n >= 2, n & (n - 1) == 0 else {
            throw .invalidCount(what: "padded proof count", value: n, allowed: "a power of two ≥ 2")
        }
        guard n <= maxProofs else { throw .srsTooSmall(needed: n, available: maxProofs) }
        return ProverKey(
            n: n,
            v: CommitmentKey(a: Array(hAlpha[0..<n]), b: Array(hBeta[0..<n])),
            w: CommitmentKey(a: Array(gAlpha[n..<(2 * n)]), b: Array(gBeta[n..<(2 * n)])),
            gAlpha: Array(gAlpha[0..<(2 * n)]), gBeta: Array(gBeta[0..<(2 * n)]),
            hAlpha: Array(hAlpha[0..<n]), hBeta: Array(hBeta[0..<n]),
            verifierKey: verifierKey)
    }

    /// What a verifier needs, whatever the number of proofs.
    public var verifierKey: VerifierKey {
        VerifierKey(maxProofs: maxProofs, gAlpha: gAlpha[1], gBeta: gBeta[1], hAlpha: hAlpha[1], hBeta: hBeta[1])
    }
}

/// The prover's part of the reference string for exactly n proofs.
public struct ProverKey: Sendable {
    public let n: Int
    /// v = (α^i·h, β^i·h), i < n: commits to A and C.
    let v: CommitmentKey<G2Parameters>
    /// w = (α^(n+i)·g, β^(n+i)·g), i < n: commits to B.
    let w: CommitmentKey<G1Parameters>
    /// All powers the KZG openings need: 2n in G1 (w's polynomial has degree 2n − 1), n in G2.
    let gAlpha: [G1Affine]
    let gBeta: [G1Affine]
    let hAlpha: [G2Affine]
    let hBeta: [G2Affine]
    public let verifierKey: VerifierKey
}

/// The verifier's part of the reference string: the generators and the first powers of α and β.
public struct VerifierKey: Sendable, Equatable {
    /// The most proofs the reference string supports (a power of two).
    public let maxProofs: Int
    public let gAlpha: G1Affine
    public let gBeta: G1Affine
    public let hAlpha: G2Affine
    public let hBeta: G2Affine

    public init(maxProofs: Int, gAlpha: G1Affine, gBeta: G1Affine, hAlpha: G2Affine, hBeta: G2Affine) {
        self.maxProofs = maxProofs
        self.gAlpha = gAlpha
        self.gBeta = gBeta
        self.hAlpha = hAlpha
        self.hBeta = hBeta
    }

    /// The bytes a transcript binds: the four points, compressed.
    var transcriptBytes: [UInt8] { gAlpha.compressed + gBeta.compressed + hAlpha.compressed + hBeta.compressed }
}
