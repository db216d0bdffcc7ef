import BN254
import Circom
import Foundation
import GRPCCore
import Groth16
import ProofSystems
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ProverNetTesting
import ProverNode
import Synchronization

/// The proofs the light provers answer with: real Groth16 proofs of the registered synthetic circuit, made here
/// with the proving key the gateway made for it (downloaded as a prover downloads it), one per distinct input,
/// kept in a directory by the key's hash so that a rerun against the same key proves nothing again.
extension LoadBench {
    /// The inputs the load generator submits: `{"x": "n", "y": "7"}` for n = 2 … count + 1.
    static func inputs(count: Int) -> [String] {
        (0..<count).map { "{\"x\": \"\($0 + 2)\", \"y\": \"7\"}" }
    }

    /// Downloads the zkey of `artifacts` from the gateway, and returns the proofs of `inputs` with it: those in
    /// `cache/<zkey sha256>/` read from there, the others made now (and written there).
    static func prepareProofs(
        inputs: [String], constraints: Int, artifacts: [Provernet_V1_ArtifactRef], endpoint: GatewayEndpoint,
        cache: URL
    ) async throws -> (proofs: [String: PreparedProof], made: Int, seconds: Double) {
        guard let zkey = artifacts.first(where: { $0.role == "zkey" }) else {
            throw failure("the assignment names no zkey artifact (\(artifacts.map(\.role)))")
        }
        let directory = cache.appendingPathComponent(zkey.sha256, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var proofs: [String: PreparedProof] = [:]
        var missing: [(key: String, x: UInt64, y: UInt64)] = []
        for input in inputs {
            guard let key = ProofBook.key(ofInput: input), let x = UInt64(key) else {
                throw failure("the load input \(input) has no numeric x")
            }
            let file = directory.appendingPathComponent("\(key).json")
            if let data = try? Data(contentsOf: file),
                let proof = try? JSONDecoder().decode(PreparedProof.self, from: data)
            {
                proofs[key] = proof
            } else {
                missing.append((key, x, 7))
            }
        }
        guard !missing.isEmpty else { return (proofs, 0, 0) }
        let started = ContinuousClock.now
        let zkeyFile = directory.appendingPathComponent("circuit.zkey")
        if !FileManager.default.fileExists(atPath: zkeyFile.path) {
            let bytes = try await download(sha256: zkey.sha256, from: endpoint)
            guard ContentHash.sha256Hex(Array(bytes)) == zkey.sha256 else {
                throw failure("the downloaded zkey does not hash to \(zkey.sha256)")
            }
            try bytes.write(to: zkeyFile)
        }
        let key = try Groth16ProofSystem.loadProvingKey(zkeyFile)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        for (name, x, y) in missing {
            let witness = SyntheticCircuit.witness(constraints: constraints, x: Fr(x), y: Fr(y))
            let made = try Groth16ProofSystem.prove(key: key, witness: witness, threads: threads)
            let proof = PreparedProof(
                proofJSON: String(decoding: made.proofJSON, as: UTF8.self),
                publicJSON: String(decoding: made.publicJSON, as: UTF8.self))
            proofs[name] = proof
            try JSONEncoder().encode(proof).write(to: directory.appendingPathComponent("\(name).json"))
        }
        let elapsed = ContinuousClock.now - started
        return (
            proofs, missing.count, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }

    /// An artifact from the gateway's artifact service, whole.
    static func download(sha256: String, from endpoint: GatewayEndpoint) async throws -> Data {
        try await withGRPCClient(transport: try endpoint.makeTransport()) { client in
            let source = GRPCArtifactSource(client: client)
            let collected = Collected()
            try await source.download(sha256: sha256, offset: 0) { chunk in
                collected.data.withLock { $0.append(chunk.data) }
            }
            return collected.data.withLock { $0 }
        }
    }

    /// Chunks gathered in order.
    final class Collected: Sendable {
        let data = Mutex(Data())
    }
}
