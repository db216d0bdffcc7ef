/// Everything that can be wrong with a round handed to the market.
///
/// Each case names the entry at fault (`bids[2] "req-3"`, `asks[0] "prover-a"`, or `round` for the
/// round's own fields) so that the sender can find and fix it.
public enum MarketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is not JSON, or not a JSON object at its top level.
    case invalidJSON(reason: String)
    /// A required field is absent or `null`.
    case missingField(entry: String, field: String)
    /// A field holds a value of the wrong JSON type (a string for a number, a fraction for a count).
    case wrongType(entry: String, field: String, reason: String)
    /// A number is NaN or infinite.
    case notFinite(entry: String, field: String, value: Double)
    /// A number that must be at least zero is negative.
    case negative(entry: String, field: String, value: Double)
    /// A count that must be at least one is zero or less (a request for no jobs).
    case notPositive(entry: String, field: String, value: Int)
    /// An id is the empty string.
    case emptyID(entry: String)
    /// Two bids, or two asks, share an id.
    case duplicateID(list: String, id: String)

    public var description: String {
        switch self {
        case .invalidJSON(let reason):
            return "the round is not valid JSON: \(reason)"
        case .missingField(let entry, let field):
            return "\(entry): missing field \"\(field)\""
        case .wrongType(let entry, let field, let reason):
            return "\(entry): field \"\(field)\" has the wrong type: \(reason)"
        case .notFinite(let entry, let field, let value):
            return "\(entry): field \"\(field)\" must be a finite number, got \(value)"
        case .negative(let entry, let field, let value):
            return "\(entry): field \"\(field)\" must not be negative, got \(value)"
        case .notPositive(let entry, let field, let value):
            return "\(entry): field \"\(field)\" must be at least 1, got \(value)"
        case .emptyID(let entry):
            return "\(entry): field \"id\" must not be empty"
        case .duplicateID(let list, let id):
            return "\(list): id \"\(id)\" appears more than once"
        }
    }
}
