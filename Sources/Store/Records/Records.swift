import Foundation
import ProverNetCore

/// A registered circuit, as stored.
public struct CircuitRecord: Sendable, Codable, Equatable {
    public var id: CircuitID
    public var name: String
    public var kind: String
    public var constraints: Int64
    public var domainSize: Int64
    public var publicSignals: Int
    /// The artifacts as JSON (`[ArtifactDescriptor]`).
    public var artifactsJSON: String
    public var verificationKeyJSON: String
    public var createdMillis: Int64

    public init(_ descriptor: CircuitDescriptor, createdMillis: Int64) throws {
        id = descriptor.id
        name = descriptor.name
        kind = descriptor.kind.rawValue
        constraints = Int64(descriptor.constraints)
        domainSize = Int64(descriptor.domainSize)
        publicSignals = descriptor.publicSignals
        artifactsJSON = String(decoding: try JSONEncoder().encode(descriptor.artifacts), as: UTF8.self)
        verificationKeyJSON = descriptor.verificationKeyJSON
        self.createdMillis = createdMillis
    }

    public func descriptor() throws -> CircuitDescriptor {
        guard let kind = CircuitKind(rawValue: kind) else {
            throw StoreError.corrupt(table: "circuit", id: id, reason: "unknown kind \(self.kind)")
        }
        let artifacts = try JSONDecoder().decode([ArtifactDescriptor].self, from: Data(artifactsJSON.utf8))
        return CircuitDescriptor(
            id: id, name: name, kind: kind, constraints: UInt64(constraints), domainSize: UInt64(domainSize),
            publicSignals: publicSignals, artifacts: artifacts, verificationKeyJSON: verificationKeyJSON)
    }
}

/// A prover the administrator allowed (or revoked), with its record.
public struct ProverRecord: Sendable, Codable, Equatable {
    public var id: ProverID
    public var publicKeyHex: String
    public var name: String
    public var allowed: Bool
    public var addedMillis: Int64
    public var lastSeenMillis: Int64?
    public var jobsVerified: Int64
    public var jobsRejected: Int64
    public var jobsFailed: Int64
    /// Jobs whose lease this prover lost by disappearing (disconnected, or a lease not extended in time):
    /// they go back to the market without using the job's attempts, and count here instead.
    public var jobsLost: Int64
    public var earned: Double

    public init(id: ProverID, publicKeyHex: String, name: String, allowed: Bool, addedMillis: Int64) {
        self.id = id
        self.publicKeyHex = publicKeyHex
        self.name = name
        self.allowed = allowed
        self.addedMillis = addedMillis
        self.lastSeenMillis = nil
        self.jobsVerified = 0
        self.jobsRejected = 0
        self.jobsLost = 0
        self.jobsFailed = 0
        self.earned = 0
    }
}

/// A client's request.
public struct RequestRecord: Sendable, Codable, Equatable {
    public var id: RequestID
    public var circuitID: CircuitID
    public var state: RequestState
    public var reason: String?
    public var createdMillis: Int64
    public var deadlineMillis: Int64
    public var maxPricePerJob: Double
    public var redundancy: Int
    public var aggregate: Bool
    public var jobsTotal: Int
    public var finishedMillis: Int64?
    /// What the client has been charged so far, from the auction's prices.
    public var paid: Double

    public init(
        id: RequestID, circuitID: CircuitID, state: RequestState, createdMillis: Int64, deadlineMillis: Int64,
        maxPricePerJob: Double, redundancy: Int, aggregate: Bool, jobsTotal: Int
    ) {
        self.id = id
        self.circuitID = circuitID
        self.state = state
        self.reason = nil
        self.createdMillis = createdMillis
        self.deadlineMillis = deadlineMillis
        self.maxPricePerJob = maxPricePerJob
        self.redundancy = redundancy
        self.aggregate = aggregate
        self.jobsTotal = jobsTotal
        self.finishedMillis = nil
        self.paid = 0
    }
}

/// A job: one input of a request, auctioned, leased and proven.
public struct JobRecord: Sendable, Codable, Equatable {
    public var id: JobID
    public var requestID: RequestID
    /// The position of the job's input in its request (for an aggregation job, the count of inputs).
    public var index: Int
    /// With redundancy r, each input has r replicas (0 … r−1), each leased to a different prover; the
    /// first valid proof wins and the others are cancelled.
    public var replica: Int
    public var jobClass: String
    public var inputJSON: String
    /// The public signals the job's input implies (a JSON array of decimal strings), computed by the
    /// gateway at submission: a proof is accepted only if it carries exactly these.
    public var expectedPublicJSON: String
    public var state: JobState
    /// The lease epoch: 0 before the first assignment, one more at each assignment.
    public var epoch: Int64
    public var proverID: ProverID?
    /// Failed attempts so far (rejected proofs and reported failures; not vanished provers).
    public var attempts: Int
    /// What the prover is paid for it (the auction's ask price), set at assignment.
    public var price: Double
    /// What the client is charged for it (the auction's bid price), set at assignment.
    public var charge: Double
    public var leaseExpiresMillis: Int64?
    public var assignedMillis: Int64?
    public var proofJSON: String?
    public var publicJSON: String?
    public var verifiedMillis: Int64?
    /// The prover's own measure of the time it spent proving (from its result).
    public var proveMillis: Int64?
    /// For an aggregation job: the verified SnarkPack aggregate (docs/snarkpack.md).
    public var aggregateProof: Data?
    public var lastError: String?

    public init(
        id: JobID, requestID: RequestID, index: Int, replica: Int = 0, jobClass: String, inputJSON: String,
        expectedPublicJSON: String
    ) {
        self.id = id
        self.requestID = requestID
        self.index = index
        self.replica = replica
        self.jobClass = jobClass
        self.inputJSON = inputJSON
        self.expectedPublicJSON = expectedPublicJSON
        self.state = .pending
        self.epoch = 0
        self.proverID = nil
        self.attempts = 0
        self.price = 0
        self.charge = 0
    }
}

/// One cleared market round, kept for the administrator's audit.
public struct RoundRecord: Sendable, Codable, Equatable {
    public var id: Int64?
    public var jobClass: String
    public var atMillis: Int64
    public var bids: Int
    public var asks: Int
    public var jobsMatched: Int
    public var welfare: Double
    public var surplus: Double
    /// The round and its outcome as JSON (the `Market` encodings).
    public var roundJSON: String
    public var outcomeJSON: String

    public init(
        jobClass: String, atMillis: Int64, bids: Int, asks: Int, jobsMatched: Int, welfare: Double, surplus: Double,
        roundJSON: String, outcomeJSON: String
    ) {
        self.id = nil
        self.jobClass = jobClass
        self.atMillis = atMillis
        self.bids = bids
        self.asks = asks
        self.jobsMatched = jobsMatched
        self.welfare = welfare
        self.surplus = surplus
        self.roundJSON = roundJSON
        self.outcomeJSON = outcomeJSON
    }
}

/// A line of the ledger: what a client was charged or a prover earned, for one job.
public struct LedgerEntry: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case clientCharge = "client_charge", proverPayment = "prover_payment" }
    public var id: Int64?
    public var atMillis: Int64
    public var kind: Kind
    public var requestID: RequestID
    public var jobID: JobID
    public var proverID: ProverID?
    public var amount: Double

    public init(atMillis: Int64, kind: Kind, requestID: RequestID, jobID: JobID, proverID: ProverID?, amount: Double) {
        self.id = nil
        self.atMillis = atMillis
        self.kind = kind
        self.requestID = requestID
        self.jobID = jobID
        self.proverID = proverID
        self.amount = amount
    }
}
