import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

extension ProverNetClient {
    /// Registers a circom circuit: hashes its witness generator (`.wasm`) and proving key (`.zkey`), sends
    /// the hashes, then streams both files in chunks. Registering the same files again returns the same id
    /// (and costs the upload again: the gateway checks what it receives).
    public func registerCircuit(name: String, wasm: URL, zkey: URL) async throws(ProverNetClientError)
        -> RegisteredCircuit
    {
        var artifacts: [(descriptor: ArtifactDescriptor, url: URL)] = []
        for (role, url) in [(ArtifactRole.wasm, wasm), (.zkey, zkey)] {
            let hashed: (hash: String, size: UInt64)
            do {
                hashed = try ContentHash.sha256Hex(fileAt: url)
            } catch {
                throw .file(path: url.path, reason: "cannot read the \(role.rawValue): \(error.localizedDescription)")
            }
            artifacts.append((ArtifactDescriptor(role: role, sha256: hashed.hash, size: hashed.size), url))
        }
        var header = Provernet_V1_RegisterCircuitChunk.Header()
        header.name = name
        header.kind = .circom
        header.kindName = CircuitKind.circom.rawValue
        header.artifacts = artifacts.map { artifact in
            var ref = Provernet_V1_ArtifactRef()
            ref.role = artifact.descriptor.role.rawValue
            ref.sha256 = artifact.descriptor.sha256
            ref.size = artifact.descriptor.size
            return ref
        }
        let chunkBytes = max(1, configuration.limits.artifactChunkBytes)
        let files = artifacts
        return try await register(header: header) { writer in
            for artifact in files {
                try await Self.send(
                    file: artifact.url, role: artifact.descriptor.role, size: artifact.descriptor.size,
                    chunkBytes: chunkBytes, to: writer)
            }
        }
    }

    /// Registers one of the gateway's built-in synthetic circuits of `constraints` constraints, whose
    /// (development, UNSAFE) key the gateway makes. Its inputs are `{"x": "<decimal>", "y": "<decimal>"}`.
    public func registerSyntheticCircuit(constraints: UInt64, name: String? = nil) async throws(ProverNetClientError)
        -> RegisteredCircuit
    {
        guard constraints >= 1 else {
            throw .invalidArgument(
                name: "constraints", value: "\(constraints)", reason: "a circuit needs at least one constraint")
        }
        return try await registerCircuit(kind: .synthetic, constraints: constraints, name: name)
    }

    /// Registers a circuit of a kind that uploads no artifacts, named by its size (a synthetic circuit, or
    /// a kind of another proof system the gateway was started with).
    public func registerCircuit(kind: CircuitKind, constraints: UInt64, name: String? = nil)
        async throws(ProverNetClientError) -> RegisteredCircuit
    {
        var header = Provernet_V1_RegisterCircuitChunk.Header()
        header.name = name ?? "\(kind)-\(constraints)"
        header.kind = Provernet_V1_CircuitKind(kindName: kind.rawValue)
        header.kindName = kind.rawValue
        header.constraints = constraints
        return try await register(header: header) { _ in }
    }

    /// The registration call: the header, then what `artifacts` writes.
    private func register(
        header: Provernet_V1_RegisterCircuitChunk.Header,
        artifacts: @escaping @Sendable (RPCWriter<Provernet_V1_RegisterCircuitChunk>) async throws -> Void
    ) async throws(ProverNetClientError) -> RegisteredCircuit {
        var first = Provernet_V1_RegisterCircuitChunk()
        first.header = header
        let headerChunk = first
        let response = try await call("RegisterCircuit", retried: true) {
            try await service.registerCircuit(
                options: streamingOptions,
                requestProducer: { writer in
                    try await writer.write(headerChunk)
                    try await artifacts(writer)
                })
        }
        return RegisteredCircuit(
            id: CircuitID(response.circuitID), verificationKeyJSON: response.verificationKeyJson,
            publicSignals: Int(response.publicSignals), constraints: response.constraints,
            domainSize: response.domainSize, proofSystem: response.proofSystem)
    }

    /// Streams exactly `size` bytes of a file (the size it was hashed with) in chunks of `chunkBytes`.
    private static func send(
        file url: URL, role: ArtifactRole, size: UInt64, chunkBytes: Int,
        to writer: RPCWriter<Provernet_V1_RegisterCircuitChunk>
    ) async throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ProverNetClientError.file(path: url.path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        var sent: UInt64 = 0
        while sent < size {
            let count = Int(min(UInt64(chunkBytes), size - sent))
            let bytes: Data
            do {
                bytes = try handle.read(upToCount: count) ?? Data()
            } catch {
                throw ProverNetClientError.file(path: url.path, reason: error.localizedDescription)
            }
            guard !bytes.isEmpty else { break }
            var chunk = Provernet_V1_RegisterCircuitChunk()
            chunk.data.role = role.rawValue
            chunk.data.bytes = bytes
            try await writer.write(chunk)
            sent += UInt64(bytes.count)
        }
        // A file that shrank or grew since it was hashed would only be refused by the gateway's hash check;
        // say so here, where the reason is known.
        let grew = (try? handle.read(upToCount: 1)).map { !($0?.isEmpty ?? true) } ?? false
        guard sent == size, !grew else {
            throw ProverNetClientError.artifactChanged(path: url.path, hashedSize: size, sentSize: sent)
        }
    }
}
