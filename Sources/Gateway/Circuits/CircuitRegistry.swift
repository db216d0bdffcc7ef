import Circom
import Foundation
import Groth16
import Logging
import ProofSystems
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization

/// The circuits the gateway knows: registration (checking every artifact), and the loaded circuits
/// (witness generator and verification key) kept in memory for computing public signals and verifying.
public final class CircuitRegistry: Sendable {
    let store: any GatewayStore
    let artifacts: ArtifactStore
    let limits: NetworkLimits
    let logger: Logger
    private let loaded = Mutex<[CircuitID: Groth16Circuit]>([:])
    /// Registered circuits never change, so each is read from the store once (not per assignment or result).
    private let descriptors = Mutex<[CircuitID: CircuitDescriptor]>([:])

    public init(store: any GatewayStore, artifacts: ArtifactStore, limits: NetworkLimits, logger: Logger) {
        self.store = store
        self.artifacts = artifacts
        self.limits = limits
        self.logger = logger
    }

    public func descriptor(_ id: CircuitID) async throws -> CircuitDescriptor {
        if let known = descriptors.withLock({ $0[id] }) { return known }
        guard let descriptor = try await store.circuit(id: id) else { throw GatewayError.unknownCircuit(id.rawValue) }
        descriptors.withLock { $0[id] = descriptor }
        return descriptor
    }

    /// The loaded circuit, from memory or from its artifacts.
    public func circuit(_ id: CircuitID) async throws -> (CircuitDescriptor, Groth16Circuit) {
        let descriptor = try await descriptor(id)
        if let circuit = loaded.withLock({ $0[id] }) { return (descriptor, circuit) }
        let wasm = descriptor.artifact(.wasm).flatMap { artifacts.url(sha256: $0.sha256) }
        let circuit = try Groth16Circuit(
            kind: descriptor.kind, constraints: descriptor.constraints, wasm: wasm,
            verificationKeyJSON: descriptor.verificationKeyJSON)
        loaded.withLock { $0[id] = circuit }
        return (descriptor, circuit)
    }

    /// Registers the synthetic circuit of `constraints` constraints, making its (UNSAFE, development) key
    /// the first time; registering it again returns the same circuit.
    public func registerSynthetic(constraints: UInt64, name: String) async throws -> CircuitDescriptor {
        guard constraints >= 1, constraints <= limits.maxSyntheticConstraints else {
            throw GatewayError.invalidArgument(
                "a synthetic circuit has 1 to \(limits.maxSyntheticConstraints) constraints, not \(constraints)")
        }
        let id = CircuitDescriptor.id(kind: .synthetic, constraints: constraints, artifacts: [])
        if let existing = try await store.circuit(id: id) { return existing }
        logger.warning(
            "making an UNSAFE development key for a synthetic circuit", metadata: ["constraints": "\(constraints)"])
        let (zkey, verificationKey, domainSize) = try Groth16ProofSystem.syntheticKey(constraints: constraints)
        let zkeyArtifact = try artifacts.put(zkey, role: .zkey)
        let descriptor = CircuitDescriptor(
            id: id, name: name.isEmpty ? "synthetic-\(constraints)" : name, kind: .synthetic, constraints: constraints,
            domainSize: domainSize, publicSignals: verificationKey.publicCount, artifacts: [zkeyArtifact],
            verificationKeyJSON: String(decoding: verificationKey.snarkjsJSON, as: UTF8.self))
        try await store.insertCircuit(descriptor, createdMillis: Clock.nowMillis())
        return descriptor
    }

    /// Registers a circom circuit whose artifacts are already stored (checked against their hashes):
    /// reads the zkey fully (every point on its curve, the verification key's points in their
    /// subgroups) and loads the wasm, so that a broken circuit is refused now and not at proving time.
    public func registerCircom(name: String, wasm: ArtifactDescriptor, zkey: ArtifactDescriptor) async throws
        -> CircuitDescriptor
    {
        let artifactsList = [wasm, zkey]
        let id = CircuitDescriptor.id(kind: .circom, constraints: 0, artifacts: artifactsList)
        if let existing = try await store.circuit(id: id) { return existing }
        guard let zkeyURL = artifacts.url(sha256: zkey.sha256), let wasmURL = artifacts.url(sha256: wasm.sha256) else {
            throw GatewayError.invalidArgument("the circuit's artifacts were not received")
        }
        let key: ProvingKey
        do {
            key = try ZKeyFile(contentsOf: zkeyURL, options: .prover).provingKey
        } catch {
            throw GatewayError.invalidArgument("zkey: \(error)")
        }
        let verificationKeyJSON = String(decoding: key.verificationKey.snarkjsJSON, as: UTF8.self)
        // Reading the key back from JSON applies every check a verifier applies (subgroups included).
        let circuit = try Groth16Circuit(
            kind: .circom, constraints: UInt64(key.domainSize), wasm: wasmURL, verificationKeyJSON: verificationKeyJSON)
        let descriptor = CircuitDescriptor(
            id: id, name: name.isEmpty ? "circom-\(id.prefix(8))" : name, kind: .circom,
            constraints: UInt64(key.domainSize), domainSize: UInt64(key.domainSize), publicSignals: key.nPublic,
            artifacts: artifactsList, verificationKeyJSON: verificationKeyJSON)
        try await store.insertCircuit(descriptor, createdMillis: Clock.nowMillis())
        loaded.withLock { $0[id] = circuit }
        return descriptor
    }
}
