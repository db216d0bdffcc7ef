/// DARA, the network's market: a truthful knapsack double auction that matches requests' all-or-
/// nothing bids to provers' per-job asks, one round and one class of job at a time.
///
/// The mechanism (see `docs/market.md` for the proofs):
/// 1. Drop asks below the reputation floor and cap each ask's slots by its stake headroom; drop bids
///    that no set of provers could serve before their deadline. Both use public facts only.
/// 2. Run two price clocks toward each other (``ClockAuction``): a bid clock rising from 0 rejects
///    bids in order of value per job, an ask clock falling from +∞ rejects asks in order of cost.
///    Which clock moves is decided by the clock positions and by whether the active bids fit the
///    active asks (``HallTree``), never by an active agent's report. The clocks stop once the
///    active bids fit and the bid clock is at or above the ask clock.
/// 3. Every active bid trades and pays the bid clock per job; the active asks share the jobs by
///    public facts only (``Dispatch``) and receive the ask clock per job. The first price is at
///    least the second, so the network never pays out more than it takes in.
///
/// Each agent's price is a clock that its own report never moves while it stays active, and a
/// rejected agent could only have stayed active with the clock past its true value or cost: a
/// deferred-acceptance auction, truthful for both sides in dominant strategies and weakly group-
/// strategy-proof.
public enum DoubleAuction {
    /// Validates and clears one round. The outcome depends only on the round's content, not on the
    /// order of its bids and asks.
    public static func clear(_ round: Round) throws(MarketError) -> Outcome {
        try round.validate()
        return clearValidated(round)
    }

    /// Clears a round that ``Round/validate()`` accepted.
    static func clearValidated(_ round: Round, rules: ClockAuction.Rules = .market) -> Outcome {
        let book = OrderBook(round)
        let clocks = ClockAuction(book, rules: rules)
        guard clocks.activeBids > 0 else {
            return outcome(round, winners: [], taken: [], pairs: [], prices: nil)
        }
        let winners = book.bidsByPrice[..<clocks.activeBids]
        let dispatch = Dispatch(
            book: book, winningBids: winners, winningAsks: book.asksByLeave[clocks.rejectedAsks...])
        return outcome(
            round, winners: Array(winners), taken: dispatch.taken, pairs: dispatch.assignments,
            prices: (bid: clocks.bidPrice, ask: clocks.askPrice))
    }

    private static func outcome(
        _ round: Round, winners: [Int], taken: [Int], pairs: [(bid: Int, ask: Int, jobs: Int)],
        prices: (bid: Double, ask: Double)?
    ) -> Outcome {
        var bidPayments: [String: Double] = [:]
        var askPayments: [String: Double] = [:]
        var welfare = 0.0
        var jobs = 0
        for bid in winners {
            let b = round.bids[bid]
            bidPayments[b.id] = Double(b.jobs) * (prices?.bid ?? 0)
            welfare += b.value
            jobs += b.jobs
        }
        // Summed in id order, so that the rounding does not depend on the order of the input.
        let traders = round.asks.indices.filter { !taken.isEmpty && taken[$0] > 0 }
            .sorted { round.asks[$0].id < round.asks[$1].id }
        for ask in traders {
            let a = round.asks[ask]
            askPayments[a.id] = Double(taken[ask]) * (prices?.ask ?? 0)
            welfare -= Double(taken[ask]) * a.cost
        }
        var matched = [Bool](repeating: false, count: round.bids.count)
        for bid in winners { matched[bid] = true }
        let unmatched = round.bids.indices.filter { !matched[$0] }.map { round.bids[$0].id }.sorted()
        let assignments = pairs.map {
            Assignment(bid: round.bids[$0.bid].id, ask: round.asks[$0.ask].id, jobs: $0.jobs)
        }
        .sorted { $0.bid != $1.bid ? $0.bid < $1.bid : $0.ask < $1.ask }
        // (P_b - P_a) * jobs rather than a difference of two sums, which rounding could make
        // a hair negative when the two prices are equal.
        let surplus = prices.map { Double(jobs) * ($0.bid - $0.ask) } ?? 0
        return Outcome(
            assignments: assignments, bidPayments: bidPayments, askPayments: askPayments,
            unmatched: unmatched, welfare: welfare, surplus: surplus)
    }
}
