/// Where the falling price makes demand stop fitting into supply: the sweep at the heart of the
/// mechanism.
///
/// Picture a price falling from infinity. A bid *joins* the demand when the price reaches its value
/// per job; an ask *leaves* the supply when the price drops below its cost. At equal prices bids
/// join before asks leave, and on each side ties go by id, so the events form one strict order.
/// Demand only grows and supply only shrinks, so "demand fits supply" (``HallCondition``) holds for
/// a first stretch of events and fails ever after. The crossing is the last state in which it holds.
///
/// In that state, the *marginal bid* is the last bid that joined (the cheapest in the demand) and
/// the *marginal ask* the next ask to leave (the dearest in the supply). As in McAfee's trade
/// reduction, both are left out of the trade and their reports set the prices: bids pay the marginal
/// bid's value per job, asks receive the marginal ask's cost per job.
struct Crossing: Sendable, Equatable {
    /// Bids in the demand at the crossing (price ranks `0..<joined`).
    let joined: Int
    /// Asks that had left the supply at the crossing (leave ranks `0..<left`).
    let left: Int

    /// Finds the crossing by bisection over the merged order of events: O(log(events)) checks of
    /// O(bids + asks) each.
    init(_ book: OrderBook, hall: HallCondition) {
        // joinedAt[t], leftAt[t]: the state after the first t events of the merged sweep.
        let count = book.bidsByPrice.count + book.asksByLeave.count
        var joinedAt = [Int](repeating: 0, count: count + 1)
        var leftAt = [Int](repeating: 0, count: count + 1)
        var b = 0
        var a = 0
        for t in 0..<count {
            let bidFirst: Bool
            if b == book.bidsByPrice.count {
                bidFirst = false
            } else if a == book.asksByLeave.count {
                bidFirst = true
            } else {
                bidFirst = book.density[book.bidsByPrice[b]] >= book.cost[book.asksByLeave[a]]
            }
            if bidFirst { b += 1 } else { a += 1 }
            joinedAt[t + 1] = b
            leftAt[t + 1] = a
        }
        // fits is true at t = 0 (no demand) and monotone: find the last t where it holds.
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high + 1) / 2
            if hall.fits(joined: joinedAt[mid], left: leftAt[mid]) {
                low = mid
            } else {
                high = mid - 1
            }
        }
        joined = joinedAt[low]
        left = leftAt[low]
    }
}
