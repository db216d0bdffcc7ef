import BN254

/// The reference-string file (docs/snarkpack.md): "SPKS", u32 version 1, u32 log₂N, then gAlpha (2N G1),
/// gBeta (2N G1), hAlpha (N G2), hBeta (N G2), uncompressed in the Ethereum layout (EIP-196/197: 64 and 128
/// bytes big-endian, G2 imaginary part first). 192·N·2 + 12 bytes: 3 MiB for N = 8,192.
extension SRS {
    static let magic: [UInt8] = Array("SPKS".utf8)
    static let version = 1
    /// The largest N a file may declare: 2^27 proofs (a 48 GiB file).
    static let maxLog = 27

    public var encoded: [UInt8] {
        var out = Self.magic + uint32Bytes(Self.version) + uint32Bytes(maxProofs.trailingZeroBitCount)
        out.reserveCapacity(12 + 2 * gAlpha.count * 64 + 2 * hAlpha.count * 128)
        for p in gAlpha { out += p.ethereumBytes }
        for p in gBeta { out += p.ethereumBytes }
        for p in hAlpha { out += p.ethereumBytes }
        for p in hBeta { out += p.ethereumBytes }
        return out
    }

    /// Decodes a reference string, checking every point (range, curve, G2 subgroup, in parallel), the shape
    /// (`init(gAlpha:…)`) and, unless `validatePowers` is false, that the points are powers (`validate()`).
    public init(encoded bytes: [UInt8], validatePowers: Bool = true, threads: Int = MSM.defaultThreads)
        throws(SnarkPackError)
    {
        let n = try Self.header(bytes)
        let g1Start = 12
        let g2Start = 12 + 4 * n * 64
        let g1 = try Self.decodeG1(bytes, from: g1Start, count: 4 * n, threads: threads)
        let g2 = try Self.decodeG2(bytes, from: g2Start, count: 2 * n, threads: threads)
        try self.init(
            gAlpha: Array(g1[0..<(2 * n)]), gBeta: Array(g1[(2 * n)...]), hAlpha: Array(g2[0..<n]),
            hBeta: Array(g2[n...]))
        if validatePowers { try validate(threads: threads) }
    }

    /// Reads only what a verifier needs from a reference-string file (the first two powers of each
    /// sequence) and checks those: generators, α ≠ β, and e(α·g, h) = e(g, α·h) and the same for β.
    public static func verifierKey(encoded bytes: [UInt8]) throws(SnarkPackError) -> VerifierKey {
        let n = try header(bytes)
        let gA = try decodeG1(bytes, from: 12, count: 2, threads: 1)
        let gB = try decodeG1(bytes, from: 12 + 2 * n * 64, count: 2, threads: 1)
        let hA = try decodeG2(bytes, from: 12 + 4 * n * 64, count: 2, threads: 1)
        let hB = try decodeG2(bytes, from: 12 + 4 * n * 64 + n * 128, count: 2, threads: 1)
        guard gA[0] == .generator, gB[0] == .generator, hA[0] == .generator, hB[0] == .generator else {
            throw .invalidSRS("the powers do not start at the standard generators of G1 and G2")
        }
        return try VerifierKey(checking: n, gAlpha: gA[1], gBeta: gB[1], hAlpha: hA[1], hBeta: hB[1])
    }

    /// Checks magic, version, N and the exact length; returns N.
    static func header(_ bytes: [UInt8]) throws(SnarkPackError) -> Int {
        var reader = ByteReader(bytes, what: "SnarkPack reference string")
        let magic = try reader.take(4)
        guard Array(magic) == Self.magic else {
            throw .wrongFormat(
                what: "SnarkPack reference string", expected: "magic \"SPKS\"", found: "bytes \(Array(magic))")
        }
        let version = Int(try reader.uint32())
        guard version == Self.version else {
            throw .wrongFormat(
                what: "SnarkPack reference string", expected: "version \(Self.version)", found: "version \(version)")
        }
        let log = Int(try reader.uint32())
        guard (1...maxLog).contains(log) else {
            throw .invalidCount(what: "log₂ of the maximum proof count", value: log, allowed: "1…\(maxLog)")
        }
        let n = 1 << log
        let size = 12 + 4 * n * 64 + 2 * n * 128
        guard bytes.count >= size else {
            throw .truncated(
                what: "SnarkPack reference string", offset: bytes.count, needed: size - bytes.count, available: 0)
        }
        guard bytes.count == size else {
            throw .trailingBytes(what: "SnarkPack reference string", offset: size, count: bytes.count - size)
        }
        return n
    }

    static func decodeG1(_ bytes: [UInt8], from start: Int, count: Int, threads: Int) throws(SnarkPackError)
        -> [G1Affine]
    {
        try decodeAll(count: count, threads: threads) { i throws(SnarkPackError) in
            let o = start + 64 * i
            do throws(BN254Error) { return try G1Affine(ethereumBytes: bytes[o..<o + 64]) } catch {
                throw .point(what: "reference string G1 point \(i)", error: error)
            }
        }
    }

    static func decodeG2(_ bytes: [UInt8], from start: Int, count: Int, threads: Int) throws(SnarkPackError)
        -> [G2Affine]
    {
        try decodeAll(count: count, threads: threads) { i throws(SnarkPackError) in
            let o = start + 128 * i
            do throws(BN254Error) { return try G2Affine(ethereumBytes: bytes[o..<o + 128]) } catch {
                throw .point(what: "reference string G2 point \(i)", error: error)
            }
        }
    }
}

/// decode(i) for i < count on `threads` threads; the first error (in index order) is thrown.
func decodeAll<T: Sendable>(count: Int, threads: Int, _ decode: @Sendable (Int) throws(SnarkPackError) -> T)
    throws(SnarkPackError) -> [T]
{
    let results = Parallel.slices(count, threads: threads, minimumPerThread: 64) { range in
        range.map { i -> Result<T, SnarkPackError> in
            do throws(SnarkPackError) { return .success(try decode(i)) } catch { return .failure(error) }
        }
    }.flatMap { $0 }
    var out: [T] = []
    out.reserveCapacity(count)
    for r in results {
        switch r {
        case .success(let value): out.append(value)
        case .failure(let error): throw error
        }
    }
    return out
}
