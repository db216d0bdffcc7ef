import ProofSystems
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

/// A job as the gateway assigned it, checked: what the node needs to prove it.
public struct JobAssignment: Sendable, Equatable {
    /// What the job asks for.
    public enum Work: Sendable, Equatable {
        /// A Groth16 proof of one input (`groth16.prove`).
        case prove(
            kind: CircuitKind, constraints: UInt64, zkey: ArtifactDescriptor, wasm: ArtifactDescriptor?,
            inputJSON: String)
        /// A SnarkPack aggregate of a request's proofs (`snarkpack.aggregate`).
        case aggregate(
            proofs: Int, srs: ArtifactDescriptor, verificationKey: ArtifactDescriptor, bundle: ArtifactDescriptor)
    }

    public var job: JobID
    public var epoch: UInt64
    public var request: RequestID
    public var circuit: CircuitID
    public var work: Work
    public var price: Amount
    public var deadlineUnixMillis: Int64
    public var jobClass: String
    /// The message it was read from: kept on disk while the job runs, so that a node restarted after a
    /// crash takes its jobs up again.
    public var message: Provernet_V1_Assignment

    public init(_ message: Provernet_V1_Assignment, limits: NetworkLimits = .default) throws(ProverNodeError) {
        func invalid(_ reason: String) -> ProverNodeError { .invalidAssignment(job: message.jobID, reason: reason) }
        guard !message.jobID.isEmpty else { throw invalid("no job id") }
        self.message = message
        job = JobID(message.jobID)
        epoch = message.epoch
        request = RequestID(message.requestID)
        circuit = CircuitID(message.circuitID)
        // Older gateways send only the float; it enters as money once, rounded down.
        price = message.priceUnits != 0 ? Amount(units: message.priceUnits) : Amount.flooring(message.price)
        deadlineUnixMillis = message.deadlineUnixMillis
        jobClass = message.jobClass
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
        switch message.jobKind {
        case "", Groth16ProofSystem.jobKinds[0]:
            work = try Self.proving(message, artifacts: artifacts, limits: limits, invalid: invalid)
        case SnarkPackProofSystem.jobKind:
            guard let srs = artifacts[.srs], let key = artifacts[.verificationKey], let bundle = artifacts[.proofs]
            else {
                throw invalid("an aggregation job needs srs, verification_key and proofs artifacts")
            }
            guard message.proofs >= 2 else { throw invalid("an aggregation of \(message.proofs) proofs") }
            work = .aggregate(proofs: Int(message.proofs), srs: srs, verificationKey: key, bundle: bundle)
        default:
            throw invalid("unknown job kind '\(message.jobKind)'")
        }
    }

    private static func proving(
        _ message: Provernet_V1_Assignment, artifacts: [ArtifactRole: ArtifactDescriptor], limits: NetworkLimits,
        invalid: (String) -> ProverNodeError
    ) throws(ProverNodeError) -> Work {
        guard message.inputJson.utf8.count <= limits.maxInputBytes else {
            throw invalid("input of \(message.inputJson.utf8.count) bytes is over the limit of \(limits.maxInputBytes)")
        }
        guard let zkey = artifacts[.zkey] else { throw invalid("no zkey artifact") }
        switch message.circuitKind {
        case .circom:
            guard let wasm = artifacts[.wasm] else { throw invalid("a circom circuit needs its wasm artifact") }
            return .prove(
                kind: .circom, constraints: message.constraints, zkey: zkey, wasm: wasm, inputJSON: message.inputJson)
        case .synthetic:
            guard message.constraints > 0, message.constraints <= limits.maxSyntheticConstraints else {
                throw invalid("a synthetic circuit of \(message.constraints) constraints is out of range")
            }
            return .prove(
                kind: .synthetic, constraints: message.constraints, zkey: zkey, wasm: nil, inputJSON: message.inputJson)
        case .unspecified, .UNRECOGNIZED:
            throw invalid("unknown circuit kind \(message.circuitKind)")
        }
    }

    /// The artifacts to download before proving.
    public var artifacts: [ArtifactDescriptor] {
        switch work {
        case .prove(_, _, let zkey, let wasm, _): [zkey] + (wasm.map { [$0] } ?? [])
        case .aggregate(_, let srs, let key, let bundle): [srs, key, bundle]
        }
    }
}
