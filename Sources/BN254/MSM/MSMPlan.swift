/// How one MSM is cut up: the window width c, the number of point slices per window (so that the tasks divide
/// evenly among the threads), and the batch size of the affine buckets (0 for Jacobian buckets).
///
/// The choice minimises a cost model counted in field multiplications (M) of the curve's coordinate field: an
/// affine batch addition costs about 6.5M plus its share of one inversion, a mixed Jacobian addition 11M, and
/// folding a bucket into the window's sum two batch additions (affine buckets) or 27M (Jacobian buckets, a
/// mixed and a full addition). The batch sizes were tuned by measurement on the reference machine.
@usableFromInline
struct MSMPlan: Sendable, Equatable {
    /// The scalars' magnitudes are below 2^scalarBits.
    @usableFromInline let scalarBits: Int
    @usableFromInline let windowBits: Int
    @usableFromInline let windows: Int
    @usableFromInline let splits: Int
    @usableFromInline let batchCapacity: Int

    @inlinable
    init(scalarBits: Int, windowBits: Int, splits: Int, batchCapacity: Int) {
        self.scalarBits = scalarBits
        self.windowBits = windowBits
        // Signed digits need windows·c ≥ scalarBits + 1 so that no carry leaves the top window.
        self.windows = (scalarBits + windowBits) / windowBits
        self.splits = splits
        self.batchCapacity = batchCapacity
    }

    /// The buckets that window `j` can hit. The top window holds only the scalars' last bits (plus a carry), so
    /// its digits are in [0, 2^(scalarBits − (windows − 1)·c)] and it may need far fewer than 2^(c−1) buckets.
    @inlinable
    func bucketCount(window j: Int) -> Int {
        let half = 1 << (windowBits - 1)
        guard j == windows - 1 else { return half }
        let topBits = scalarBits - (windows - 1) * windowBits
        return topBits >= windowBits - 1 ? half : 1 << topBits
    }

    /// The batch size for window `j`: a quarter of its buckets at most, so that few additions collide with the
    /// batch (0, Jacobian buckets, when that leaves too small a batch to spread an inversion).
    @inlinable
    func batchCapacity(window j: Int) -> Int {
        let capacity = min(batchCapacity, bucketCount(window: j) / 4)
        return capacity >= 16 ? capacity : 0
    }

    /// The batch size for affine buckets with a window of `c` bits: large enough to spread the inversion (a
    /// Fermat inversion costs about 300 multiplications), small enough that few additions collide on a bucket
    /// already in the batch (about B/2^c of them). Measured on the reference machine for 2^16…2^20 points; about
    /// twice gnark-crypto's sizes, whose inversion is cheaper.
    @inlinable
    static func batchCapacity(windowBits c: Int) -> Int {
        switch c {
        case ..<8: return 0
        case 8: return 48
        case 9: return 80
        case 10: return 128
        case 11: return 256
        case 12: return 400
        case 13: return 800
        case 14: return 1200
        case 15: return 1800
        default: return 2400
        }
    }

    /// The plan for `points` points with scalars below 2^`scalarBits`, on `threads` threads; `inversionCost`
    /// is the price of one field inversion in multiplications.
    @inlinable
    static func choose(points m: Int, scalarBits: Int, threads: Int, inversionCost: Double) -> MSMPlan {
        let threads = max(1, threads)
        var best = MSMPlan(scalarBits: scalarBits, windowBits: 1, splits: 1, batchCapacity: 0)
        var bestCost = Double.infinity
        for c in 1...SignedDigits.maximumWindowBits {
            let windows = (scalarBits + c) / c
            let bucketCount = Double(1 << (c - 1))
            var splitOptions = [1]
            if windows % threads != 0 { splitOptions.append(threads) }
            for splits in splitOptions {
                let tasks = windows * splits
                let rounds = Double((tasks + threads - 1) / threads)
                let perTask = Double(m) / Double(splits)
                // Reading a digit and its point costs about 1.5M whether or not the digit is zero.
                let scan = perTask * 1.5
                let jacobianCost = scan + perTask * 11 + bucketCount * 27
                var cost = jacobianCost
                var capacity = 0
                let b = batchCapacity(windowBits: c)
                if b > 0 && bucketCount >= 64 {
                    // Affine buckets: the additions share an inversion per batch, and so do the two additions per
                    // bucket of the reduction, over 256 segments at most.
                    let segments = min(256, bucketCount / 8)
                    let batches = (perTask / Double(b)).rounded(.up)
                    let reduction = bucketCount * 2 * (6.5 + inversionCost / segments) + segments * 2 * 13
                    let affineCost = scan + perTask * 6.5 + batches * inversionCost + reduction
                    if affineCost < jacobianCost {
                        cost = affineCost
                        capacity = b
                    }
                }
                let total = rounds * cost
                if total < bestCost {
                    bestCost = total
                    best = MSMPlan(scalarBits: scalarBits, windowBits: c, splits: splits, batchCapacity: capacity)
                }
            }
        }
        return best
    }
}
