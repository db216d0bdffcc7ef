import Foundation
import ProverNetCore

/// A request as the gateway holds it: its state, its jobs, and the proofs verified so far.
public struct RequestStatus: Sendable, Hashable {
    public var id: RequestID
    public var circuit: CircuitID
    public var state: RequestPhase
    /// Why the request failed, expired or was cancelled; empty otherwise.
    public var reason: String
    /// The jobs, in the order of the request's inputs.
    public var jobs: [JobStatus]
    /// The circuit's Groth16 verification key, as snarkjs writes it.
    public var verificationKeyJSON: String
    /// What the client has paid for the request so far.
    public var paid: Amount
    public var createdAt: Date
    /// When the request ended; nil while it runs.
    public var finishedAt: Date?
    /// Whether the request asked for a SnarkPack aggregate of its proofs.
    public var aggregate: Bool
    /// The aggregate of the proofs of its proving jobs in order, once verified by the gateway.
    public var aggregateProof: [UInt8]?
    /// The gateway's SnarkPack verifier key (SPVK) to check `aggregateProof` with.
    public var snarkpackVerifierKey: [UInt8]?

    public init(
        id: RequestID, circuit: CircuitID, state: RequestPhase, reason: String = "", jobs: [JobStatus],
        verificationKeyJSON: String, paid: Amount = .zero, createdAt: Date = Date(), finishedAt: Date? = nil,
        aggregate: Bool = false, aggregateProof: [UInt8]? = nil, snarkpackVerifierKey: [UInt8]? = nil
    ) {
        self.aggregate = aggregate
        self.aggregateProof = aggregateProof
        self.snarkpackVerifierKey = snarkpackVerifierKey
        self.id = id
        self.circuit = circuit
        self.state = state
        self.reason = reason
        self.jobs = jobs
        self.verificationKeyJSON = verificationKeyJSON
        self.paid = paid
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// How many jobs have a verified proof (the aggregation job, if any, counts once its aggregate is
    /// verified).
    public var jobsVerified: Int { jobs.count(where: { $0.state == .verified }) }

    /// How many inputs the request has.
    public var inputsTotal: Int { inputIndices.count }
    /// How many inputs have a verified proof (one replica each).
    public var inputsVerified: Int { Set(provingJobs.filter { $0.state == .verified }.map(\.index)).count }

    /// The jobs that prove the request's inputs (every replica), without its aggregation job.
    public var provingJobs: [JobStatus] { jobs.filter { !$0.isAggregation } }

    /// The indices of the request's inputs, in order.
    public var inputIndices: [Int] { Set(provingJobs.map(\.index)).sorted() }

    /// The verified proof of each input that has one, by input index (one replica's).
    public var proofsByInput: [Int: JobProof] {
        var proofs: [Int: JobProof] = [:]
        for job in provingJobs { if let proof = job.proof { proofs[job.index] = proof } }
        return proofs
    }
}

/// One job of a request.
public struct JobStatus: Sendable, Hashable {
    public var id: JobID
    /// The position of the job's input in the request.
    public var index: Int
    public var state: JobPhase
    /// The prover that holds or held the job's lease, if any.
    public var prover: ProverID?
    /// How many times the job was leased.
    public var attempts: Int
    /// What the client is charged for the job, from the auction.
    public var price: Amount
    /// The verified proof, once there is one (none for the aggregation job: see `RequestStatus.aggregateProof`).
    public var proof: JobProof?
    /// The job's kind: `groth16.prove`, or `snarkpack.aggregate` for a request's aggregation.
    public var kind: String
    /// With redundancy r, which of the input's r replicas this is (0 … r−1); at most one is verified.
    public var replica: Int

    public init(
        id: JobID, index: Int, state: JobPhase, prover: ProverID? = nil, attempts: Int = 0, price: Amount = .zero,
        proof: JobProof? = nil, kind: String = "groth16.prove", replica: Int = 0
    ) {
        self.kind = kind
        self.replica = replica
        self.id = id
        self.index = index
        self.state = state
        self.prover = prover
        self.attempts = attempts
        self.price = price
        self.proof = proof
    }

    public var isAggregation: Bool { kind == Self.aggregationKind }

    /// The wire's name of an aggregation job's kind.
    public static let aggregationKind = "snarkpack.aggregate"
    /// The kind a gateway that names none means.
    public static let defaultKind = "groth16.prove"
}

/// A Groth16 proof and its public signals as snarkjs writes them (`proof.json`, `public.json`).
public struct JobProof: Sendable, Hashable {
    public var proofJSON: String
    public var publicJSON: String

    public init(proofJSON: String, publicJSON: String) {
        self.proofJSON = proofJSON
        self.publicJSON = publicJSON
    }
}
