// The two radix-2 passes that every transform in EvaluationDomain is built from.
//
// Both use one twiddle table in bit-reversed order, T[b] = ω^rev(b) for b < n/2 (rev on k−1 bits), and a
// twiddle per block rather than per position: the stage whose butterflies span m = 2^h pairs x[2mb + j] with
// x[2mb + m + j] under the single twiddle T[b]. Reducing a(X) mod X^2m − c into a mod X^m − √c and
// a mod X^m + √c is exactly that butterfly, so a natural-order input comes out as evaluations in bit-reversed
// order (Cooley–Tukey), and the Gentleman–Sande pass undoes it. The table's prefix of length 2^s is the
// table of the 2^(s+1) domain, the inner loop keeps one twiddle in registers, and twiddles are read in
// order. The inverse transform reads the same table: for b ≥ 1 in [2^t, 2^(t+1)),
// ω^-rev(b) = −ω^rev(b ^ (2^t − 1)), so no second n/2 table is kept (at n = 2^28 it would cost 4 GiB).
//
// Cache blocking: the stages whose blocks are larger than 2^cacheBlockLog elements stream over the whole
// array, two stages per pass (radix-4), and are split among the workers by butterfly index; the remaining
// stages run block by block, each block of 2^cacheBlockLog elements staying in L2 for all of its stages.

enum NTTKernel {
    /// log2 of the number of elements (32 bytes each) a worker transforms in cache: 2^14 is 512 KiB.
    static let cacheBlockLog = 14
    /// Below 2^minimumParallelLog elements per worker, threads cost more than they save.
    static let minimumParallelLog = 10

    /// The twiddle of block `b`: T[b] for the forward transform, its inverse otherwise.
    @inline(__always)
    static func twiddle(_ table: SharedTable, _ b: Int, inverse: Bool) -> Fr {
        guard inverse else { return table[b] }
        if b == 0 { return .one }
        let mask = (1 << (Int.bitWidth - 1 - b.leadingZeroBitCount)) - 1
        return -table[b ^ mask]
    }

    /// log2 of the block size for the in-cache stages: at most 2^cacheBlockLog, and small enough that every
    /// worker gets a block when the array is large enough to be worth splitting.
    static func depthLog(logSize: Int, threads: Int) -> Int {
        var d = min(logSize, cacheBlockLog)
        while d > minimumParallelLog && (1 << (logSize - d)) < threads { d -= 1 }
        return d
    }

    /// The number of workers worth using for `count` elements.
    static func workers(forCount count: Int, threads: Int) -> Int {
        count >= 2 << minimumParallelLog ? max(1, threads) : 1
    }

    // MARK: Natural order in, bit-reversed order out

    /// Evaluates the polynomial whose coefficients are `a[0..<2^logSize]` on the domain, leaving the value
    /// at ω^i (or ω^-i when `inverse`) in `a[rev(i)]`.
    static func naturalToBitReversed(
        _ a: UnsafeMutablePointer<Fr>, logSize: Int, twiddles: SharedTable, inverse: Bool, threads: Int
    ) {
        guard logSize > 0 else { return }
        let n = 1 << logSize
        let d = depthLog(logSize: logSize, threads: threads)
        let shared = SharedPointer(a)
        // Stages h = logSize−1 … d stream over the array; pair them up so that each pass does two.
        var h = logSize - 1
        while h >= d {
            let h0 = h
            if h - 1 >= d {
                Parallel.forEachSlice(of: n / 4, workers: workers(forCount: n, threads: threads)) { range in
                    cooleyTukeyRadix4Stage(shared.base, upperLog: h0, quads: range, twiddles, inverse: inverse)
                }
                h -= 2
            } else {
                Parallel.forEachSlice(of: n / 2, workers: workers(forCount: n, threads: threads)) { range in
                    cooleyTukeyStage(shared.base, halfLog: h0, butterflies: range, twiddles, inverse: inverse)
                }
                h -= 1
            }
        }
        // Stages d−1 … 0, block by block.
        let halfBlock = 1 << (d - 1)
        Parallel.forEachSlice(of: n >> d, workers: min(threads, n >> d)) { blocks in
            for c in blocks {
                let butterflies = (c * halfBlock)..<((c + 1) * halfBlock)
                var h = d - 1
                while h >= 1 {
                    cooleyTukeyRadix4Stage(
                        shared.base, upperLog: h, quads: (c * halfBlock / 2)..<((c + 1) * halfBlock / 2), twiddles,
                        inverse: inverse)
                    h -= 2
                }
                if h == 0 {
                    cooleyTukeyStage(shared.base, halfLog: 0, butterflies: butterflies, twiddles, inverse: inverse)
                }
            }
        }
    }

    /// The butterflies with flat indices `butterflies` of the stage spanning m = 2^halfLog: butterfly t pairs
    /// a[2m·b + j] and a[2m·b + m + j] for b = t / m, j = t % m.
    @inline(__always)
    static func cooleyTukeyStage(
        _ a: UnsafeMutablePointer<Fr>, halfLog: Int, butterflies: Range<Int>, _ twiddles: SharedTable,
        inverse: Bool
    ) {
        let m = 1 << halfLog
        var t = butterflies.lowerBound
        while t < butterflies.upperBound {
            let b = t >> halfLog
            let j = t & (m - 1)
            let count = min(m - j, butterflies.upperBound - t)
            let x = a + (b << (halfLog + 1)) + j
            let y = x + m
            if b == 0 {
                for i in 0..<count {
                    let u = x[i]
                    let v = y[i]
                    x[i] = u + v
                    y[i] = u - v
                }
            } else {
                let w = twiddle(twiddles, b, inverse: inverse)
                for i in 0..<count {
                    let u = x[i]
                    let v = y[i] * w
                    x[i] = u + v
                    y[i] = u - v
                }
            }
            t += count
        }
    }

    /// Two Cooley–Tukey stages in one pass: the stage spanning 2^upperLog and the one below it. Quad q works
    /// on the four elements j, j + m/2, j + m, j + 3m/2 of block b = q / (m/2), where m = 2^upperLog.
    @inline(__always)
    static func cooleyTukeyRadix4Stage(
        _ a: UnsafeMutablePointer<Fr>, upperLog: Int, quads: Range<Int>, _ twiddles: SharedTable,
        inverse: Bool
    ) {
        let quarterLog = upperLog - 1
        let quarter = 1 << quarterLog
        var q = quads.lowerBound
        while q < quads.upperBound {
            let b = q >> quarterLog
            let j = q & (quarter - 1)
            let count = min(quarter - j, quads.upperBound - q)
            let x0 = a + (b << (upperLog + 1)) + j
            let x1 = x0 + quarter
            let x2 = x1 + quarter
            let x3 = x2 + quarter
            let w1 = twiddle(twiddles, b, inverse: inverse)
            let w2 = twiddle(twiddles, 2 * b, inverse: inverse)
            let w3 = twiddle(twiddles, 2 * b + 1, inverse: inverse)
            if b == 0 {
                for i in 0..<count {
                    let a0 = x0[i]
                    let a1 = x1[i]
                    let a2 = x2[i]
                    let a3 = x3[i]
                    let b0 = a0 + a2
                    let b2 = a0 - a2
                    let b1 = a1 + a3
                    let b3 = (a1 - a3) * w3
                    x0[i] = b0 + b1
                    x1[i] = b0 - b1
                    x2[i] = b2 + b3
                    x3[i] = b2 - b3
                }
            } else {
                for i in 0..<count {
                    let a0 = x0[i]
                    let a1 = x1[i]
                    let a2 = x2[i] * w1
                    let a3 = x3[i] * w1
                    let b0 = a0 + a2
                    let b2 = a0 - a2
                    let b1 = (a1 + a3) * w2
                    let b3 = (a1 - a3) * w3
                    x0[i] = b0 + b1
                    x1[i] = b0 - b1
                    x2[i] = b2 + b3
                    x3[i] = b2 - b3
                }
            }
            q += count
        }
    }

    // MARK: Bit-reversed order in, natural order out

    /// With `inverse`, undoes `naturalToBitReversed(inverse: false)` up to a factor n: from the values at ω^i
    /// kept in `a[rev(i)]` it leaves n times the coefficients, in natural order. Without it, it evaluates the
    /// polynomial whose coefficients are kept in bit-reversed order, leaving the value at ω^i in `a[i]`.
    static func bitReversedToNatural(
        _ a: UnsafeMutablePointer<Fr>, logSize: Int, twiddles: SharedTable, inverse: Bool, threads: Int
    ) {
        guard logSize > 0 else { return }
        let n = 1 << logSize
        let d = depthLog(logSize: logSize, threads: threads)
        let shared = SharedPointer(a)
        // Stages 0 … d−1, block by block.
        let halfBlock = 1 << (d - 1)
        Parallel.forEachSlice(of: n >> d, workers: min(threads, n >> d)) { blocks in
            for c in blocks {
                var h = 0
                if d & 1 == 1 {
                    gentlemanSandeStage(
                        shared.base, halfLog: 0, butterflies: (c * halfBlock)..<((c + 1) * halfBlock), twiddles,
                        inverse: inverse)
                    h = 1
                }
                while h < d {
                    gentlemanSandeRadix4Stage(
                        shared.base, upperLog: h + 1, quads: (c * halfBlock / 2)..<((c + 1) * halfBlock / 2), twiddles,
                        inverse: inverse)
                    h += 2
                }
            }
        }
        // Stages d … logSize−1 stream over the array, two per pass.
        var h = d
        while h < logSize {
            let h0 = h
            if h + 1 < logSize {
                Parallel.forEachSlice(of: n / 4, workers: workers(forCount: n, threads: threads)) { range in
                    gentlemanSandeRadix4Stage(shared.base, upperLog: h0 + 1, quads: range, twiddles, inverse: inverse)
                }
                h += 2
            } else {
                Parallel.forEachSlice(of: n / 2, workers: workers(forCount: n, threads: threads)) { range in
                    gentlemanSandeStage(shared.base, halfLog: h0, butterflies: range, twiddles, inverse: inverse)
                }
                h += 1
            }
        }
    }

    /// The Gentleman–Sande butterflies (u, v) ↦ (u + v, (u − v)·w) of one stage, w the block's twiddle. With
    /// twiddles inverted, this undoes a `cooleyTukeyStage` up to a factor 2.
    @inline(__always)
    static func gentlemanSandeStage(
        _ a: UnsafeMutablePointer<Fr>, halfLog: Int, butterflies: Range<Int>, _ twiddles: SharedTable,
        inverse: Bool
    ) {
        let m = 1 << halfLog
        var t = butterflies.lowerBound
        while t < butterflies.upperBound {
            let b = t >> halfLog
            let j = t & (m - 1)
            let count = min(m - j, butterflies.upperBound - t)
            let x = a + (b << (halfLog + 1)) + j
            let y = x + m
            if b == 0 {
                for i in 0..<count {
                    let u = x[i]
                    let v = y[i]
                    x[i] = u + v
                    y[i] = u - v
                }
            } else {
                let w = twiddle(twiddles, b, inverse: inverse)
                for i in 0..<count {
                    let u = x[i]
                    let v = y[i]
                    x[i] = u + v
                    y[i] = (u - v) * w
                }
            }
            t += count
        }
    }

    /// Two Gentleman–Sande stages in one pass: the one spanning 2^(upperLog−1), then the one spanning
    /// 2^upperLog. With twiddles inverted, this undoes a `cooleyTukeyRadix4Stage` up to a factor 4.
    @inline(__always)
    static func gentlemanSandeRadix4Stage(
        _ a: UnsafeMutablePointer<Fr>, upperLog: Int, quads: Range<Int>, _ twiddles: SharedTable,
        inverse: Bool
    ) {
        let quarterLog = upperLog - 1
        let quarter = 1 << quarterLog
        var q = quads.lowerBound
        while q < quads.upperBound {
            let b = q >> quarterLog
            let j = q & (quarter - 1)
            let count = min(quarter - j, quads.upperBound - q)
            let x0 = a + (b << (upperLog + 1)) + j
            let x1 = x0 + quarter
            let x2 = x1 + quarter
            let x3 = x2 + quarter
            let w1 = twiddle(twiddles, b, inverse: inverse)
            let w2 = twiddle(twiddles, 2 * b, inverse: inverse)
            let w3 = twiddle(twiddles, 2 * b + 1, inverse: inverse)
            if b == 0 {
                for i in 0..<count {
                    let a0 = x0[i]
                    let a1 = x1[i]
                    let a2 = x2[i]
                    let a3 = x3[i]
                    let b0 = a0 + a1
                    let b1 = a0 - a1
                    let b2 = a2 + a3
                    let b3 = (a2 - a3) * w3
                    x0[i] = b0 + b2
                    x2[i] = b0 - b2
                    x1[i] = b1 + b3
                    x3[i] = b1 - b3
                }
            } else {
                for i in 0..<count {
                    let a0 = x0[i]
                    let a1 = x1[i]
                    let a2 = x2[i]
                    let a3 = x3[i]
                    let b0 = a0 + a1
                    let b1 = (a0 - a1) * w2
                    let b2 = a2 + a3
                    let b3 = (a2 - a3) * w3
                    x0[i] = b0 + b2
                    x2[i] = (b0 - b2) * w1
                    x1[i] = b1 + b3
                    x3[i] = (b1 - b3) * w1
                }
            }
            q += count
        }
    }
}
