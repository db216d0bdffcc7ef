import Foundation

extension Round {
    /// Decodes and validates a round from its JSON form (the format of `provernet market clear`).
    ///
    /// Unlike a plain `JSONDecoder` call, a missing field or a value of the wrong type is reported
    /// with the entry it belongs to, as in `bids[1] "req-2": missing field "value"`.
    public init(json data: Data) throws(MarketError) {
        let raw: RawRound
        do {
            raw = try JSONDecoder().decode(RawRound.self, from: data)
        } catch let error as DecodingError {
            throw Self.marketError(error)
        } catch {
            throw .invalidJSON(reason: "\(error)")
        }
        let round = try raw.round()
        try round.validate()
        self = round
    }

    /// Turns a decoder's error into one that names the entry, from the error's coding path.
    private static func marketError(_ error: DecodingError) -> MarketError {
        func place(_ path: [any CodingKey]) -> (entry: String, field: String) {
            var entry = "round"
            var field = "?"
            var list: String?
            for key in path {
                if let index = key.intValue, let name = list {
                    entry = "\(name)[\(index)]"
                } else if key.stringValue == "bids" || key.stringValue == "asks", entry == "round" {
                    list = key.stringValue
                    field = key.stringValue
                } else {
                    field = key.stringValue
                }
            }
            return (entry, field)
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let (entry, field) = place(context.codingPath)
            return .wrongType(entry: entry, field: field, reason: context.debugDescription)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .invalidJSON(reason: context.underlyingError.map { "\($0)" } ?? context.debugDescription)
            }
            let (entry, field) = place(context.codingPath)
            return .wrongType(entry: entry, field: field, reason: context.debugDescription)
        case .keyNotFound(let key, let context):
            let (entry, _) = place(context.codingPath)
            return .missingField(entry: entry, field: key.stringValue)
        @unknown default:
            return .invalidJSON(reason: "\(error)")
        }
    }
}

extension Outcome {
    /// The outcome as JSON with sorted keys, so that equal outcomes give equal bytes.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Invariant: every field is a string, an integer or a finite double (validated inputs
        // and their sums and products), which JSONEncoder always encodes.
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}

/// A round as it arrives, every field optional, so that a missing one can be named.
private struct RawRound: Decodable {
    var jobClass: String?
    var bondPerJob: Double?
    var minReputation: Double?
    var bids: [RawBid]?
    var asks: [RawAsk]?

    enum CodingKeys: String, CodingKey {
        case jobClass = "class"
        case bondPerJob, minReputation, bids, asks
    }

    func round() throws(MarketError) -> Round {
        guard let jobClass else { throw .missingField(entry: "round", field: "class") }
        guard let bondPerJob else { throw .missingField(entry: "round", field: "bondPerJob") }
        guard let minReputation else { throw .missingField(entry: "round", field: "minReputation") }
        guard let bids else { throw .missingField(entry: "round", field: "bids") }
        guard let asks else { throw .missingField(entry: "round", field: "asks") }
        var round = Round(jobClass: jobClass, bondPerJob: bondPerJob, minReputation: minReputation)
        for (index, raw) in bids.enumerated() {
            let entry = Round.entry("bids", index, raw.id)
            func need<T>(_ value: T?, _ field: String) throws(MarketError) -> T {
                guard let value else { throw .missingField(entry: entry, field: field) }
                return value
            }
            round.bids.append(
                Bid(
                    id: try need(raw.id, "id"),
                    jobs: try Self.count(try need(raw.jobs, "jobs"), entry: entry, field: "jobs"),
                    value: try need(raw.value, "value"),
                    deadlineSeconds: try need(raw.deadlineSeconds, "deadlineSeconds")))
        }
        for (index, raw) in asks.enumerated() {
            let entry = Round.entry("asks", index, raw.id)
            func need<T>(_ value: T?, _ field: String) throws(MarketError) -> T {
                guard let value else { throw .missingField(entry: entry, field: field) }
                return value
            }
            round.asks.append(
                Ask(
                    id: try need(raw.id, "id"),
                    slots: try Self.count(try need(raw.slots, "slots"), entry: entry, field: "slots"),
                    cost: try need(raw.cost, "cost"),
                    secondsPerJob: try need(raw.secondsPerJob, "secondsPerJob"),
                    reputation: try need(raw.reputation, "reputation"),
                    stakeHeadroom: try need(raw.stakeHeadroom, "stakeHeadroom")))
        }
        return round
    }

    /// Counts arrive as JSON numbers; decoding them as `Double` and checking here, rather than
    /// asking the decoder for an `Int`, lets a fraction be reported with its entry's id.
    private static func count(_ value: Double, entry: String, field: String) throws(MarketError) -> Int {
        guard value.isFinite else { throw .notFinite(entry: entry, field: field, value: value) }
        guard value == value.rounded(), abs(value) < 1e15 else {
            throw .wrongType(entry: entry, field: field, reason: "expected a whole number, got \(value)")
        }
        return Int(value)
    }
}

private struct RawBid: Decodable {
    var id: String?
    var jobs: Double?
    var value: Double?
    var deadlineSeconds: Double?
}

private struct RawAsk: Decodable {
    var id: String?
    var slots: Double?
    var cost: Double?
    var secondsPerJob: Double?
    var reputation: Double?
    var stakeHeadroom: Double?
}
