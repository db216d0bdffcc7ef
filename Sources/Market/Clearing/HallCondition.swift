/// Decides whether a set of bids can be served in full by a set of asks, deadlines and capacities
/// respected.
///
/// A prover may take a job when its `secondsPerJob` is at most the job's deadline, so the provers a
/// bid may use are nested: a later deadline allows a superset. For nested neighbourhoods Hall's
/// condition reduces to one inequality per deadline: for every deadline `D`, the jobs of bids due
/// by `D` must not exceed the capacity of provers fast enough for `D`. One merge pass over bids
/// sorted by deadline and asks sorted by speed checks them all, in O(bids + asks).
struct HallCondition: Sendable {
    private struct BidRung: Sendable {
        var deadline: Double
        var jobs: Int
        var priceRank: Int
    }
    private struct AskRung: Sendable {
        var speed: Double
        var capacity: Int
        var leaveRank: Int
    }
    private let bids: [BidRung]
    private let asks: [AskRung]

    init(_ book: OrderBook) {
        bids = book.bidsByPrice.enumerated()
            .map { rank, index in
                BidRung(deadline: book.deadline[index], jobs: book.jobs[index], priceRank: rank)
            }
            .sorted { $0.deadline < $1.deadline }
        asks = book.asksByLeave.enumerated()
            .map { rank, index in
                AskRung(speed: book.speed[index], capacity: book.capacity[index], leaveRank: rank)
            }
            .sorted { $0.speed < $1.speed }
    }

    /// Whether the bids of price rank below `joined` fit into the asks of leave rank at least
    /// `left`: the market's state once the sweep has let `joined` bids in and `left` asks out.
    func fits(joined: Int, left: Int) -> Bool {
        var supply = 0
        var demand = 0
        var next = 0
        for bid in bids where bid.priceRank < joined {
            while next < asks.count, asks[next].speed <= bid.deadline {
                if asks[next].leaveRank >= left { supply += asks[next].capacity }
                next += 1
            }
            demand += bid.jobs
            if demand > supply { return false }
        }
        return true
    }
}
