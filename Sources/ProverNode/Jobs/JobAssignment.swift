import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

/// A job as the gateway assigned it, checked: what the node needs to prove it. A domain value: the wire's
/// message is read once, here, and the node keeps this (as JSON) on disk while the job runs.
public struct JobAssignment: Sendable, Equatable, Codable {
    public var job: JobID
    public var epoch: UInt64
    public var request: RequestID
    public var circuit: CircuitID
    /// What the job asks for: its kind (which names its proof system), circuit, artifacts and input.
    public var work: JobWork
    public var price: Amount
    public var deadlineUnixMillis: Int64
    public var jobClass: String
    /// The statement the client declared for the input (a JSON array of decimal strings), if it declared
    /// one: a proof of other public signals would be refused, so the node reports a mismatch instead.
    public var declaredStatement: String?

    public init(
        job: JobID, epoch: UInt64, request: RequestID, circuit: CircuitID, work: JobWork, price: Amount,
        deadlineUnixMillis: Int64, jobClass: String, declaredStatement: String? = nil
    ) {
        self.job = job
        self.epoch = epoch
        self.request = request
        self.circuit = circuit
        self.work = work
        self.price = price
        self.deadlineUnixMillis = deadlineUnixMillis
        self.jobClass = jobClass
        self.declaredStatement = declaredStatement
    }

    /// Reads an assignment message and checks it with the proof system of its job kind (one of `systems`):
    /// an assignment of a kind this node does not prove, or whose work is incomplete, is refused.
    public init(
        _ message: Provernet_V1_Assignment, systems: ProofSystemRegistry, limits: NetworkLimits = .default
    ) throws(ProverNodeError) {
        func invalid(_ reason: String) -> ProverNodeError { .invalidAssignment(job: message.jobID, reason: reason) }
        guard !message.jobID.isEmpty else { throw invalid("no job id") }
        var artifacts: [ArtifactDescriptor] = []
        for reference in message.artifacts {
            guard let role = ArtifactRole(rawValue: reference.role) else {
                throw invalid("unknown artifact role '\(reference.role)'")
            }
            guard ContentHash.isValidHex(reference.sha256) else {
                throw invalid("artifact hash '\(reference.sha256)' is not lower-case hex SHA-256")
            }
            guard !artifacts.contains(where: { $0.role == role }) else {
                throw invalid("two \(role.rawValue) artifacts")
            }
            artifacts.append(ArtifactDescriptor(role: role, sha256: reference.sha256, size: reference.size))
        }
        // An empty kind is a proving job of an older gateway, which had one proof system: the first here.
        let found =
            message.jobKind.isEmpty
            ? systems.systems.first { $0 is any CircuitProofSystem } : systems.system(jobKind: message.jobKind)
        guard let system = found else { throw invalid("unknown job kind '\(message.jobKind)'") }
        let kind = system.jobKind
        let circuitKind = Provernet_V1_CircuitKind.kindName(name: message.circuitKindName, value: message.circuitKind)
            .map(CircuitKind.init(rawValue:))
        let work = JobWork(
            jobKind: kind, circuitKind: circuitKind, constraints: message.constraints, artifacts: artifacts,
            inputJSON: message.inputJson, proofs: Int(message.proofs))
        do {
            try system.checkWork(work, limits: limits)
        } catch {
            throw invalid(Self.reason(error))
        }
        // Older gateways send only the float; it enters as money once, rounded down.
        self.init(
            job: JobID(message.jobID), epoch: message.epoch, request: RequestID(message.requestID),
            circuit: CircuitID(message.circuitID), work: work,
            price: Amount(units: message.priceUnits),
            deadlineUnixMillis: message.deadlineUnixMillis, jobClass: message.jobClass,
            declaredStatement: message.declaredPublicJson.isEmpty ? nil : message.declaredPublicJson)
    }

    /// A proof system's refusal as the node reports it: its reason, without the category's prefix.
    static func reason(_ error: ProverNetError) -> String {
        switch error {
        case .invalidInput(_, let reason), .invalidProof(let reason), .invalidCircuit(let reason),
            .proving(let reason):
            reason
        case .artifact: "\(error)"
        }
    }

    /// The artifacts to download before proving.
    public var artifacts: [ArtifactDescriptor] { work.artifacts }
}
