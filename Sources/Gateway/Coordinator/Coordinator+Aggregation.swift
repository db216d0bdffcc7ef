import BN254
import Foundation
import ProverNetAPI
import ProverNetCore
import SnarkPack
import Store
import SwiftProtobuf

/// What an aggregation job's `inputJSON` holds: the artifacts its prover downloads besides the reference
/// string, and how many proofs it aggregates.
struct AggregationInput: Codable, Equatable {
    var proofs: ArtifactDescriptor
    var verificationKey: ArtifactDescriptor
    var count: Int
}

extension ArtifactDescriptor {
    /// The reference to the artifact that an assignment carries.
    var proto: Provernet_V1_ArtifactRef {
        .with {
            $0.role = role.rawValue
            $0.sha256 = sha256
            $0.size = size
        }
    }
}

extension JobRecord {
    /// Whether the job is a request's SnarkPack aggregation (`snarkpack.aggregate`).
    var isAggregation: Bool { JobClass(jobClass)?.isAggregation ?? false }
}

extension Coordinator {
    /// The aggregation job of a request whose proofs are all verified (`verified` is the last, not yet in
    /// memory): the proofs in order and the verification key are written as artifacts first (content
    /// addressed, so writing them again after a crash is harmless), then the job is returned to be
    /// committed with the last proof.
    func makeAggregationJob(_ request: RequestRecord, verified last: JobRecord) throws -> JobRecord {
        guard let aggregation else { throw GatewayError.invalidArgument("this gateway has no SnarkPack reference string") }
        // The verified replica of each input, in input order.
        let proving = (jobsOfRequest[request.id] ?? []).compactMap { $0 == last.id ? last : jobs[$0] }
            .filter { !$0.isAggregation && $0.state == .verified }.sorted { $0.index < $1.index }
        var proofs: [String] = []
        var signals: [String] = []
        for job in proving {
            guard let proof = job.proofJSON, let publicJSON = job.publicJSON else {
                throw GatewayError.invalidArgument("job \(job.id) has no proof to aggregate")
            }
            proofs.append(proof)
            signals.append(publicJSON)
        }
        guard proofs.count <= aggregation.maxProofs else {
            throw GatewayError.invalidArgument("\(proofs.count) proofs, over the reference string's \(aggregation.maxProofs)")
        }
        let circuit = try circuits.descriptor(request.circuitID)
        let bundle = try artifacts.put([UInt8](AggregationBundle(proofs: proofs, publicSignals: signals).json), role: .proofs)
        let key = try artifacts.put(Array(circuit.verificationKeyJSON.utf8), role: .verificationKey)
        let input = AggregationInput(proofs: bundle, verificationKey: key, count: proofs.count)
        let index = request.jobsTotal
        return JobRecord(
            id: Identifiers.jobID(request: request.id, index: index), requestID: request.id, index: index,
            jobClass: SnarkPackProofSystem.jobClass(proofs: proofs.count).description,
            inputJSON: String(decoding: try JSONEncoder().encode(input), as: UTF8.self), expectedPublicJSON: "[]")
    }

    /// The assignment message of a leased aggregation job.
    func aggregationAssignment(_ job: JobRecord, request: RequestRecord) -> Provernet_V1_Assignment? {
        guard let aggregation,
            let input = try? JSONDecoder().decode(AggregationInput.self, from: Data(job.inputJSON.utf8))
        else { return nil }
        var a = Provernet_V1_Assignment()
        a.jobID = job.id
        a.epoch = UInt64(job.epoch)
        a.requestID = job.requestID
        a.circuitID = request.circuitID
        a.jobKind = SnarkPackProofSystem.jobKind
        a.proofs = UInt32(input.count)
        a.artifacts = [aggregation.srs, input.verificationKey, input.proofs].map(\.proto)
        a.price = job.price
        a.deadlineUnixMillis = request.deadlineMillis
        a.jobClass = job.jobClass
        return a
    }

    /// The public signals the proofs of a request's jobs carry, in order (what its aggregate must prove).
    public func expectedPublicSignals(_ id: RequestID) throws -> [[Fr]] {
        let (_, list) = try snapshot(id)
        return try list.filter { !$0.isAggregation && $0.replica == 0 }.sorted { $0.index < $1.index }.map { job in
            try JSONDecoder().decode([String].self, from: Data(job.expectedPublicJSON.utf8)).map { try Fr(string: $0) }
        }
    }
}
