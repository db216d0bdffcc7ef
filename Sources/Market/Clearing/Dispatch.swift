/// Who proves what: the winning bids' jobs spread over the winning asks, by public facts only.
///
/// The clocks leave active only bids that fit the active asks (Hall's condition), so every active
/// bid is served in full. Which winning prover takes which job must not look at any reported cost:
/// if it did, a winning prover could win more jobs at the same price by shading its report. So
/// bids are served earliest deadline first, and each job goes to the fast-enough prover with the
/// best reputation (then the faster, then the lower id). Serving bids in deadline order never
/// strands one: every later bid may use every prover an earlier one could.
struct Dispatch: Sendable {
    /// Jobs given to each ask, indexed like `round.asks`.
    private(set) var taken: [Int]
    /// Who proves what, as (bid index, ask index, jobs), in the order they were made.
    private(set) var assignments: [(bid: Int, ask: Int, jobs: Int)] = []

    init(book: OrderBook, winningBids: some Collection<Int>, winningAsks: some Collection<Int>) {
        let round = book.round
        taken = [Int](repeating: 0, count: round.asks.count)
        let (deadline, jobs, speed) = (book.deadline, book.jobs, book.speed)
        let bids = winningBids.sorted { a, b in
            if deadline[a] != deadline[b] { return deadline[a] < deadline[b] }
            if jobs[a] != jobs[b] { return jobs[a] > jobs[b] }
            return round.bids[a].id < round.bids[b].id
        }
        let asks = winningAsks.sorted { a, b in
            speed[a] != speed[b] ? speed[a] < speed[b] : round.asks[a].id < round.asks[b].id
        }

        // Provers become available as deadlines loosen; among those available the best by public
        // priority is drained first.
        var remaining = book.capacity
        let reputation = round.asks.map(\.reputation)
        var available = PriorityQueue<Int> { a, b in
            if reputation[a] != reputation[b] { return reputation[a] > reputation[b] }
            if speed[a] != speed[b] { return speed[a] < speed[b] }
            return round.asks[a].id < round.asks[b].id
        }
        var next = 0
        for bid in bids {
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
            // Invariant: the clocks stop only where the active bids fit, so `need` is 0 here.
            precondition(need == 0, "a winning bid could not be served")
        }
    }
}
