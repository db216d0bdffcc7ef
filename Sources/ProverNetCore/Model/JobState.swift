/// The name of where a job stands, as clients see it and the database stores it.
public enum JobPhase: String, Sendable, Codable, CaseIterable {
    case pending
    case assigned
    case proving
    case verified
    case failed
    case cancelled

    public var isFinal: Bool {
        switch self {
        case .pending, .assigned, .proving: false
        case .verified, .failed, .cancelled: true
        }
    }

    /// Whether a prover holds a lease on the job.
    public var isLeased: Bool { self == .assigned || self == .proving }
}

/// A prover's lease on a job: who holds it, under which epoch, until when, and at what prices. A result
/// or heartbeat of another epoch is refused, so a prover presumed dead never overwrites its successor's
/// work.
public struct Lease: Sendable, Hashable, Codable {
    public var prover: ProverID
    public var epoch: Int64
    public var grantedMillis: Int64
    /// The lease ends at this time unless a heartbeat that names the job extends it.
    public var expiresMillis: Int64
    /// What the prover is paid for the job (the auction's ask price).
    public var price: Amount
    /// What the client is charged for it (the auction's bid price); never below `price`.
    public var charge: Amount
    /// Whether the prover has reported progress (the job is `proving`, not only `assigned`).
    public var started: Bool
    /// The stake its operator bonds for the job while the lease stands (zero for a prover without an
    /// operator), in the ledger's unit (`docs/economics.md`).
    public var bond: Amount
    /// The operator whose stake the bond is locked from (lower-case address), if any.
    public var bondOperator: String?

    public init(
        prover: ProverID, epoch: Int64, grantedMillis: Int64, expiresMillis: Int64, price: Amount, charge: Amount,
        started: Bool = false, bond: Amount = .zero, bondOperator: String? = nil
    ) {
        self.bond = bond
        self.bondOperator = bondOperator
        self.prover = prover
        self.epoch = epoch
        self.grantedMillis = grantedMillis
        self.expiresMillis = expiresMillis
        self.price = price
        self.charge = charge
        self.started = started
    }
}

/// What a verified job keeps: who proved it under which lease, what was paid, and the proof.
public struct VerifiedProof: Sendable, Hashable, Codable {
    public var lease: Lease
    public var verifiedMillis: Int64
    /// The prover's own measure of its proving time.
    public var proveMillis: Int64
    public var proof: ProofPayload

    public init(lease: Lease, verifiedMillis: Int64, proveMillis: Int64, proof: ProofPayload) {
        self.lease = lease
        self.verifiedMillis = verifiedMillis
        self.proveMillis = proveMillis
        self.proof = proof
    }
}

/// A proof as the network keeps it: a proof and its public signals as the proof system encodes them
/// (snarkjs JSON for Groth16), or an aggregate's bytes.
public struct ProofPayload: Sendable, Hashable, Codable {
    public var proofJSON: String?
    public var publicJSON: String?
    public var aggregate: [UInt8]?

    public init(proofJSON: String? = nil, publicJSON: String? = nil, aggregate: [UInt8]? = nil) {
        self.proofJSON = proofJSON
        self.publicJSON = publicJSON
        self.aggregate = aggregate
    }
}

/// Where a job stands, with what each state needs: a leased job carries its lease, so a leased job
/// without a prover cannot be built.
///
/// `pending` → `leased` (a round matched it) → `verified` (its proof was accepted); `leased` → `pending`
/// when the lease lapses, the prover hands it back or fails it, or its proof is rejected; `failed` once
/// its attempts are used up (or its request failed); `cancelled` with its request, or when a sibling
/// replica was proven first.
public enum JobState: Sendable, Hashable, Codable {
    case pending
    case leased(Lease)
    case verified(VerifiedProof)
    case failed(reason: String)
    case cancelled(reason: String)

    public var phase: JobPhase {
        switch self {
        case .pending: .pending
        case .leased(let lease): lease.started ? .proving : .assigned
        case .verified: .verified
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }

    public var isFinal: Bool { phase.isFinal }

    /// The lease, while the job is leased.
    public var lease: Lease? {
        if case .leased(let lease) = self { return lease }
        return nil
    }

    /// The verified proof, once the job is verified.
    public var verified: VerifiedProof? {
        if case .verified(let proof) = self { return proof }
        return nil
    }

    /// The prover that holds or proved the job.
    public var prover: ProverID? { lease?.prover ?? verified?.lease.prover }
}
