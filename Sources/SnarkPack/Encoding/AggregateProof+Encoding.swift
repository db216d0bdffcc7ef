import BN254

/// The binary encoding of an aggregate (docs/snarkpack.md): "SPAG", u32 version 1, u32 count, u32 rounds k,
/// then the elements in a fixed order, all compressed: G1 in 32 bytes, G2 in 64 (gnark-crypto's layout, see
/// `PointCompression.swift`), GT in 192 (`TargetGroup.compressed`). Its size is 1,520 + 1,984·k bytes.
extension AggregateProof {
    static let magic: [UInt8] = Array("SPAG".utf8)
    static let version = 1
    /// The largest number of rounds a decoder accepts: 2^30 proofs.
    static let maxRounds = 30

    /// The exact encoded size of an aggregate with k rounds.
    public static func encodedSize(rounds k: Int) -> Int { 16 + 5 * 192 + 32 + k * (10 * 192 + 2 * 32) + 512 }

    /// The encoding.
    public var encoded: [UInt8] {
        var out = Self.magic + uint32Bytes(Self.version) + uint32Bytes(count) + uint32Bytes(rounds.count)
        out.reserveCapacity(Self.encodedSize(rounds: rounds.count))
        func gt(_ f: Fq12) { out += TargetGroup.compressed(f) }
        gt(comAB.t)
        gt(comAB.u)
        gt(comC.t)
        gt(comC.u)
        gt(ipAB)
        out += aggC.compressed
        for round in rounds {
            for pair in [round.tabL, round.tabR, round.tucL, round.tucR] {
                gt(pair.t)
                gt(pair.u)
            }
            gt(round.zabL)
            gt(round.zabR)
            out += round.zcL.compressed + round.zcR.compressed
        }
        out += finalA.compressed + finalB.compressed + finalC.compressed
        out += finalV.0.compressed + finalV.1.compressed + finalW.0.compressed + finalW.1.compressed
        out += openingV.0.compressed + openingV.1.compressed + openingW.0.compressed + openingW.1.compressed
        return out
    }

    /// Decodes an aggregate and checks everything BN254's decoders check: the magic, the version, the
    /// counts (2 ≤ count ≤ 2^rounds < 2·count, rounds ≤ 30), the exact length, every coordinate below q,
    /// every G1 and G2 point on its curve, every G2 point in G2, and every target-group element in GT.
    /// The GT checks (about 130 µs each) run on `threads` threads.
    public init(encoded bytes: [UInt8], threads: Int = MSM.defaultThreads) throws(SnarkPackError) {
        var reader = ByteReader(bytes, what: "SnarkPack aggregate")
        let magic = try reader.take(4)
        guard Array(magic) == Self.magic else {
            throw .wrongFormat(what: "SnarkPack aggregate", expected: "magic \"SPAG\"", found: "bytes \(Array(magic))")
        }
        let version = Int(try reader.uint32())
        guard version == Self.version else {
            throw .wrongFormat(
                what: "SnarkPack aggregate", expected: "version \(Self.version)", found: "version \(version)")
        }
        let count = Int(try reader.uint32())
        let k = Int(try reader.uint32())
        guard (1...Self.maxRounds).contains(k) else {
            throw .invalidCount(what: "number of rounds", value: k, allowed: "1…\(Self.maxRounds)")
        }
        guard count >= 2, count <= 1 << k, count > (1 << k) / 2 else {
            throw .invalidCount(
                what: "proof count", value: count, allowed: "\(max(2, (1 << k) / 2 + 1))…\(1 << k) for \(k) rounds")
        }
        guard bytes.count == Self.encodedSize(rounds: k) else {
            if bytes.count < Self.encodedSize(rounds: k) {
                throw .truncated(
                    what: "SnarkPack aggregate", offset: bytes.count, needed: Self.encodedSize(rounds: k) - bytes.count,
                    available: 0)
            }
            throw .trailingBytes(
                what: "SnarkPack aggregate", offset: Self.encodedSize(rounds: k),
                count: bytes.count - Self.encodedSize(rounds: k))
        }

        // Slice first, then decode the target-group elements in parallel.
        var gtSlices: [(ArraySlice<UInt8>, String)] = []
        func gtSlice(_ name: String) throws(SnarkPackError) { gtSlices.append((try reader.take(192), name)) }
        func g1(_ name: String) throws(SnarkPackError) -> G1Affine {
            let slice = try reader.take(32)
            do throws(BN254Error) { return try G1Affine(compressed: Array(slice)) } catch {
                throw .point(what: name, error: error)
            }
        }
        func g2(_ name: String) throws(SnarkPackError) -> G2Affine {
            let slice = try reader.take(64)
            do throws(BN254Error) { return try G2Affine(compressed: Array(slice)) } catch {
                throw .point(what: name, error: error)
            }
        }
        for name in ["com_ab.t", "com_ab.u", "com_c.t", "com_c.u", "ip_ab"] { try gtSlice(name) }
        let aggC = try g1("agg_c")
        var zc: [(G1Affine, G1Affine)] = []
        for j in 0..<k {
            for name in [
                "tab_l.t", "tab_l.u", "tab_r.t", "tab_r.u", "tuc_l.t", "tuc_l.u", "tuc_r.t", "tuc_r.u", "zab_l",
                "zab_r",
            ] {
                try gtSlice("round \(j) \(name)")
            }
            zc.append((try g1("round \(j) zc_l"), try g1("round \(j) zc_r")))
        }
        let finalA = try g1("final_a")
        let finalB = try g2("final_b")
        let finalC = try g1("final_c")
        let finalV = (try g2("final_v.1"), try g2("final_v.2"))
        let finalW = (try g1("final_w.1"), try g1("final_w.2"))
        let openingV = (try g2("opening_v.1"), try g2("opening_v.2"))
        let openingW = (try g1("opening_w.1"), try g1("opening_w.2"))
        try reader.finish()

        let slices = gtSlices
        let decoded = Parallel.slices(slices.count, threads: threads, minimumPerThread: 4) { range in
            range.map { i -> Result<Fq12, SnarkPackError> in
                do throws(SnarkPackError) {
                    return .success(try TargetGroup.decompress(slices[i].0, what: slices[i].1))
                } catch { return .failure(error) }
            }
        }.flatMap { $0 }
        var gt: [Fq12] = []
        gt.reserveCapacity(decoded.count)
        for result in decoded {
            switch result {
            case .success(let f): gt.append(f)
            case .failure(let error): throw error
            }
        }
        var rounds: [Round] = []
        for j in 0..<k {
            let e = Array(gt[(5 + 10 * j)..<(15 + 10 * j)])
            rounds.append(
                Round(
                    tabL: CommitmentPair(t: e[0], u: e[1]), tabR: CommitmentPair(t: e[2], u: e[3]),
                    tucL: CommitmentPair(t: e[4], u: e[5]), tucR: CommitmentPair(t: e[6], u: e[7]), zabL: e[8],
                    zabR: e[9],
                    zcL: zc[j].0, zcR: zc[j].1))
        }
        self.init(
            count: count, comAB: CommitmentPair(t: gt[0], u: gt[1]), comC: CommitmentPair(t: gt[2], u: gt[3]),
            ipAB: gt[4],
            aggC: aggC, rounds: rounds, finalA: finalA, finalB: finalB, finalC: finalC, finalV: finalV, finalW: finalW,
            openingV: openingV, openingW: openingW)
    }
}
