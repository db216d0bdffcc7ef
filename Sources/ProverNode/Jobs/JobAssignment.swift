import ProverNetAPI
import ProverNetCore

/// A job as the gateway assigned it, checked: what the node needs to prove it.
public struct JobAssignment: Sendable, Equatable {
    public var job: JobID
    public var epoch: UInt64
    public var request: RequestID
    public var circuit: CircuitID
    public var kind: CircuitKind
    public var constraints: UInt64
    public var zkey: ArtifactDescriptor
    /// The witness generator of a circom circuit.
    public var wasm: ArtifactDescriptor?
    public var inputJSON: String
    public var price: Double
    public var deadlineUnixMillis: Int64
    public var jobClass: String

    public init(_ message: Provernet_V1_Assignment, limits: NetworkLimits = .default) throws(ProverNodeError) {
        func invalid(_ reason: String) -> ProverNodeError { .invalidAssignment(job: message.jobID, reason: reason) }
        guard !message.jobID.isEmpty else { throw invalid("no job id") }
        job = message.jobID
        epoch = message.epoch
        request = message.requestID
        circuit = message.circuitID
        constraints = message.constraints
        inputJSON = message.inputJson
        price = message.price
        deadlineUnixMillis = message.deadlineUnixMillis
        jobClass = message.jobClass
        guard inputJSON.utf8.count <= limits.maxInputBytes else {
            throw invalid("input of \(inputJSON.utf8.count) bytes is over the limit of \(limits.maxInputBytes)")
        }
        var artifacts: [ArtifactRole: ArtifactDescriptor] = [:]
        for reference in message.artifacts {
            guard let role = ArtifactRole(rawValue: reference.role) else {
                throw invalid("unknown artifact role '\(reference.role)'")
            }
            guard ContentHash.isValidHex(reference.sha256) else {
                throw invalid("artifact hash '\(reference.sha256)' is not lower-case hex SHA-256")
            }
            artifacts[role] = ArtifactDescriptor(role: role, sha256: reference.sha256, size: reference.size)
        }
        guard let zkey = artifacts[.zkey] else { throw invalid("no zkey artifact") }
        self.zkey = zkey
        switch message.circuitKind {
        case .circom:
            kind = .circom
            guard let wasm = artifacts[.wasm] else { throw invalid("a circom circuit needs its wasm artifact") }
            self.wasm = wasm
        case .synthetic:
            kind = .synthetic
            guard constraints > 0, constraints <= limits.maxSyntheticConstraints else {
                throw invalid("a synthetic circuit of \(constraints) constraints is out of range")
            }
            wasm = nil
        case .unspecified, .UNRECOGNIZED:
            throw invalid("unknown circuit kind \(message.circuitKind)")
        }
    }

    /// The artifacts to download before proving.
    public var artifacts: [ArtifactDescriptor] { [zkey] + (wasm.map { [$0] } ?? []) }
}
