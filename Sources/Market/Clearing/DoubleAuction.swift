/// DARA, the network's market: a truthful knapsack double auction that matches requests' all-or-
/// nothing bids to provers' per-job asks, one round and one class of job at a time.
///
/// The mechanism (see `docs/market.md` for the proofs):
/// 1. Drop asks below the reputation floor and cap each ask's slots by its stake headroom; drop bids
///    that no set of provers could serve before their deadline. Both use public facts only.
/// 2. Sweep a price down from infinity: bids join the demand at their value per job, asks leave the
///    supply below their cost. Stop at the last state where the demand can be served in full by
///    the supply, deadlines and capacities respected (``Crossing``).
/// 3. Trade reduction: the marginal bid (last to join) and marginal ask (next to leave) do not
///    trade; every other bid in the demand and ask in the supply is a candidate.
/// 4. Ration the candidates by public facts only (``Rationing``).
/// 5. Every matched bid pays the marginal bid's value per job for each of its jobs; every ask that
///    takes jobs receives the marginal ask's cost per job. The first is at least the second, so the
///    network never pays out more than it takes in.
///
/// Each winner's price is set by an agent that does not trade and does not move while the winner
/// keeps winning, and no loser can win by misreporting without paying at least its true value
/// (receiving at most its true cost): truthful for both sides, in dominant strategies.
public enum DoubleAuction {
    /// Validates and clears one round. The outcome depends only on the round's content, not on the
    /// order of its bids and asks.
    public static func clear(_ round: Round) throws(MarketError) -> Outcome {
        try round.validate()
        return clearValidated(round)
    }

    /// Clears a round that ``Round/validate()`` accepted.
    static func clearValidated(_ round: Round) -> Outcome {
        let book = OrderBook(round)
        let hall = HallCondition(book)
        let crossing = Crossing(book, hall: hall)

        guard crossing.joined > 0 else { return outcome(round, winners: [], taken: [], pairs: [], prices: nil) }
        // Invariant: the demand at the crossing is non-empty and fits, so the supply is non-empty
        // and the marginal ask exists.
        let marginalBid = book.bidsByPrice[crossing.joined - 1]
        let marginalAsk = book.asksByLeave[crossing.left]
        let rationing = Rationing(
            book: book,
            candidateBids: Array(book.bidsByPrice[..<(crossing.joined - 1)]),
            candidateAsks: Array(book.asksByLeave[(crossing.left + 1)...]))
        let prices = (bid: book.density[marginalBid], ask: book.cost[marginalAsk])
        return outcome(
            round, winners: rationing.winners, taken: rationing.taken, pairs: rationing.assignments,
            prices: prices)
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
