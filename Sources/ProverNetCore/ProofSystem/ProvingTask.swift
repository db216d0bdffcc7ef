import Foundation

/// What an assignment asks of a prover, as the node reads it from the wire: the job's kind (which names its
/// proof system), the circuit, its artifacts and its input. No proof-system type appears here, so that the
/// node can check and route it without knowing the system.
public struct JobWork: Sendable, Equatable, Codable {
    /// The job kind, such as `groth16.prove`.
    public var jobKind: String
    /// The circuit's kind (none for an aggregation).
    public var circuitKind: CircuitKind?
    /// The circuit's constraints (a synthetic circuit's size).
    public var constraints: UInt64
    /// The artifacts to download before proving.
    public var artifacts: [ArtifactDescriptor]
    /// The job's input (empty for an aggregation).
    public var inputJSON: String
    /// For an aggregation: how many proofs it aggregates.
    public var proofs: Int

    public init(
        jobKind: String, circuitKind: CircuitKind?, constraints: UInt64, artifacts: [ArtifactDescriptor],
        inputJSON: String, proofs: Int = 0
    ) {
        self.jobKind = jobKind
        self.circuitKind = circuitKind
        self.constraints = constraints
        self.artifacts = artifacts
        self.inputJSON = inputJSON
        self.proofs = proofs
    }

    /// The artifact of a role, if the assignment names one.
    public func artifact(_ role: ArtifactRole) -> ArtifactDescriptor? { artifacts.first { $0.role == role } }
}

/// One job as a proof system proves it, with its files on this machine: what the node sends a worker.
public struct ProvingTask: Sendable, Equatable, Codable {
    public var jobKind: String
    public var circuitKind: CircuitKind?
    public var constraints: UInt64
    /// The downloaded artifacts, by role (`ArtifactRole.rawValue`).
    public var files: [String: URL]
    /// The file that holds the job's input JSON (none for an aggregation).
    public var input: URL?
    public var proofs: Int
    /// Where a system that can resume keeps finished stages (the directory outlives a crash of the node).
    public var checkpoint: URL?
    public var threads: Int

    public init(
        jobKind: String, circuitKind: CircuitKind?, constraints: UInt64, files: [ArtifactRole: URL], input: URL?,
        proofs: Int, checkpoint: URL?, threads: Int
    ) {
        self.jobKind = jobKind
        self.circuitKind = circuitKind
        self.constraints = constraints
        self.files = Dictionary(uniqueKeysWithValues: files.map { ($0.key.rawValue, $0.value) })
        self.input = input
        self.proofs = proofs
        self.checkpoint = checkpoint
        self.threads = threads
    }

    /// The file of a role.
    public func file(_ role: ArtifactRole) throws(ProverNetError) -> URL {
        guard let url = files[role.rawValue] else { throw .proving(reason: "the job has no \(role.rawValue) file") }
        return url
    }

    /// The input JSON, read from its file.
    public func inputJSON() throws(ProverNetError) -> String {
        guard let input else { throw .proving(reason: "the job has no input") }
        do {
            return try String(contentsOf: input, encoding: .utf8)
        } catch {
            throw .proving(reason: "cannot read the job's input \(input.lastPathComponent): \(error)")
        }
    }
}

/// A stage of a job as it runs: its name and how far along the job is (0…1).
public struct ProvingProgress: Sendable, Equatable {
    public var stage: String
    public var fraction: Double

    public init(stage: String, fraction: Double) {
        self.stage = stage
        self.fraction = fraction
    }
}

/// What a job made, and how long its parts took.
public struct ProvingOutput: Sendable, Equatable {
    public var payload: ProofPayload
    /// Reading the key (or reference string), computing the witness, and the proof itself, in seconds: the
    /// gateway is told the last, as the prover's proving time.
    public var keySeconds: Double
    public var witnessSeconds: Double
    public var proveSeconds: Double

    public init(payload: ProofPayload, keySeconds: Double = 0, witnessSeconds: Double = 0, proveSeconds: Double) {
        self.payload = payload
        self.keySeconds = keySeconds
        self.witnessSeconds = witnessSeconds
        self.proveSeconds = proveSeconds
    }
}

/// A machine's measured speed for one job of a size.
public struct ProvingMeasurement: Sendable, Equatable {
    public var seconds: Double
    public var size: UInt64

    public init(seconds: Double, size: UInt64) {
        self.seconds = seconds
        self.size = size
    }
}

/// A circuit being registered, as a proof system reads it.
public struct CircuitRegistration: Sendable {
    public var kind: CircuitKind
    /// The size a client asks for (a synthetic circuit's constraints); 0 when the artifacts say.
    public var constraints: UInt64
    /// The uploaded artifacts, checked against their hashes, by role.
    public var files: [ArtifactRole: URL]
    public var limits: NetworkLimits

    public init(kind: CircuitKind, constraints: UInt64, files: [ArtifactRole: URL], limits: NetworkLimits) {
        self.kind = kind
        self.constraints = constraints
        self.files = files
        self.limits = limits
    }
}

/// What the network keeps of a circuit that a proof system accepted.
public struct CircuitDefinition: Sendable {
    public var constraints: UInt64
    /// The size of the work (a proving key's domain): it sets the job class.
    public var domainSize: UInt64
    public var publicSignals: Int
    public var verificationKeyJSON: String
    /// Artifacts the system made (a development proving key), by role: stored beside the uploaded ones.
    public var madeArtifacts: [ArtifactRole: [UInt8]]
    /// What the system reports of the circuit beyond this (wires, the witness size of its generator…),
    /// shown at registration.
    public var facts: [String: String]

    public init(
        constraints: UInt64, domainSize: UInt64, publicSignals: Int, verificationKeyJSON: String,
        madeArtifacts: [ArtifactRole: [UInt8]] = [:], facts: [String: String] = [:]
    ) {
        self.constraints = constraints
        self.domainSize = domainSize
        self.publicSignals = publicSignals
        self.verificationKeyJSON = verificationKeyJSON
        self.madeArtifacts = madeArtifacts
        self.facts = facts
    }
}
