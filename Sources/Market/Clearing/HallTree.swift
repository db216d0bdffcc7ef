/// Whether the active bids fit the active asks (Hall's condition) and whether they still would
/// without any one active ask (*robustly*), kept up to date in O(log speeds) as bids and asks are
/// rejected.
///
/// A prover may take a job when its `secondsPerJob` is at most the job's deadline, so the provers a
/// bid may use are nested: a later deadline allows a superset. For nested neighbourhoods Hall's
/// condition reduces to one inequality per deadline `D`: the jobs of bids due by `D` are at most the
/// capacity of provers with speed at most `D`. Between two consecutive prover speeds
/// `s_k ≤ D < s_{k+1}` the capacity is constant and the demand grows with `D`, so it suffices to check
/// one number per speed class `k = 0…K` (class 0 stands for "faster than every prover"):
///
///     V_k = capacity(speed ≤ s_k) − jobs(deadline < s_{k+1})        fits ⟺ min_k V_k ≥ 0
///
/// Removing ask `j` of class `q` and capacity `c` lowers `V_k` by `c` for `k ≥ q`, so the set still
/// fits without `j` iff `V_k ≥ c` for every `k ≥ q`. Writing `top_q` for the largest capacity of an
/// active ask of class `q` (0 when none), the set fits without *any* one ask iff
///
///     robust ⟺ max_q ( top_q − min_{k ≥ q} V_k ) ≤ 0
///
/// which also implies `fits` (`top_0 = 0`). Rejecting a bid or an ask adds a constant to a suffix of
/// the `V_k`, and rejecting an ask may lower one `top_q`: a segment tree with lazy suffix addition
/// keeps `min V`, `max top` and the robustness term of each range, combined as
/// `best = max(left.best, right.best, left.maxTop − right.minV)`.
///
/// Both answers depend only on public facts (jobs, deadlines, capacities, speeds) of the active
/// sets, never on a reported value or cost.
struct HallTree: Sendable {
    private var minV: [Int]
    private var maxTop: [Int]
    private var best: [Int]
    private var lazy: [Int]
    private let leaves: Int
    /// For each bid (indexed like `round.bids`): the first class whose `V` it counts in.
    private var bidClass: [Int]
    /// For each ask (indexed like `round.asks`): its speed class, 1…K.
    private var askClass: [Int]
    /// Asks of each class by capacity, largest first, and the first not yet rejected.
    private var classAsks: [[Int]]
    private var classNext: [Int]
    private var rejected: [Bool]
    private let capacity: [Int]

    init(_ book: OrderBook) {
        capacity = book.capacity
        var speeds = book.asksByLeave.map { book.speed[$0] }
        speeds.sort()
        var distinct: [Double] = []
        distinct.reserveCapacity(speeds.count)
        for s in speeds where distinct.last != s { distinct.append(s) }
        let k = distinct.count
        leaves = k + 1
        // Number of distinct speeds ≤ x.
        func classesUpTo(_ x: Double) -> Int {
            var low = 0
            var high = k
            while low < high {
                let mid = (low + high) / 2
                if distinct[mid] <= x { low = mid + 1 } else { high = mid }
            }
            return low
        }
        askClass = [Int](repeating: 0, count: book.capacity.count)
        classAsks = Array(repeating: [], count: leaves)
        var v = [Int](repeating: 0, count: leaves + 1) // difference array, then prefix sums
        for ask in book.asksByLeave {
            let q = classesUpTo(book.speed[ask])
            askClass[ask] = q
            classAsks[q].append(ask)
            v[q] += book.capacity[ask]
        }
        bidClass = [Int](repeating: 0, count: book.jobs.count)
        for bid in book.bidsByPrice {
            // Counted in V_k when deadline < s_{k+1}, i.e. for k ≥ (speeds ≤ deadline).
            let u = classesUpTo(book.deadline[bid])
            bidClass[bid] = u
            v[u] -= book.jobs[bid]
        }
        for i in 1..<leaves { v[i] += v[i - 1] }
        let capacity = book.capacity
        for q in 0..<leaves {
            classAsks[q].sort { capacity[$0] > capacity[$1] }
        }
        classNext = [Int](repeating: 0, count: leaves)
        rejected = [Bool](repeating: false, count: book.capacity.count)

        var size = 1
        while size < leaves { size *= 2 }
        minV = [Int](repeating: Int.max / 4, count: 2 * size)
        maxTop = [Int](repeating: 0, count: 2 * size)
        best = [Int](repeating: Int.min / 4, count: 2 * size)
        lazy = [Int](repeating: 0, count: 2 * size)
        for q in 0..<leaves {
            let top = classAsks[q].first.map { capacity[$0] } ?? 0
            minV[size + q] = v[q]
            maxTop[size + q] = top
            best[size + q] = top - v[q]
        }
        self.size = size
        for node in stride(from: size - 1, to: 0, by: -1) { pull(node) }
    }

    private let size: Int

    /// The active bids can be served in full by the active asks.
    var fits: Bool { minV[1] >= 0 }
    /// They could still be served in full with any one active ask rejected.
    var robust: Bool { best[1] <= 0 }

    mutating func rejectBid(_ bid: Int, jobs: Int) {
        add(from: bidClass[bid], jobs)
    }

    mutating func rejectAsk(_ ask: Int) {
        rejected[ask] = true
        let q = askClass[ask]
        add(from: q, -capacity[ask])
        var next = classNext[q]
        while next < classAsks[q].count, rejected[classAsks[q][next]] { next += 1 }
        classNext[q] = next
        let top = next < classAsks[q].count ? capacity[classAsks[q][next]] : 0
        setTop(q, top)
    }

    // MARK: segment tree

    private mutating func pull(_ node: Int) {
        let l = 2 * node
        let r = l + 1
        minV[node] = min(minV[l], minV[r]) + lazy[node]
        maxTop[node] = max(maxTop[l], maxTop[r])
        best[node] = max(best[l], best[r], maxTop[l] - minV[r]) - lazy[node]
    }

    private mutating func apply(_ node: Int, _ delta: Int) {
        minV[node] += delta
        best[node] -= delta
        lazy[node] += delta
    }

    /// Adds `delta` to `V_k` for every `k ≥ first`.
    private mutating func add(from first: Int, _ delta: Int) {
        guard first < leaves, delta != 0 else { return }
        update(node: 1, low: 0, high: size - 1, from: first, delta)
    }

    private mutating func update(node: Int, low: Int, high: Int, from first: Int, _ delta: Int) {
        if first <= low {
            apply(node, delta)
            return
        }
        let mid = (low + high) / 2
        if first <= mid { update(node: 2 * node, low: low, high: mid, from: first, delta) }
        update(node: 2 * node + 1, low: mid + 1, high: high, from: first, delta)
        pull(node)
    }

    private mutating func setTop(_ q: Int, _ top: Int) {
        // Leaves hold their value relative to their ancestors' pending additions, as `pull`
        // expects, so the robustness term of a leaf is simply its top minus its stored V.
        var node = size + q
        maxTop[node] = top
        best[node] = top - minV[node]
        node /= 2
        while node >= 1 {
            pull(node)
            node /= 2
        }
    }
}
