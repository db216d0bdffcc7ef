import BN254
import Foundation
import ProofSystems
import ProverNetCore

/// Checks a prover's result against its job before the job book sees it: the only maker of a valid
/// `CheckedResult`. A proof is valid when it parses, carries exactly the statement the job's input implies,
/// and verifies with the circuit's key; an aggregate, when it verifies under the gateway's reference
/// string against the statements of every input of its request, in order.
struct ResultChecker: Sendable {
    let circuits: CircuitRegistry
    let aggregation: AggregationSetup?
    let limits: NetworkLimits

    /// The verdict on `proof`, a result for `job` of `request`; `statements` are the request's (for an
    /// aggregate).
    func check(
        _ proof: ProofPayload, proveMillis: Int64, job: Job, request: ProofRequest, statements: [String]
    ) async -> CheckedResult {
        do {
            if job.isAggregation {
                try await checkAggregate(proof, request: request, statements: statements)
            } else {
                try await checkProof(proof, job: job, request: request)
            }
            return CheckedResult(verdict: .valid(proof), proveMillis: proveMillis)
        } catch {
            return .invalid("\(error)", proveMillis: proveMillis)
        }
    }

    func checkProof(_ proof: ProofPayload, job: Job, request: ProofRequest) async throws {
        guard let proofJSON = proof.proofJSON, let publicJSON = proof.publicJSON else {
            throw ProverNetError.invalidProof(reason: "a proof and its public signals are required")
        }
        guard proofJSON.utf8.count <= limits.maxProofJSONBytes, publicJSON.utf8.count <= limits.maxProofJSONBytes else {
            throw ProverNetError.invalidProof(reason: "proof or public signals over \(limits.maxProofJSONBytes) bytes")
        }
        let (_, circuit) = try await circuits.circuit(request.circuitID)
        let expected = try Self.signals(job.statementJSON)
        try circuit.check(proofJSON: proofJSON, publicJSON: publicJSON, expected: expected)
    }

    func checkAggregate(_ proof: ProofPayload, request: ProofRequest, statements: [String]) async throws {
        guard let aggregation else { throw ProverNetError.invalidProof(reason: "this gateway does not aggregate") }
        guard let bytes = proof.aggregate else { throw ProverNetError.invalidProof(reason: "no aggregate") }
        guard bytes.count <= limits.maxProofJSONBytes else {
            throw ProverNetError.invalidProof(reason: "aggregate over \(limits.maxProofJSONBytes) bytes")
        }
        let (_, circuit) = try await circuits.circuit(request.circuitID)
        try SnarkPackProofSystem.check(
            aggregate: bytes, publicSignals: try statements.map(Self.signals), verificationKey: circuit.verificationKey,
            verifierKey: aggregation.verifierKey)
    }

    /// A statement's public signals: a JSON array of decimal strings.
    static func signals(_ statementJSON: String) throws -> [Fr] {
        try JSONDecoder().decode([String].self, from: Data(statementJSON.utf8)).map { try Fr(string: $0) }
    }
}
