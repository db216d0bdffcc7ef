import BN254

/// A pair of commitment keys over one group, (a, b) = (powers of α, powers of β), as SnarkPack uses them:
/// v = (α^i·h, β^i·h) in G2 and w = (α^(n+i)·g, β^(n+i)·g) in G1 (paper §5.1, "commitment keys from two
/// powers of tau").
struct CommitmentKey<C: CurveParameters>: Sendable {
    var a: [AffinePoint<C>]
    var b: [AffinePoint<C>]

    var count: Int { a.count }

    /// (aᵢ·sᵢ, bᵢ·sᵢ): w scaled by r^(−i) in the Groth16 aggregation.
    func scaled(by s: [Fr], threads: Int) -> Self {
        Self(a: multiplyEach(a, by: s, threads: threads), b: multiplyEach(b, by: s, threads: threads))
    }

    /// The first and second halves.
    func split() -> (left: Self, right: Self) {
        let m = count / 2
        return (Self(a: Array(a[0..<m]), b: Array(b[0..<m])), Self(a: Array(a[m...]), b: Array(b[m...])))
    }

    /// GIPA's compression: left + x·right, elementwise.
    static func compress(left: Self, right: Self, by x: Fr, threads: Int) -> Self {
        Self(
            a: compressed(left.a, right.a, by: x, threads: threads),
            b: compressed(left.b, right.b, by: x, threads: threads))
    }

    /// The single final pair once the key has length 1.
    var first: (AffinePoint<C>, AffinePoint<C>) { (a[0], b[0]) }
}

/// leftᵢ + x·rightᵢ for every i, in affine form.
func compressed<C: CurveParameters>(_ left: [AffinePoint<C>], _ right: [AffinePoint<C>], by x: Fr, threads: Int)
    -> [AffinePoint<C>]
{
    let k = SignedScalar(x)
    return Parallel.slices(left.count, threads: threads, minimumPerThread: 16) { range in
        affine(range.map { i in k.times(right[i]).adding(left[i]) })
    }.flatMap { $0 }
}
