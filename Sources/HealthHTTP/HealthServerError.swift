/// What can go wrong with the health endpoints.
public enum HealthServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is out of range.
    case configuration(String)

    public var description: String {
        switch self {
        case .configuration(let what): "configuration: \(what)"
        }
    }
}
