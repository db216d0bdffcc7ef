/// The heart of the mechanism: two price clocks that close in on each other, a deferred-acceptance
/// double auction.
///
/// The *bid clock* `P_b` starts at 0 and only rises; a bid is rejected when it reaches the bid's
/// value per job. The *ask clock* `P_a` starts at +∞ and only falls; an ask is rejected when it
/// reaches the ask's cost. Each clock meets its side in a strict order (bids by value per job, then
/// id descending; asks by cost descending, then id descending), so the agent it reaches next is
/// always the worst active one. Which clock moves, and how far, is decided by the *history* only:
/// the clock positions and the public facts of the active sets (do the active bids fit the active
/// asks, and would they still fit without any one of them). Never by the report of an active agent.
///
/// ```
/// P_b = 0, P_a = +∞
/// loop while some bid is active:
///   if the active bids do not fit:           raise P_b to the worst bid, reject it
///   else if P_b ≥ P_a:                       stop
///   else if they fit robustly:               lower P_a toward P_b: reject the worst ask if its
///                                            cost is above P_b, else set P_a = P_b and stop
///   else if P_a < +∞ or no bid is rejected:  raise P_b toward P_a: reject the worst bid if its
///                                            value per job is below P_a, else set P_b = P_a and stop
///   else:                                    lower P_a toward P_b (as above)
/// then, while the active bids fit robustly:  lower P_a to the worst ask, reject it
/// ```
///
/// Every active bid then trades and pays `P_b` per job; every active ask receives `P_a` per job it
/// is given (by public facts only). See `docs/market.md` for why this is truthful, weakly group-
/// strategy-proof, individually rational and weakly budget balanced.
struct ClockAuction: Sendable {
    /// Bids still active: `book.bidsByPrice[..<activeBids]`.
    private(set) var activeBids: Int
    /// Asks rejected: the active asks are `book.asksByLeave[rejectedAsks...]`.
    private(set) var rejectedAsks: Int
    /// What each active bid pays per job.
    private(set) var bidPrice: Double
    /// What each active ask receives per job.
    private(set) var askPrice: Double

    /// Variants of the rule, for the efficiency comparisons in the tests and the docs. Every one is
    /// a clock auction, hence truthful; the default is the one the market runs.
    struct Rules: Sendable, Equatable {
        /// Clocks stop on reaching the other clock (`P_b = P_a`) instead of always rejecting the
        /// agent they move toward. Off: every move rejects an agent, and the prices are always some
        /// rejected agent's report (the worked example).
        var stopAtOtherClock = true
        /// With `P_a = +∞` and the asks not robust, lower the ask clock toward `P_b` once a bid has
        /// set it, so that a single prover can trade at the best rejected bid's price.
        var askClockTowardBidClock = true
        /// After the clocks cross, keep rejecting the dearest asks while the rest still fits
        /// robustly, so that less dear capacity sits among the winners.
        var trimAsks = true

        static let market = Rules()
    }

    init(_ book: OrderBook, rules: Rules = .market) {
        var tree = HallTree(book)
        let bids = book.bidsByPrice
        let asks = book.asksByLeave
        var active = bids.count
        var rejected = 0
        var pb = 0.0
        var pa = Double.infinity
        var bidRejected = false

        func rejectBid() {
            active -= 1
            let bid = bids[active]
            tree.rejectBid(bid, jobs: book.jobs[bid])
            pb = book.density[bid]
            bidRejected = true
        }
        func rejectAsk() {
            let ask = asks[rejected]
            tree.rejectAsk(ask)
            pa = book.cost[ask]
            rejected += 1
        }

        loop: while active > 0 {
            if !tree.fits {
                rejectBid()
                continue
            }
            if pb >= pa { break }
            let lowerAsks = tree.robust || (rules.askClockTowardBidClock && pa == .infinity && bidRejected)
            if lowerAsks {
                // Robust implies at least two active asks; otherwise `fits` needs at least one.
                guard rejected < asks.count else { break }
                if book.cost[asks[rejected]] > pb || !rules.stopAtOtherClock {
                    rejectAsk()
                } else {
                    pa = pb
                    break loop
                }
            } else {
                if book.density[bids[active - 1]] < pa || !rules.stopAtOtherClock {
                    rejectBid()
                } else {
                    pb = pa
                    break loop
                }
            }
        }
        // Every stop with bids active has `P_a` finite (the loop never stops at `P_a = +∞`);
        // this keeps an infinite price out of the outcome even so.
        if pa == .infinity { active = 0 }
        if active > 0, rules.trimAsks {
            while tree.robust, rejected < asks.count { rejectAsk() }
        }
        activeBids = active
        rejectedAsks = rejected
        bidPrice = pb
        askPrice = pa
    }
}
