import Foundation

/// A proof system as the network uses it: everything the gateway and the prover node do with proofs goes
/// through this protocol, so that neither names a concrete system. Implementations live outside the model
/// (Groth16 and SnarkPack in the `ProofSystems` target) and reach the gateway and the node in a
/// `ProofSystemRegistry` handed to them at start (`docs/architecture.md`, "Adding a proof system").
///
/// Two refinements say what a system's jobs are: a `CircuitProofSystem` proves one input of a registered
/// circuit per job; an `AggregationSystem` makes one proof of all the verified proofs of a request.
public protocol ProofSystem: Sendable {
    /// The first part of the system's job classes, such as `groth16-bn254`; unique in a registry.
    var name: String { get }
    /// The kind of job it does, as assignments name it, such as `groth16.prove`; unique in a registry.
    var jobKind: String { get }
    /// Where a prover node runs its jobs. Default: in a worker process.
    var isolation: ProvingIsolation { get }

    /// The estimated work of one job of a class of this size, in units of one 2^12 Groth16 proof, so that
    /// measured seconds for one class predict another's and the market compares prices per unit.
    func workUnits(size: UInt64) -> Double

    /// The log₂ sizes of the classes a prover announces for this system; nil: bounded by the largest
    /// circuit the prover's memory holds, from 2^10 to 2^22 (`Calibration`).
    var announcedLog2Sizes: ClosedRange<Int>? { get }

    /// Prover side, before anything is downloaded: checks that an assignment's work is complete (the
    /// artifacts it needs are named, its sizes are in range).
    func checkWork(_ work: JobWork, limits: NetworkLimits) throws(ProverNetError)

    /// Prover side: does one job in this process, reporting its stages. A system keeps what it loaded
    /// (a proving key, a witness generator) for the next job of the same circuit.
    func prove(_ task: ProvingTask, progress: (ProvingProgress) -> Void) throws -> ProvingOutput

    /// Prover side, after proving: checks that a result is well formed before it is sent (the gateway
    /// verifies it; this catches a broken worker early).
    func checkEncoding(_ payload: ProofPayload, limits: NetworkLimits) throws(ProverNetError)

    /// Measures this machine with one small job of the system of about 2^`log2Size`, in this process:
    /// seconds and the size measured. Nil when the system does not measure (a prover then predicts from
    /// another system's measurement through the work units).
    func measure(log2Size: Int, threads: Int) throws -> ProvingMeasurement?

    /// FOR TESTING THE GATEWAY ONLY: a payload that decodes but does not verify (nil: the system cannot
    /// make one).
    func tampered(_ payload: ProofPayload) -> ProofPayload?
    /// FOR TESTING THE GATEWAY ONLY: another input than `inputJSON`, of the same circuit, whose proof
    /// verifies with other public signals (nil: the system cannot make one).
    func otherInput(_ inputJSON: String, circuitKind: CircuitKind) -> String?
}

extension ProofSystem {
    public var isolation: ProvingIsolation { .workerProcess }
    public var announcedLog2Sizes: ClosedRange<Int>? { nil }
    public func measure(log2Size: Int, threads: Int) throws -> ProvingMeasurement? { nil }
    public func tampered(_ payload: ProofPayload) -> ProofPayload? { nil }
    public func otherInput(_ inputJSON: String, circuitKind: CircuitKind) -> String? { nil }

    /// Seconds per job of `size`, scaled from a measurement at another size by the work units.
    public func predictSeconds(size: UInt64, measuredSeconds: Double, measuredSize: UInt64) -> Double {
        measuredSeconds * workUnits(size: size) / workUnits(size: measuredSize)
    }
}

/// A proof system whose jobs prove one input of a registered circuit each.
public protocol CircuitProofSystem: ProofSystem {
    /// The circuit kinds it proves, such as `circom` and `synthetic`; each belongs to one system.
    var circuitKinds: [CircuitKind] { get }

    /// The artifacts a client uploads to register a circuit of `kind` (for circom: wasm and zkey).
    func uploadedArtifacts(for kind: CircuitKind) -> [ArtifactRole]

    /// Gateway side: reads a circuit being registered and checks everything that can be checked before
    /// any job exists (every point of a key, the parts agreeing with each other), refusing with the
    /// numbers. Returns what the network keeps of it, and any artifact it made (a development key).
    func define(_ registration: CircuitRegistration) throws(ProverNetError) -> CircuitDefinition

    /// Gateway side: loads a registered circuit for computing statements and verifying proofs.
    func load(_ circuit: CircuitDescriptor, files: [ArtifactRole: URL]) throws(ProverNetError) -> any LoadedCircuit
}

extension CircuitProofSystem {
    /// The market class of a circuit's jobs: this system at the circuit's domain size.
    public func jobClass(of circuit: CircuitDescriptor) -> JobClass {
        JobClass(proofSystem: name, size: circuit.domainSize)
    }
}

/// A circuit loaded on the gateway: it turns inputs into statements and checks proofs against them.
public protocol LoadedCircuit: Sendable {
    /// The statement a proof of this input must prove (for Groth16, its public signals as a JSON array of
    /// decimal strings). `index` names the input in an error.
    func statement(inputJSON: String, index: Int?) throws(ProverNetError) -> String
    /// The statement a client declared for input `index` (for Groth16, its public signals as decimal
    /// strings), checked (as many as the circuit's public signals, each an element of the field) and in the
    /// form `statement(inputJSON:index:)` returns, so that the two compare as strings. No witness is run.
    func declaredStatement(_ signals: [String], index: Int) throws(ProverNetError) -> String
    /// Checks a prover's proof: it must decode, prove exactly `statement`, and verify.
    func verify(_ proof: ProofPayload, statement: String) throws(ProverNetError)
    /// Checks many proofs at once (a system may batch them into fewer pairings); one verdict per proof, nil
    /// for a valid one. The default checks them one by one.
    func verifyBatch(_ items: [(proof: ProofPayload, statement: String)]) -> [ProverNetError?]
}

extension LoadedCircuit {
    public func declaredStatement(_ signals: [String], index: Int) throws(ProverNetError) -> String {
        throw .invalidInput(index: index, reason: "this circuit's proof system does not take declared statements")
    }

    public func verifyBatch(_ items: [(proof: ProofPayload, statement: String)]) -> [ProverNetError?] {
        items.map { item -> ProverNetError? in
            do throws(ProverNetError) {
                try verify(item.proof, statement: item.statement)
                return nil
            } catch {
                return error
            }
        }
    }
}

/// A proof system whose job aggregates the verified proofs of one request of another system.
public protocol AggregationSystem: ProofSystem {
    /// The name of the circuit proof system whose proofs it aggregates.
    var aggregates: String { get }
    /// The class of the aggregation of `proofs` proofs.
    func jobClass(proofs: Int) -> JobClass
    /// Gateway side: reads the system's setup (for SnarkPack, its reference string) and checks it.
    func loadSetup(_ bytes: [UInt8]) throws(ProverNetError) -> any AggregationVerifier
    /// Gateway side: the artifact (role `proofs`) an aggregating prover downloads: the request's proofs
    /// in order.
    func bundle(_ proofs: [ProofPayload]) throws(ProverNetError) -> [UInt8]
}

/// An aggregation system's setup on the gateway: what it hands provers and clients, and the check of an
/// aggregate.
public protocol AggregationVerifier: Sendable {
    /// The setup as it was read, stored as an artifact (role `srs`) for provers to download.
    var setupBytes: [UInt8] { get }
    /// The most proofs one aggregate can take.
    var maxProofs: Int { get }
    /// What a client needs to check an aggregate itself (for SnarkPack, the verifier key file).
    var verifierKey: [UInt8] { get }
    /// Checks an aggregate against the statements of the proofs it claims, in order, for a circuit whose
    /// verification key is `verificationKey`.
    func verify(aggregate: [UInt8], statements: [String], verificationKey: String) throws(ProverNetError)
}

/// Where a prover node runs a system's jobs.
public enum ProvingIsolation: Sendable, Equatable {
    /// In one of the node's worker processes (the default: a crash or an out-of-memory kill there cannot
    /// take the node down, and the worker's priority is lowered).
    case workerProcess
    /// In the node's own process, on a thread of its own: for systems whose jobs are small and cannot crash.
    case inProcess
}
