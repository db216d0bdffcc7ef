import BN254

/// 1, s, s², …, s^(count−1).
func powers(of s: Fr, count: Int) -> [Fr] {
    var out: [Fr] = []
    out.reserveCapacity(count)
    var p = Fr.one
    for _ in 0..<count {
        out.append(p)
        p *= s
    }
    return out
}
