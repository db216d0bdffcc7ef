import Foundation
import ProverNetCore
import ProverNetCrypto

/// Checks a prover's result against its job before the job book sees it: the only maker of a valid
/// `CheckedResult`. A proof is valid when its circuit's proof system finds that it decodes, proves exactly
/// the statement the job's input implies, and verifies; an aggregate, when the aggregation system finds
/// that it verifies under the gateway's setup against the statements of every input of its request, in
/// order. Proofs are verified in batches per circuit (`VerificationBatcher`); aggregates alone, as they come.
struct ResultChecker: Sendable {
    let circuits: CircuitRegistry
    let aggregation: AggregationSetup?
    let limits: NetworkLimits
    /// Where proofs of circuits are verified, in batches, off the cooperative pool.
    let batcher: VerificationBatcher

    init(
        circuits: CircuitRegistry, aggregation: AggregationSetup?, limits: NetworkLimits,
        batcher: VerificationBatcher = VerificationBatcher()
    ) {
        self.circuits = circuits
        self.aggregation = aggregation
        self.limits = limits
        self.batcher = batcher
    }

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
            // What was checked, hashed for the slash's evidence: the aggregate's bytes, or the proof's JSON.
            let bytes = proof.aggregate ?? Array((proof.proofJSON ?? "").utf8)
            return .invalid("\(error)", proveMillis: proveMillis, proofSHA256: ContentHash.sha256Hex(bytes))
        }
    }

    func checkProof(_ proof: ProofPayload, job: Job, request: ProofRequest) async throws {
        guard (proof.proofJSON?.utf8.count ?? 0) <= limits.maxProofJSONBytes,
            (proof.publicJSON?.utf8.count ?? 0) <= limits.maxProofJSONBytes
        else {
            throw ProverNetError.invalidProof(reason: "proof or public signals over \(limits.maxProofJSONBytes) bytes")
        }
        let circuit = try await circuits.circuit(request.circuitID).circuit
        if let error = await batcher.verify(
            proof, statement: job.statementJSON, circuitID: request.circuitID, circuit: circuit)
        {
            throw error
        }
    }

    func checkAggregate(_ proof: ProofPayload, request: ProofRequest, statements: [String]) async throws {
        guard let aggregation else { throw ProverNetError.invalidProof(reason: "this gateway does not aggregate") }
        guard let bytes = proof.aggregate else { throw ProverNetError.invalidProof(reason: "no aggregate") }
        guard bytes.count <= limits.maxProofJSONBytes else {
            throw ProverNetError.invalidProof(reason: "aggregate over \(limits.maxProofJSONBytes) bytes")
        }
        let descriptor = try await circuits.descriptor(request.circuitID)
        try aggregation.verifier.verify(
            aggregate: bytes, statements: statements, verificationKey: descriptor.verificationKeyJSON)
    }
}
