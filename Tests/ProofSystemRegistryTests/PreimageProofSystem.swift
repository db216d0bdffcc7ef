import Crypto
import Foundation
import ProverNetCore

/// TEST ONLY: a trivial third proof system, to show that the gateway and the prover node work with any
/// `ProofSystem` handed to them and name none. Its statement for an input is the input's SHA-256; its proof
/// is the input itself (a preimage: sound, but not zero-knowledge, which is why it is test-only). Its jobs
/// are tiny and run in the node's process.
final class PreimageProofSystem: CircuitProofSystem {
    static let kind: CircuitKind = "test-preimage"

    let name = "test-preimage-sha256"
    let jobKind = "test-preimage.prove"
    let circuitKinds: [CircuitKind] = [kind]
    let isolation = ProvingIsolation.inProcess
    let announcedLog2Sizes: ClosedRange<Int>? = 0...0

    func workUnits(size: UInt64) -> Double { 0.001 * Double(max(size, 1)) }

    func uploadedArtifacts(for kind: CircuitKind) -> [ArtifactRole] { [] }

    func define(_ registration: CircuitRegistration) throws(ProverNetError) -> CircuitDefinition {
        guard registration.kind == Self.kind else { throw .invalidCircuit(reason: "not a \(Self.kind) circuit") }
        guard registration.constraints == 1 else {
            throw .invalidCircuit(reason: "a preimage circuit has 1 constraint, not \(registration.constraints)")
        }
        return CircuitDefinition(
            constraints: 1, domainSize: 1, publicSignals: 1, verificationKeyJSON: #"{"hash":"sha256"}"#)
    }

    func load(_ circuit: CircuitDescriptor, files: [ArtifactRole: URL]) throws(ProverNetError) -> any LoadedCircuit {
        Circuit()
    }

    struct Circuit: LoadedCircuit {
        func statement(inputJSON: String, index: Int?) throws(ProverNetError) -> String {
            guard !inputJSON.isEmpty else { throw .invalidInput(index: index, reason: "an empty input") }
            return PreimageProofSystem.hash(inputJSON)
        }

        func verify(_ proof: ProofPayload, statement: String) throws(ProverNetError) {
            guard let preimage = proof.proofJSON else { throw .invalidProof(reason: "no preimage") }
            guard PreimageProofSystem.hash(preimage) == statement, proof.publicJSON == statement else {
                throw .invalidProof(reason: "the preimage does not hash to the statement")
            }
        }
    }

    func checkWork(_ work: JobWork, limits: NetworkLimits) throws(ProverNetError) {
        guard work.circuitKind == Self.kind, !work.inputJSON.isEmpty else {
            throw .invalidCircuit(reason: "a preimage job needs its kind and an input")
        }
    }

    func prove(_ task: ProvingTask, progress: (ProvingProgress) -> Void) throws -> ProvingOutput {
        let start = ContinuousClock.now
        let input = try task.inputJSON()
        progress(ProvingProgress(stage: "hashing", fraction: 0.5))
        let elapsed = ContinuousClock.now - start
        return ProvingOutput(
            payload: ProofPayload(proofJSON: input, publicJSON: Self.hash(input)),
            proveSeconds: Double(elapsed.components.attoseconds) * 1e-18)
    }

    func checkEncoding(_ payload: ProofPayload, limits: NetworkLimits) throws(ProverNetError) {
        guard payload.proofJSON != nil, payload.publicJSON != nil else { throw .invalidProof(reason: "no preimage") }
    }

    func measure(log2Size: Int, threads: Int) throws -> ProvingMeasurement? {
        let start = ContinuousClock.now
        for n in 0..<1000 { _ = Self.hash("\(n)") }
        let elapsed = ContinuousClock.now - start
        return ProvingMeasurement(seconds: max(1e-6, Double(elapsed.components.attoseconds) * 1e-18 / 1000), size: 1)
    }

    /// FOR TESTING THE GATEWAY: a preimage of something else.
    func tampered(_ payload: ProofPayload) -> ProofPayload? {
        var changed = payload
        changed.proofJSON = (payload.proofJSON ?? "") + " "
        return changed
    }

    static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
