import Foundation
import Logging
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization

/// The circuits the gateway knows: registration (the circuit's proof system checks every artifact), and the
/// loaded circuits kept in memory for computing statements and verifying proofs.
public final class CircuitRegistry: Sendable {
    let store: any GatewayStore
    let artifacts: ArtifactStore
    let proofSystems: ProofSystemRegistry
    let limits: NetworkLimits
    let logger: Logger
    private let loaded = Mutex<[CircuitID: any LoadedCircuit]>([:])
    /// Registered circuits never change, so each is read from the store once (not per assignment or result).
    private let descriptors = Mutex<[CircuitID: CircuitDescriptor]>([:])

    public init(
        store: any GatewayStore, artifacts: ArtifactStore, proofSystems: ProofSystemRegistry, limits: NetworkLimits,
        logger: Logger
    ) {
        self.store = store
        self.artifacts = artifacts
        self.proofSystems = proofSystems
        self.limits = limits
        self.logger = logger
    }

    public func descriptor(_ id: CircuitID) async throws -> CircuitDescriptor {
        if let known = descriptors.withLock({ $0[id] }) { return known }
        guard let descriptor = try await store.circuit(id: id) else { throw GatewayError.unknownCircuit(id.rawValue) }
        descriptors.withLock { $0[id] = descriptor }
        return descriptor
    }

    /// The proof system that proves circuits of `kind` here.
    public func system(for kind: CircuitKind) throws(GatewayError) -> any CircuitProofSystem {
        guard let system = proofSystems.circuitSystem(for: kind) else {
            let known = proofSystems.circuitKinds.map(\.rawValue).joined(separator: ", ")
            throw .invalidArgument(
                "no proof system of this gateway proves circuits of kind '\(kind)' (it knows: \(known))")
        }
        return system
    }

    /// The loaded circuit, from memory or from its artifacts, with its descriptor and proof system.
    public func circuit(_ id: CircuitID) async throws -> (
        descriptor: CircuitDescriptor, system: any CircuitProofSystem, circuit: any LoadedCircuit
    ) {
        let descriptor = try await descriptor(id)
        let system = try system(for: descriptor.kind)
        if let circuit = loaded.withLock({ $0[id] }) { return (descriptor, system, circuit) }
        var files: [ArtifactRole: URL] = [:]
        for artifact in descriptor.artifacts {
            files[artifact.role] = artifacts.url(sha256: artifact.sha256)
        }
        let circuit = try system.load(descriptor, files: files)
        loaded.withLock { $0[id] = circuit }
        return (descriptor, system, circuit)
    }

    /// Registers a circuit of `kind`: `uploaded` are its artifacts, already stored and checked against their
    /// hashes (none for a synthetic circuit, whose size is `constraints`). Its proof system reads and checks
    /// everything now, so that a broken circuit is refused at registration and not at proving time; what it
    /// makes (a development key) is stored beside. Registering the same circuit again returns it.
    public func register(kind: CircuitKind, constraints: UInt64, name: String, uploaded: [ArtifactDescriptor])
        async throws -> CircuitDescriptor
    {
        let system = try system(for: kind)
        let id = CircuitDescriptor.id(kind: kind, constraints: uploaded.isEmpty ? constraints : 0, artifacts: uploaded)
        if let existing = try await store.circuit(id: id) { return existing }
        var files: [ArtifactRole: URL] = [:]
        for artifact in uploaded {
            guard let url = artifacts.url(sha256: artifact.sha256) else {
                throw GatewayError.invalidArgument("the circuit's \(artifact.role.rawValue) artifact was not received")
            }
            files[artifact.role] = url
        }
        let registration = CircuitRegistration(kind: kind, constraints: constraints, files: files, limits: limits)
        let definition: CircuitDefinition
        do {
            definition = try system.define(registration)
        } catch {
            throw GatewayError.invalidArgument("\(error)")
        }
        if !definition.madeArtifacts.isEmpty {
            logger.warning(
                "the proof system made the circuit's key here: an UNSAFE development key",
                metadata: ["kind": "\(kind)", "constraints": "\(constraints)"])
        }
        var made: [ArtifactDescriptor] = []
        for (role, bytes) in definition.madeArtifacts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            made.append(try artifacts.put(bytes, role: role))
        }
        let descriptor = CircuitDescriptor(
            id: id,
            name: name.isEmpty ? (uploaded.isEmpty ? "\(kind)-\(constraints)" : "\(kind)-\(id.prefix(8))") : name,
            kind: kind, constraints: definition.constraints, domainSize: definition.domainSize,
            publicSignals: definition.publicSignals, artifacts: uploaded + made,
            verificationKeyJSON: definition.verificationKeyJSON)
        try await store.insertCircuit(descriptor, createdMillis: Clock.nowMillis())
        logger.info(
            "circuit defined",
            metadata: ["circuit": "\(id.prefix(12))", "facts": "\(definition.facts.sorted { $0.key < $1.key })"])
        return descriptor
    }
}
