import ArgumentParser
import ProverNetCore

// Ids on the command line are their types from the start, so a request's id is never passed as a circuit's.

extension RequestID: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(argument)
    }
}

extension CircuitID: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(argument)
    }
}

extension ProverID: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(argument)
    }
}

extension Amount: ExpressibleByArgument {
    /// A decimal such as `100` or `2.5`, exactly (at most six decimals).
    public init?(argument: String) { self.init(decimal: argument) }
}

extension Amount {
    /// An amount given on the command line, or why it is not one: a negative number is out of range (an
    /// option read with `parsing: .unconditional`, so that `-5` is its value, not another option).
    static func commandLine(_ text: String) throws -> Amount {
        if let amount = Amount(decimal: text) { return amount }
        if text.hasPrefix("-"), Double(text) != nil {
            throw ValidationError("\(text) is out of range: an amount is 0 or more")
        }
        throw ValidationError(
            "'\(text)' is not an amount: a decimal with at most \(Amount.decimals) decimals, such as 2.5")
    }
}
