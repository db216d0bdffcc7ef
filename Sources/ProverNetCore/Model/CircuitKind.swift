/// What a circuit is made of.
public enum CircuitKind: String, Sendable, Codable, CaseIterable {
    /// A circom circuit: a witness generator (`wasm`) and a Groth16 proving key (`zkey`).
    case circom
    /// A built-in synthetic circuit (`SyntheticCircuit`) of a given number of constraints, whose
    /// development proving key the gateway makes. Its inputs are `{"x": "…", "y": "…"}`.
    case synthetic
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
    /// The verification key, as snarkjs writes it.
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
