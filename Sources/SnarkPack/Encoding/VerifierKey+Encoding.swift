import BN254

/// The verifier-key file (docs/snarkpack.md): what a verifier needs of a reference string, without the
/// rest. "SPVK", u32 version 1, u32 log₂N, then α·g, β·g (G1) and α·h, β·h (G2), uncompressed in the
/// Ethereum layout: 396 bytes whatever N is. A gateway hands it to its clients beside an aggregate.
extension VerifierKey {
    static let magic: [UInt8] = Array("SPVK".utf8)
    static let version = 1
    public static let encodedSize = 12 + 2 * 64 + 2 * 128

    public var encoded: [UInt8] {
        var out = Self.magic + uint32Bytes(Self.version) + uint32Bytes(maxProofs.trailingZeroBitCount)
        out += gAlpha.ethereumBytes + gBeta.ethereumBytes + hAlpha.ethereumBytes + hBeta.ethereumBytes
        return out
    }

    /// Decodes a verifier key and checks it as `SRS.verifierKey(encoded:)` does: every point in range, on
    /// its curve and (G2) in its subgroup, α ≠ β, and α·g, α·h (and β) powers of one secret.
    public init(encoded bytes: [UInt8]) throws(SnarkPackError) {
        let what = "SnarkPack verifier key"
        var reader = ByteReader(bytes, what: what)
        let magic = try reader.take(4)
        guard Array(magic) == Self.magic else {
            throw .wrongFormat(what: what, expected: "magic \"SPVK\"", found: "bytes \(Array(magic))")
        }
        let version = Int(try reader.uint32())
        guard version == Self.version else {
            throw .wrongFormat(what: what, expected: "version \(Self.version)", found: "version \(version)")
        }
        let log = Int(try reader.uint32())
        guard (1...SRS.maxLog).contains(log) else {
            throw .invalidCount(what: "log₂ of the maximum proof count", value: log, allowed: "1…\(SRS.maxLog)")
        }
        guard bytes.count >= Self.encodedSize else {
            throw .truncated(what: what, offset: bytes.count, needed: Self.encodedSize - bytes.count, available: 0)
        }
        guard bytes.count == Self.encodedSize else {
            throw .trailingBytes(what: what, offset: Self.encodedSize, count: bytes.count - Self.encodedSize)
        }
        let g1 = try SRS.decodeG1(bytes, from: 12, count: 2, threads: 1)
        let g2 = try SRS.decodeG2(bytes, from: 12 + 128, count: 2, threads: 1)
        try self.init(checking: 1 << log, gAlpha: g1[0], gBeta: g1[1], hAlpha: g2[0], hBeta: g2[1])
    }

    /// A verifier key whose points are checked to be powers of two distinct secrets: e(α·g, h) = e(g, α·h)
    /// and the same for β, in one pairing product with a random combination.
    init(checking maxProofs: Int, gAlpha: G1Affine, gBeta: G1Affine, hAlpha: G2Affine, hBeta: G2Affine)
        throws(SnarkPackError)
    {
        guard gAlpha != gBeta else { throw .identicalSecrets }
        let sigma = Fr.random()
        let pairs: [(G1Affine, G2Affine)] = [
            (gAlpha, .generator), (-G1Affine.generator, hAlpha),
            (gBeta.multiplied(by: sigma).toAffine(), .generator),
            (G1Jacobian.generator.multiplied(by: -sigma).toAffine(), hBeta),
        ]
        guard Pairing.pairingCheck(pairs) else {
            throw .invalidSRS("α·g and α·h (or β) are not powers of the same secret")
        }
        self.init(maxProofs: maxProofs, gAlpha: gAlpha, gBeta: gBeta, hAlpha: hAlpha, hBeta: hBeta)
    }

    /// Reads a verifier key from either file: a verifier-key file ("SPVK") or a whole reference string
    /// ("SPKS", of which only the first powers are read).
    public static func read(encoded bytes: [UInt8]) throws(SnarkPackError) -> VerifierKey {
        if bytes.starts(with: magic) { return try VerifierKey(encoded: bytes) }
        return try SRS.verifierKey(encoded: bytes)
    }
}
