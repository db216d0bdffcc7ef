/// The circuit kinds the wire's enum lists, by the names the network uses for them; any other kind travels
/// by name alone (`kind_name`, `circuit_kind_name`).
extension Provernet_V1_CircuitKind {
    /// The kind's name ("circom", "synthetic"); nil for one the enum does not name.
    public var kindName: String? {
        switch self {
        case .circom: "circom"
        case .synthetic: "synthetic"
        default: nil
        }
    }

    /// The enum value of a kind's name (`.unspecified` for a kind it does not list).
    public init(kindName: String) {
        switch kindName {
        case "circom": self = .circom
        case "synthetic": self = .synthetic
        default: self = .unspecified
        }
    }

    /// The kind a message names: its name when it gives one, else its enum value's name (nil: neither).
    public static func kindName(name: String, value: Provernet_V1_CircuitKind) -> String? {
        name.isEmpty ? value.kindName : name
    }
}
