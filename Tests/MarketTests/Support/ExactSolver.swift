@testable import Market

/// The welfare-maximizing allocation, found by brute force: every subset of bids, each served at
/// least cost. For the small rounds of the efficiency tests only (2^bids subsets).
///
/// For a fixed set of bids the cheapest way to serve it is a minimum-cost basis of a transversal
/// matroid (prover slots matched to jobs), which the greedy algorithm finds: take slots from the
/// cheapest up, keeping each one that can still be matched. Slots of speed `s` can serve jobs due
/// at `s` or later, so a set of slots can be matched iff, for every speed `t`, the slots at least
/// as slow as `t` number no more than the jobs due at `t` or later.
enum ExactSolver {
    static func optimalWelfare(_ round: Round) -> Double {
        let bids = round.bids
        precondition(bids.count <= 16, "brute force is for small rounds")
        // One entry per slot: (cost, secondsPerJob), cheapest first.
        var slots: [(cost: Double, speed: Double)] = []
        for ask in round.asks {
            let capacity = ask.capacity(bondPerJob: round.bondPerJob, minReputation: round.minReputation)
            slots += Array(repeating: (ask.cost, ask.secondsPerJob), count: capacity)
        }
        slots.sort { $0.cost < $1.cost }

        let speeds = Array(Set(slots.map(\.speed))).sorted()
        let slotSpeed = slots.map { slot in speeds.firstIndex(of: slot.speed)! }
        var best = 0.0
        for mask in 1..<(1 << bids.count) {
            let chosen = bids.indices.filter { mask & (1 << $0) != 0 }.map { bids[$0] }
            let jobs = chosen.reduce(0) { $0 + $1.jobs }
            guard jobs <= slots.count else { continue }
            // due[k]: jobs due at speeds[k] or later; kept[k]: kept slots at least that slow.
            let due = speeds.map { t in chosen.filter { $0.deadlineSeconds >= t }.reduce(0) { $0 + $1.jobs } }
            var kept = [Int](repeating: 0, count: speeds.count)
            var count = 0
            var cost = 0.0
            for (slot, s) in zip(slots, slotSpeed) where count < jobs {
                guard (0...s).allSatisfy({ kept[$0] < due[$0] }) else { continue }
                for k in 0...s { kept[k] += 1 }
                count += 1
                cost += slot.cost
            }
            guard count == jobs else { continue }
            best = max(best, chosen.reduce(0) { $0 + $1.value } - cost)
        }
        return best
    }
}
