extension Round {
    /// Checks every number and id of the round, throwing on the first entry at fault.
    ///
    /// Money, times, stake and reputation must be finite and not negative; `jobs` must be at
    /// least 1 and `slots` at least 0; ids must be non-empty and unique among the bids and among
    /// the asks. ``DoubleAuction/clear(_:)`` calls this before it clears.
    public func validate() throws(MarketError) {
        try Self.check(bondPerJob, entry: "round", field: "bondPerJob")
        try Self.check(minReputation, entry: "round", field: "minReputation")
        var bidIDs = Set<String>()
        for (index, bid) in bids.enumerated() {
            let entry = Self.entry("bids", index, bid.id)
            guard !bid.id.isEmpty else { throw .emptyID(entry: entry) }
            guard bid.jobs >= 1 else {
                throw .notPositive(entry: entry, field: "jobs", value: bid.jobs)
            }
            try Self.check(bid.value, entry: entry, field: "value")
            try Self.check(bid.deadlineSeconds, entry: entry, field: "deadlineSeconds")
            guard bidIDs.insert(bid.id).inserted else { throw .duplicateID(list: "bids", id: bid.id) }
        }
        var askIDs = Set<String>()
        for (index, ask) in asks.enumerated() {
            let entry = Self.entry("asks", index, ask.id)
            guard !ask.id.isEmpty else { throw .emptyID(entry: entry) }
            guard ask.slots >= 0 else {
                throw .negative(entry: entry, field: "slots", value: Double(ask.slots))
            }
            try Self.check(ask.cost, entry: entry, field: "cost")
            try Self.check(ask.secondsPerJob, entry: entry, field: "secondsPerJob")
            try Self.check(ask.reputation, entry: entry, field: "reputation")
            try Self.check(ask.stakeHeadroom, entry: entry, field: "stakeHeadroom")
            guard askIDs.insert(ask.id).inserted else { throw .duplicateID(list: "asks", id: ask.id) }
        }
    }

    /// How errors name an entry: `bids[2] "req-3"`, or `bids[2]` while its id is unknown.
    static func entry(_ list: String, _ index: Int, _ id: String?) -> String {
        guard let id, !id.isEmpty else { return "\(list)[\(index)]" }
        return "\(list)[\(index)] \"\(id)\""
    }

    private static func check(_ value: Double, entry: String, field: String) throws(MarketError) {
        guard value.isFinite else { throw .notFinite(entry: entry, field: field, value: value) }
        guard value >= 0 else { throw .negative(entry: entry, field: field, value: value) }
    }
}
