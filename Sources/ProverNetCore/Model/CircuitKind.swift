/// What a circuit is made of: a name that belongs to one proof system (which says what its artifacts
/// are and how its inputs read). A value, not a closed enum, so that a proof system added to the
/// registry brings its own kinds without changing the network.
public struct CircuitKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// A circom circuit: a witness generator (`wasm`) and a Groth16 proving key (`zkey`).
    public static let circom: CircuitKind = "circom"
    /// A built-in synthetic circuit of a given number of constraints, whose development proving key the
    /// gateway makes. Its inputs are `{"x": "…", "y": "…"}`.
    public static let synthetic: CircuitKind = "synthetic"

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The role of an artifact in a circuit.
public enum ArtifactRole: String, Sendable, Codable, CaseIterable {
    case wasm
    case zkey
    /// A SnarkPack reference string (the gateway's), for aggregation jobs.
    case srs
    /// A circuit's verification key (snarkjs JSON), for aggregation jobs.
    case verificationKey = "verification_key"
    /// The proofs an aggregation job aggregates (`AggregationBundle`).
    case proofs

    /// Whether a circuit may be registered with an artifact of this role.
    public var isCircuitArtifact: Bool { self == .wasm || self == .zkey }
}

/// A content-addressed artifact.
public struct ArtifactDescriptor: Sendable, Hashable, Codable {
    public var role: ArtifactRole
    /// Lower-case hex SHA-256 of the content.
    public var sha256: String
    public var size: UInt64

    public init(role: ArtifactRole, sha256: String, size: UInt64) {
        self.role = role
        self.sha256 = sha256
        self.size = size
    }
}

/// A registered circuit as the network knows it.
public struct CircuitDescriptor: Sendable, Hashable, Codable {
    public var id: CircuitID
    public var name: String
    public var kind: CircuitKind
    /// The number of constraints (for a circom circuit, the key's domain size is the bound that matters).
    public var constraints: UInt64
    /// The NTT domain size of the proving key: the size of the work.
    public var domainSize: UInt64
    public var publicSignals: Int
    public var artifacts: [ArtifactDescriptor]
    /// The verification key in its proof system's text form (for Groth16, as snarkjs writes it).
    public var verificationKeyJSON: String

    public init(
        id: CircuitID, name: String, kind: CircuitKind, constraints: UInt64, domainSize: UInt64,
        publicSignals: Int, artifacts: [ArtifactDescriptor], verificationKeyJSON: String
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.constraints = constraints
        self.domainSize = domainSize
        self.publicSignals = publicSignals
        self.artifacts = artifacts
        self.verificationKeyJSON = verificationKeyJSON
    }

    public func artifact(_ role: ArtifactRole) -> ArtifactDescriptor? { artifacts.first { $0.role == role } }
}
