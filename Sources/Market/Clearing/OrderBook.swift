/// A validated round arranged for clearing: the asks that may take work and the bids that could be
/// served at all, each side sorted into the order in which the price sweep meets it.
///
/// Which asks and bids take part depends only on public facts (reputation, slots, stake, speed,
/// deadlines, jobs), never on a reported value or cost; this is what lets reputation and deadlines
/// shape the market without giving anyone a reason to lie about money.
///
/// The numbers are copied into flat arrays (indexed like `round.bids` and `round.asks`) so that the
/// hot loops and sorts touch no strings; ids are read only to break ties.
struct OrderBook: Sendable {
    let round: Round
    /// Value per job of each bid.
    let density: [Double]
    let jobs: [Int]
    let deadline: [Double]
    let cost: [Double]
    let speed: [Double]
    /// Jobs each ask may take: zero below the reputation floor, else its slots capped by its stake
    /// headroom.
    let capacity: [Int]
    /// Bids that some set of eligible provers could serve in full, best first: value per job
    /// descending, then id ascending. A bid's position here is its *price rank*.
    let bidsByPrice: [Int]
    /// Asks with positive capacity, in the order in which they leave the supply as the price falls:
    /// cost descending, then id descending. A position here is an ask's *leave rank*; the cheapest
    /// ask has the highest.
    let asksByLeave: [Int]

    init(_ round: Round) {
        self.round = round
        let bids = round.bids
        let asks = round.asks
        density = bids.map(\.density)
        jobs = bids.map(\.jobs)
        deadline = bids.map(\.deadlineSeconds)
        cost = asks.map(\.cost)
        speed = asks.map(\.secondsPerJob)
        let capacity = asks.map {
            $0.capacity(bondPerJob: round.bondPerJob, minReputation: round.minReputation)
        }
        self.capacity = capacity

        // A bid that even every eligible prover together could not serve before its deadline
        // never trades; left in, the bid clock would have to reject every cheaper bid before it.
        let speed = self.speed
        let eligible = asks.indices.filter { capacity[$0] > 0 }
        let bySpeed = eligible.sorted { speed[$0] < speed[$1] }
        var reach = [Int](repeating: 0, count: bySpeed.count + 1) // capacity of the k fastest
        for (k, ask) in bySpeed.enumerated() { reach[k + 1] = reach[k] + capacity[ask] }
        let jobs = self.jobs
        let deadline = self.deadline
        let servable = bids.indices.filter { index in
            var low = 0
            var high = bySpeed.count // becomes the count of asks fast enough for the deadline
            while low < high {
                let mid = (low + high) / 2
                if speed[bySpeed[mid]] <= deadline[index] { low = mid + 1 } else { high = mid }
            }
            return jobs[index] <= reach[low]
        }

        let density = self.density
        bidsByPrice = servable.sorted { a, b in
            density[a] != density[b] ? density[a] > density[b] : bids[a].id < bids[b].id
        }
        let cost = self.cost
        asksByLeave = eligible.sorted { a, b in
            cost[a] != cost[b] ? cost[a] > cost[b] : asks[a].id > asks[b].id
        }
    }
}
