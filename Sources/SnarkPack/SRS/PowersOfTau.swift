import BN254

/// The powers of tau of a snarkjs `.ptau` file (iden3 binary container, magic "ptau", version 1; snarkjs
/// `src/powersoftau_utils.js`): section 1 holds u32 n8 = 32, q (32 bytes little-endian), u32 power and
/// u32 ceremonyPower; section 2 holds τⁱ·g for i < 2^(power+1) − 1 and section 3 τⁱ·h for i < 2^power, points
/// in Montgomery form, little-endian, G1 = x‖y and G2 = x.c0‖x.c1‖y.c0‖y.c1. Other sections (α, β, the
/// contributions, the Lagrange bases of a "prepared" file) are not needed and not read. Sections may come in
/// any order.
public struct PowersOfTau: Sendable {
    public let power: Int
    /// τⁱ·g, as many as the caller asked for.
    public let tauG1: [G1Affine]
    /// τⁱ·h, as many as the caller asked for.
    public let tauG2: [G2Affine]

    /// Reads the first `g1Count` G1 and `g2Count` G2 powers (all of them if nil), checking every point
    /// (range, curve, G2 subgroup) on `threads` threads.
    public init(
        encoded bytes: [UInt8], file: String, g1Count: Int? = nil, g2Count: Int? = nil,
        threads: Int = MSM.defaultThreads
    ) throws(SnarkPackError) {
        func fail(_ reason: String) -> SnarkPackError { .invalidPowersOfTau(file: file, reason: reason) }
        var reader = ByteReader(bytes, what: file)
        guard Array(try reader.take(4)) == Array("ptau".utf8) else { throw fail("no \"ptau\" magic") }
        let version = try reader.uint32()
        guard version == 1 else { throw fail("version \(version), expected 1") }
        let sectionCount = try reader.uint32()
        var sections: [UInt32: Range<Int>] = [:]
        for _ in 0..<sectionCount {
            let type = try reader.uint32()
            let low = UInt64(try reader.uint32())
            let high = UInt64(try reader.uint32())
            let size = high << 32 | low
            guard size <= UInt64(bytes.count - reader.offset) else {
                throw fail("section \(type) runs past the end of the file")
            }
            let start = reader.offset
            _ = try reader.take(Int(size))
            guard sections[type] == nil else { throw fail("section \(type) appears twice") }
            sections[type] = start..<reader.offset
        }
        guard let header = sections[1] else { throw fail("no header section (1)") }
        var h = ByteReader(Array(bytes[header]), what: "\(file) header")
        let n8 = try h.uint32()
        guard n8 == 32 else { throw fail("field size \(n8) bytes, expected 32 (BN254)") }
        let q = Array(try h.take(32))
        guard q == Self.bn254ModulusLittleEndian else { throw fail("the curve is not BN254 (bn128)") }
        let power = Int(try h.uint32())
        _ = try h.uint32() // ceremonyPower
        guard (1...28).contains(power) else { throw fail("power \(power) out of range 1…28") }
        let g1Available = (1 << (power + 1)) - 1
        let g2Available = 1 << power
        let g1Wanted = g1Count ?? g1Available
        let g2Wanted = g2Count ?? g2Available
        guard g1Wanted <= g1Available, g2Wanted <= g2Available else {
            throw fail(
                "power \(power) holds \(g1Available) G1 and \(g2Available) G2 powers; \(g1Wanted) and \(g2Wanted) are needed"
            )
        }
        guard let g1Section = sections[2], g1Section.count == g1Available * 64 else {
            throw fail("section 2 (tauG1) is missing or has the wrong size")
        }
        guard let g2Section = sections[3], g2Section.count == g2Available * 128 else {
            throw fail("section 3 (tauG2) is missing or has the wrong size")
        }
        let g1Start = g1Section.lowerBound
        let g2Start = g2Section.lowerBound
        self.power = power
        tauG1 = try decodeAll(count: g1Wanted, threads: threads) { i throws(SnarkPackError) in
            let o = g1Start + 64 * i
            do throws(BN254Error) { return try G1Affine(iden3Bytes: bytes[o..<o + 64]) } catch {
                throw .point(what: "\(file) tauG1[\(i)]", error: error)
            }
        }
        tauG2 = try decodeAll(count: g2Wanted, threads: threads) { i throws(SnarkPackError) in
            let o = g2Start + 128 * i
            do throws(BN254Error) { return try G2Affine(iden3Bytes: bytes[o..<o + 128]) } catch {
                throw .point(what: "\(file) tauG2[\(i)]", error: error)
            }
        }
    }

    /// q as 32 bytes little-endian.
    static let bn254ModulusLittleEndian: [UInt8] = {
        let m = FqParameters.modulus
        return [m.0, m.1, m.2, m.3].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64(8 * $0)) }
        }
    }()

    /// The header and the two sections a reader needs, in the same layout: a minimal `.ptau` (for tests,
    /// and for exporting a development secret to tools that read ptau files). `tauG1` must hold
    /// 2^(power+1) − 1 points and `tauG2` 2^power.
    public static func encode(power: Int, tauG1: [G1Affine], tauG2: [G2Affine]) -> [UInt8] {
        func u32(_ v: Int) -> [UInt8] { uint32Bytes(v) }
        func section(_ type: Int, _ payload: [UInt8]) -> [UInt8] {
            u32(type) + u32(payload.count & 0xffff_ffff) + u32(payload.count >> 32) + payload
        }
        let header = u32(32) + bn254ModulusLittleEndian + u32(power) + u32(power)
        return Array("ptau".utf8) + u32(1) + u32(3) + section(1, header)
            + section(2, tauG1.flatMap { $0.iden3Bytes }) + section(3, tauG2.flatMap { $0.iden3Bytes })
    }
}

extension SRS {
    /// The reference string from two ceremonies: α is the first file's τ and β the second's. N is the
    /// largest power of two with 2N ≤ both files' G1 powers (2^(power+1) − 1), so N = 2^(power − 1) for the
    /// smaller power, or `maxProofs` if smaller. The result is validated (`validate()`).
    public static func fromPowersOfTau(
        _ first: [UInt8], file firstName: String, _ second: [UInt8], file secondName: String, maxProofs: Int? = nil,
        threads: Int = MSM.defaultThreads
    ) throws(SnarkPackError) -> SRS {
        let powers = [try headerPower(first, file: firstName), try headerPower(second, file: secondName)]
        var n = 1 << max(0, (powers.min() ?? 1) - 1)
        if let maxProofs { while n > 2 && n / 2 >= maxProofs { n /= 2 } }
        guard n >= 2 else {
            throw .invalidPowersOfTau(
                file: firstName, reason: "power \(powers.min() ?? 0) is too small: SnarkPack needs power ≥ 2")
        }
        let a = try PowersOfTau(encoded: first, file: firstName, g1Count: 2 * n, g2Count: n, threads: threads)
        let b = try PowersOfTau(encoded: second, file: secondName, g1Count: 2 * n, g2Count: n, threads: threads)
        let srs = try SRS(gAlpha: a.tauG1, gBeta: b.tauG1, hAlpha: a.tauG2, hBeta: b.tauG2)
        try srs.validate(threads: threads)
        return srs
    }

    /// The power of a ptau file, read from its header only.
    static func headerPower(_ bytes: [UInt8], file: String) throws(SnarkPackError) -> Int {
        try PowersOfTau(encoded: bytes, file: file, g1Count: 0, g2Count: 0, threads: 1).power
    }
}
