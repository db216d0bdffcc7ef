/// Limits on everything a stranger can send, shared by gateway, prover and client so that both ends
/// agree. Documented defaults; the gateway's configuration may lower or raise them.
public struct NetworkLimits: Sendable, Codable, Equatable {
    /// The largest gRPC message, in bytes (artifacts travel in chunks below this).
    public var maxMessageBytes: Int = 4 << 20
    /// The largest artifact (a zkey) accepted at registration.
    public var maxArtifactBytes: UInt64 = 2 << 30
    /// The largest synthetic circuit, in constraints.
    public var maxSyntheticConstraints: UInt64 = 1 << 20
    /// The most inputs (jobs) in one request.
    public var maxInputsPerRequest: Int = 10_000
    /// The largest input JSON of one job.
    public var maxInputBytes: Int = 1 << 20
    /// The largest proof or public-signals JSON a prover may send.
    public var maxProofJSONBytes: Int = 64 << 10
    /// The size of artifact chunks on the wire.
    public var artifactChunkBytes: Int = 1 << 20

    public init() {}

    public static let `default` = NetworkLimits()
}
