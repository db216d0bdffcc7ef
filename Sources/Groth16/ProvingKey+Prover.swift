import BN254

/// What the prover reads from a key, whether its sections are decoded or still encoded: the MSMs of the point
/// sections and the sparse evaluation of A and B. On an encoded key each reads its section in place, once, in
/// order, and lets its pages go when done (`EncodedProvingKeySections.release`).
extension ProvingKey {
    enum G1Section {
        case a, b1, c, h
    }

    /// Σ scalars[i]·P_i over the section's points.
    func msm(_ section: G1Section, _ scalars: UnsafeBufferPointer<Fr>, threads: Int) -> G1Jacobian {
        if let encoded {
            let bytes: UnsafeRawBufferPointer
            switch section {
            case .a: bytes = encoded.a
            case .b1: bytes = encoded.b1
            case .c: bytes = encoded.c
            case .h: bytes = encoded.h
            }
            return MSM.g1(iden3: bytes, count: bytes.count / 64, scalars, threads: threads, release: encoded.release)
        }
        let points: [G1Affine]
        switch section {
        case .a: points = decodedA
        case .b1: points = decodedB1
        case .c: points = decodedC
        case .h: points = decodedH
        }
        return points.withUnsafeBufferPointer { MSM.g1($0, scalars, threads: threads) }
    }

    /// Σ scalars[i]·B2_i.
    func msmB2(_ scalars: UnsafeBufferPointer<Fr>, threads: Int) -> G2Jacobian {
        if let encoded {
            return MSM.g2(
                iden3: encoded.b2, count: encoded.b2.count / 128, scalars, threads: threads, release: encoded.release)
        }
        return decodedB2.withUnsafeBufferPointer { MSM.g2($0, scalars, threads: threads) }
    }

    /// Adds every coefficient's term k·w[wire] into `a` (matrix A) or `b` (matrix B) at its row. On an encoded
    /// key the terms are the stored values, coef·R, and the sums come out R times too large: the caller
    /// multiplies them by `rowScale` (R⁻¹ there, one here).
    func accumulateCoefficients(
        _ witness: UnsafeBufferPointer<Fr>, a: UnsafeMutablePointer<Fr>, b: UnsafeMutablePointer<Fr>
    ) -> Fr {
        if let encoded {
            guard let base = encoded.coefficients.baseAddress else { return .one }
            // In chunks of 2^16 entries (2.75 MiB), each let go once read: the section is never resident whole.
            let chunk = 1 << 16
            var start = 0
            while start < encoded.coefficientCount {
                let end = min(encoded.coefficientCount, start + chunk)
                for i in start..<end {
                    let e = EncodedProvingKeySections.entry(base, i)
                    let v = e.valueTimesR * witness[e.wire]
                    if e.matrix == 0 {
                        a[e.row] += v
                    } else {
                        b[e.row] += v
                    }
                }
                let size = EncodedProvingKeySections.coefficientSize
                encoded.release(UnsafeRawBufferPointer(rebasing: encoded.coefficients[(start * size)..<(end * size)]))
                start = end
            }
            return EncodedProvingKeySections.inverseRadix
        }
        decodedCoefficients.withUnsafeBufferPointer { coefficients in
            for k in coefficients {
                let v = k.value * witness[Int(k.signal)]
                if k.matrix == .a {
                    a[Int(k.constraint)] += v
                } else {
                    b[Int(k.constraint)] += v
                }
            }
        }
        return .one
    }
}

extension ProvingKey {
    /// The first and last point of A, B1, C, H (G1) and of B2, and the first and last coefficient, each section
    /// in that order and skipped when empty; on an encoded key only those are decoded.
    var sectionEnds: (g1: [G1Affine], g2: [G2Affine], coefficients: [MatrixCoefficient]) {
        func ends<T>(_ count: Int, _ element: (Int) -> T) -> [T] { count == 0 ? [] : [element(0), element(count - 1)] }
        guard let encoded else {
            var g1: [G1Affine] = []
            for query in [decodedA, decodedB1, decodedC, decodedH] { g1 += ends(query.count) { query[$0] } }
            return (
                g1, ends(decodedB2.count) { decodedB2[$0] }, ends(decodedCoefficients.count) { decodedCoefficients[$0] }
            )
        }
        var g1: [G1Affine] = []
        for section in [encoded.a, encoded.b1, encoded.c, encoded.h] {
            g1 += ends(section.count / 64) {
                EncodedProvingKeySections.decodedG1(
                    UnsafeRawBufferPointer(rebasing: section[(64 * $0)..<(64 * $0 + 64)]))[0]
            }
        }
        let g2 = ends(encoded.b2.count / 128) {
            EncodedProvingKeySections.decodedG2(
                UnsafeRawBufferPointer(rebasing: encoded.b2[(128 * $0)..<(128 * $0 + 128)]))[0]
        }
        let coefficients = ends(encoded.coefficientCount) { i in
            let e = EncodedProvingKeySections.entry(encoded.coefficients.baseAddress!, i)
            return MatrixCoefficient(
                matrix: e.matrix == 0 ? .a : .b, constraint: UInt32(e.row), signal: UInt32(e.wire),
                value: e.valueTimesR * EncodedProvingKeySections.inverseRadix)
        }
        return (g1, g2, coefficients)
    }
}
