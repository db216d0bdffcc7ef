/// How one MSM is cut up: the window width c, the number of point slices per window (so that the tasks divide
/// evenly among the threads), and the batch size of the affine buckets (0 for Jacobian buckets).
///
/// The choice minimises a cost model counted in field multiplications of the curve's coordinate field: an
/// affine batch addition costs about 6.5M plus its share of one inversion, a mixed Jacobian addition 11M, and
/// folding one bucket into the window's sum 27M (a mixed and a full Jacobian addition). The constants and the
/// batch sizes were tuned against measurements on the reference machine (see the MSM tests' benchmark).
@usableFromInline
struct MSMPlan: Sendable, Equatable {
    @usableFromInline let windowBits: Int
    @usableFromInline let windows: Int
    @usableFromInline let splits: Int
    @usableFromInline let batchCapacity: Int

    @inlinable
    init(windowBits: Int, windows: Int, splits: Int, batchCapacity: Int) {
        self.windowBits = windowBits
        self.windows = windows
        self.splits = splits
        self.batchCapacity = batchCapacity
    }

    /// The batch size for affine buckets with a window of `c` bits: large enough to spread the inversion,
    /// small enough that few additions collide on a bucket already in the batch (about B²/2^c per batch).
    @inlinable
    static func batchCapacity(windowBits c: Int) -> Int {
        switch c {
        case ..<8: return 0
        case 8: return 40
        case 9: return 64
        case 10: return 80
        case 11: return 150
        case 12: return 200
        case 13: return 350
        case 14: return 400
        case 15: return 500
        default: return 640
        }
    }

    /// The plan for `points` points with scalars below 2^`scalarBits`, on `threads` threads; `inversionCost`
    /// is the price of one field inversion in multiplications.
    @inlinable
    static func choose(points m: Int, scalarBits: Int, threads: Int, inversionCost: Double) -> MSMPlan {
        let threads = max(1, threads)
        var best = MSMPlan(windowBits: 1, windows: scalarBits + 1, splits: 1, batchCapacity: 0)
        var bestCost = Double.infinity
        for c in 1...SignedDigits.maximumWindowBits {
            // Signed digits need windows·c ≥ scalarBits + 1 so that no carry leaves the top window.
            let windows = (scalarBits + 1 + c - 1) / c
            let bucketCount = Double(1 << (c - 1))
            var splitOptions = [1]
            if windows % threads != 0 { splitOptions.append(threads) }
            for splits in splitOptions {
                let tasks = windows * splits
                let rounds = Double((tasks + threads - 1) / threads)
                let perTask = Double(m) / Double(splits)
                let reduction = bucketCount * 27
                let jacobianCost = perTask * 11 + reduction
                var cost = jacobianCost
                var capacity = 0
                let b = batchCapacity(windowBits: c)
                if b > 0 {
                    let batches = (perTask / Double(b)).rounded(.up)
                    let affineCost = perTask * 6.5 + batches * inversionCost + reduction
                    if affineCost < jacobianCost {
                        cost = affineCost
                        capacity = b
                    }
                }
                let total = rounds * cost
                if total < bestCost {
                    bestCost = total
                    best = MSMPlan(windowBits: c, windows: windows, splits: splits, batchCapacity: capacity)
                }
            }
        }
        return best
    }
}
