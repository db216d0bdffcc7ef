/// Chooses, among the bids and asks that beat the marginal ones, who actually trades, and who
/// proves what, using public facts only.
///
/// Leaving the marginal ask out can leave less capacity than the remaining bids need, and the
/// deadlines may not let every prover serve every request. The choice of who trades must not look
/// at any reported value or cost of the candidates: if it did, a candidate could shift it by
/// misreporting while its price stayed put. So bids are admitted earliest deadline first (then more
/// jobs first, then id), each only if the admitted set still fits (``HallCondition`` in its
/// incremental form), and jobs go to the fast-enough prover with the best reputation (then the
/// faster, then the lower id).
struct Rationing: Sendable {
    /// Admitted bids (indices into `round.bids`), earliest deadline first.
    private(set) var winners: [Int] = []
    /// Jobs given to each ask, indexed like `round.asks`.
    private(set) var taken: [Int]
    /// Who proves what, as (bid index, ask index, jobs), in the order they were made.
    private(set) var assignments: [(bid: Int, ask: Int, jobs: Int)] = []

    init(book: OrderBook, candidateBids: [Int], candidateAsks: [Int]) {
        let round = book.round
        taken = [Int](repeating: 0, count: round.asks.count)
        let (deadline, jobs, speed) = (book.deadline, book.jobs, book.speed)
        let bids = candidateBids.sorted { a, b in
            if deadline[a] != deadline[b] { return deadline[a] < deadline[b] }
            if jobs[a] != jobs[b] { return jobs[a] > jobs[b] }
            return round.bids[a].id < round.bids[b].id
        }
        let asks = candidateAsks.sorted { a, b in
            speed[a] != speed[b] ? speed[a] < speed[b] : round.asks[a].id < round.asks[b].id
        }

        // Admission. Bids come in deadline order, so when one is considered every admitted bid is
        // due no later; Hall's inequalities for deadlines below it are unchanged and those at or
        // above it are tightest at its own deadline.
        var supply = 0
        var admitted = 0
        var next = 0
        for bid in bids {
            while next < asks.count, speed[asks[next]] <= deadline[bid] {
                supply += book.capacity[asks[next]]
                next += 1
            }
            if supply - admitted >= jobs[bid] {
                admitted += jobs[bid]
                winners.append(bid)
            }
        }

        // Assignment. Provers become available as deadlines loosen; among those available the
        // best by public priority is drained first. Hall's condition guarantees enough is left.
        var remaining = book.capacity
        let reputation = round.asks.map(\.reputation)
        var available = PriorityQueue<Int> { a, b in
            if reputation[a] != reputation[b] { return reputation[a] > reputation[b] }
            if speed[a] != speed[b] { return speed[a] < speed[b] }
            return round.asks[a].id < round.asks[b].id
        }
        next = 0
        for bid in winners {
            while next < asks.count, speed[asks[next]] <= deadline[bid] {
                available.push(asks[next])
                next += 1
            }
            var need = jobs[bid]
            while need > 0, let ask = available.top {
                let jobs = min(need, remaining[ask])
                remaining[ask] -= jobs
                taken[ask] += jobs
                need -= jobs
                assignments.append((bid, ask, jobs))
                if remaining[ask] == 0 { available.pop() }
            }
            // Invariant: admission checked Hall's condition, so `need` is 0 here.
            assert(need == 0, "admitted bid could not be served")
        }
    }
}
