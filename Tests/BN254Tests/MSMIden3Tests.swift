import Testing

@testable import BN254

/// The MSM on points in their iden3 encoding (a .zkey's sections, read in place) and its streaming in chunks.
@Suite struct MSMIden3Tests {
    /// The iden3 encoding of `points`: Montgomery limbs, little-endian, infinity as zeros.
    static func iden3<C: CurveParameters>(_ points: [AffinePoint<C>], size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for p in points {
            if p.isInfinity {
                bytes += [UInt8](repeating: 0, count: size)
            } else if let x = p.x as? Fq, let y = p.y as? Fq {
                bytes += x.montgomeryLittleEndianBytes + y.montgomeryLittleEndianBytes
            } else if let x = p.x as? Fq2, let y = p.y as? Fq2 {
                bytes += [x.c0, x.c1, y.c0, y.c1].flatMap(\.montgomeryLittleEndianBytes)
            }
        }
        return bytes
    }

    /// Points with some at infinity and one repeated, so that chunks see every case.
    static func g1Points(_ n: Int, _ g: inout SeededGenerator) -> [G1Affine] {
        var points = randomG1Points(n, &g)
        for i in stride(from: 3, to: n, by: 11) { points[i] = .infinity }
        if n > 5 { points[5] = points[1] }
        return points
    }

    @Test("G1 on iden3 bytes equals the naive sum, whole and in chunks of every size", arguments: [1, 2, 50, 301])
    func g1Iden3(n: Int) {
        var g = SeededGenerator(seed: UInt64(n) &+ 77)
        let points = Self.g1Points(n, &g)
        let scalars = awkwardScalars(n, &g)
        let expected = naiveMSM(points, scalars)
        let bytes = Self.iden3(points, size: 64)
        let whole = bytes.withUnsafeBytes { raw in
            scalars.withUnsafeBufferPointer { MSM.g1(iden3: raw, count: n, $0, threads: 2) }
        }
        #expect(whole == expected)
        for chunk in [1, 7, 64, n] {
            var released: [Range<Int>] = []
            let chunked = bytes.withUnsafeBytes { raw in
                scalars.withUnsafeBufferPointer { s in
                    MSM.withEndomorphism(
                        Iden3Points<G1Parameters>(raw.baseAddress!), count: n, s, threads: 3, inversionCost: 300,
                        chunkPoints: chunk, release: { released.append($0) })
                }
            }
            #expect(chunked == expected, "chunks of \(chunk)")
            // Every point is released once, in order, after its chunk.
            #expect(released.first?.lowerBound == 0)
            #expect(released.last?.upperBound == n)
            #expect(zip(released, released.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(released.allSatisfy { $0.count <= chunk })
        }
    }

    @Test("G2 on iden3 bytes equals the naive sum and the decoded MSM", arguments: [3, 90])
    func g2Iden3(n: Int) {
        var g = SeededGenerator(seed: UInt64(n) &+ 5)
        var points = randomG2Points(n, &g)
        points[1] = .infinity
        let scalars = awkwardScalars(n, &g)
        let expected = naiveMSM(points, scalars)
        let bytes = Self.iden3(points, size: 128)
        var releasedBytes = 0
        let encoded = bytes.withUnsafeBytes { raw in
            scalars.withUnsafeBufferPointer {
                MSM.g2(iden3: raw, count: n, $0, threads: 2, release: { releasedBytes += $0.count })
            }
        }
        #expect(encoded == expected)
        #expect(MSM.g2(points, scalars, threads: 2) == expected)
        #expect(releasedBytes == 128 * n)
    }
}
