import BN254

/// A commitment's output: two target-group elements, one under each key (α and β).
public struct CommitmentPair: Sendable, Equatable {
    public var t: Fq12
    public var u: Fq12

    public init(t: Fq12, u: Fq12) {
        self.t = t
        self.u = u
    }
}

/// The two commitment schemes of SnarkPack (paper §5.1), both binding under the ASDBP assumption:
///
/// - the pair commitment to A ∈ G1ⁿ and B ∈ G2ⁿ: (Π e(Aᵢ, v.aᵢ)·e(w.aᵢ, Bᵢ), Π e(Aᵢ, v.bᵢ)·e(w.bᵢ, Bᵢ));
/// - the single commitment to C ∈ G1ⁿ: (Π e(Cᵢ, v.aᵢ), Π e(Cᵢ, v.bᵢ)).
enum Commitment {
    static func pair(
        v: CommitmentKey<G2Parameters>, w: CommitmentKey<G1Parameters>, a: ArraySlice<G1Affine>,
        b: ArraySlice<G2Affine>,
        threads: Int
    ) -> CommitmentPair {
        var first: [(G1Affine, G2Affine)] = []
        var second: [(G1Affine, G2Affine)] = []
        first.reserveCapacity(2 * a.count)
        second.reserveCapacity(2 * a.count)
        for (i, (ai, bi)) in zip(a, b).enumerated() {
            first.append((ai, v.a[i]))
            first.append((w.a[i], bi))
            second.append((ai, v.b[i]))
            second.append((w.b[i], bi))
        }
        return CommitmentPair(
            t: PairingProducts.product(first, threads: threads), u: PairingProducts.product(second, threads: threads))
    }

    static func single(v: CommitmentKey<G2Parameters>, c: ArraySlice<G1Affine>, threads: Int) -> CommitmentPair {
        let first = zip(c, v.a).map { ($0, $1) }
        let second = zip(c, v.b).map { ($0, $1) }
        return CommitmentPair(
            t: PairingProducts.product(first, threads: threads), u: PairingProducts.product(second, threads: threads))
    }
}
