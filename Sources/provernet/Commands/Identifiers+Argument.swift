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
