import Foundation
import ProverNetCore

/// A registered circuit, as stored.
struct CircuitRow: Codable, Equatable {
    var id: String
    var name: String
    var kind: String
    var constraints: Int64
    var domainSize: Int64
    var publicSignals: Int
    /// The artifacts as JSON (`[ArtifactDescriptor]`).
    var artifactsJSON: String
    var verificationKeyJSON: String
    var createdMillis: Int64

    init(_ descriptor: CircuitDescriptor, createdMillis: Int64) throws(StoreError) {
        id = descriptor.id.rawValue
        name = descriptor.name
        kind = descriptor.kind.rawValue
        constraints = Int64(descriptor.constraints)
        domainSize = Int64(descriptor.domainSize)
        publicSignals = descriptor.publicSignals
        do {
            artifactsJSON = String(decoding: try JSONEncoder().encode(descriptor.artifacts), as: UTF8.self)
        } catch {
            throw .write(reason: "circuit \(descriptor.id): \(error)")
        }
        verificationKeyJSON = descriptor.verificationKeyJSON
        self.createdMillis = createdMillis
    }

    func descriptor() throws(StoreError) -> CircuitDescriptor {
        guard !kind.isEmpty else { throw .corrupt(table: "circuit", id: id, reason: "no kind") }
        let kind = CircuitKind(rawValue: kind)
        let artifacts: [ArtifactDescriptor]
        do {
            artifacts = try JSONDecoder().decode([ArtifactDescriptor].self, from: Data(artifactsJSON.utf8))
        } catch {
            throw .corrupt(table: "circuit", id: id, reason: "artifacts: \(error)")
        }
        return CircuitDescriptor(
            id: CircuitID(id), name: name, kind: kind, constraints: UInt64(constraints), domainSize: UInt64(domainSize),
            publicSignals: publicSignals, artifacts: artifacts, verificationKeyJSON: verificationKeyJSON)
    }
}

/// A request, as stored: its state as a phase name with the reason and end time beside it.
struct RequestRow: Codable, Equatable {
    var id: String
    var circuitID: String
    var state: String
    var reason: String?
    var createdMillis: Int64
    var deadlineMillis: Int64
    var maxPricePerJob: Int64
    var redundancy: Int
    var aggregate: Bool
    var jobsTotal: Int
    var finishedMillis: Int64?
    var paid: Int64
    /// The submitting API key's id (migration v6).
    var owner: String?

    init(_ request: ProofRequest) {
        id = request.id.rawValue
        circuitID = request.circuitID.rawValue
        state = request.state.phase.rawValue
        reason = request.state.reason
        createdMillis = request.createdMillis
        deadlineMillis = request.deadlineMillis
        maxPricePerJob = request.maxPricePerJob.units
        redundancy = request.redundancy
        aggregate = request.aggregate
        jobsTotal = request.inputCount
        finishedMillis = request.state.finishedMillis
        paid = request.paid.units
        owner = request.owner
    }

    func request() throws(StoreError) -> ProofRequest {
        guard let phase = RequestPhase(rawValue: state) else {
            throw .corrupt(table: "request", id: id, reason: "unknown state \(state)")
        }
        return ProofRequest(
            id: RequestID(id), circuitID: CircuitID(circuitID),
            state: RequestState(phase: phase, reason: reason, finishedMillis: finishedMillis),
            createdMillis: createdMillis,
            deadlineMillis: deadlineMillis, maxPricePerJob: Amount(units: maxPricePerJob), redundancy: redundancy,
            aggregate: aggregate, inputCount: jobsTotal, paid: Amount(units: paid), owner: owner)
    }
}

/// A job, as stored: the lease and the verified proof flattened into columns (the schema every shipped
/// version wrote), checked when read back so that a leased job without a prover is refused as corrupt.
struct JobRow: Codable, Equatable {
    var id: String
    var requestID: String
    var index: Int
    var replica: Int
    var kind: String
    var jobClass: String
    var inputJSON: String
    var expectedPublicJSON: String
    var state: String
    var epoch: Int64
    var proverID: String?
    var attempts: Int
    var price: Int64
    var charge: Int64
    var leaseExpiresMillis: Int64?
    var assignedMillis: Int64?
    var proofJSON: String?
    var publicJSON: String?
    var verifiedMillis: Int64?
    var proveMillis: Int64?
    var aggregateProof: Data?
    var lastError: String?
    /// The lease's bond and the operator it is locked from (migration v8).
    var bond: Int64
    var bondOperator: String?

    init(_ job: Job) {
        id = job.id.rawValue
        requestID = job.requestID.rawValue
        index = job.index
        replica = job.replica
        kind = job.kind.rawValue
        jobClass = job.jobClass.description
        inputJSON = job.inputJSON
        expectedPublicJSON = job.statementJSON
        state = job.state.phase.rawValue
        epoch = job.epoch
        attempts = job.attempts
        lastError = job.lastError
        proverID = nil
        price = 0
        charge = 0
        bond = 0
        let lease: Lease?
        switch job.state {
        case .pending:
            lease = nil
        case .leased(let l):
            lease = l
        case .verified(let verified):
            lease = verified.lease
            verifiedMillis = verified.verifiedMillis
            proveMillis = verified.proveMillis
            proofJSON = verified.proof.proofJSON
            publicJSON = verified.proof.publicJSON
            aggregateProof = verified.proof.aggregate.map { Data($0) }
        case .failed(let reason), .cancelled(let reason):
            lease = nil
            lastError = reason
        }
        if let lease {
            // Kept for a verified job too: the lease it was proven under, whole.
            leaseExpiresMillis = lease.expiresMillis
            proverID = lease.prover.rawValue
            price = lease.price.units
            charge = lease.charge.units
            bond = lease.bond.units
            bondOperator = lease.bondOperator
            assignedMillis = lease.grantedMillis
        }
    }

    func job() throws(StoreError) -> Job {
        guard let phase = JobPhase(rawValue: state) else {
            throw .corrupt(table: "job", id: id, reason: "unknown state \(state)")
        }
        guard let jobClass = JobClass(self.jobClass) else {
            throw .corrupt(table: "job", id: id, reason: "unknown job class \(self.jobClass)")
        }
        guard let kind = JobKind(rawValue: kind) else {
            throw .corrupt(table: "job", id: id, reason: "unknown kind \(self.kind)")
        }
        func lease() throws(StoreError) -> Lease {
            guard let proverID else { throw .corrupt(table: "job", id: id, reason: "\(state) without a prover") }
            return Lease(
                prover: ProverID(proverID), epoch: epoch, grantedMillis: assignedMillis ?? 0,
                expiresMillis: leaseExpiresMillis ?? 0, price: Amount(units: price), charge: Amount(units: charge),
                started: phase == .proving, bond: Amount(units: bond), bondOperator: bondOperator)
        }
        let jobState: JobState
        switch phase {
        case .pending: jobState = .pending
        case .assigned, .proving: jobState = .leased(try lease())
        case .verified:
            jobState = .verified(
                VerifiedProof(
                    lease: try lease(), verifiedMillis: verifiedMillis ?? 0, proveMillis: proveMillis ?? 0,
                    proof: ProofPayload(
                        proofJSON: proofJSON, publicJSON: publicJSON, aggregate: aggregateProof.map { [UInt8]($0) })))
        case .failed: jobState = .failed(reason: lastError ?? "")
        case .cancelled: jobState = .cancelled(reason: lastError ?? "")
        }
        return Job(
            id: JobID(id), requestID: RequestID(requestID), kind: kind, index: index, replica: replica,
            jobClass: jobClass,
            inputJSON: inputJSON, statementJSON: expectedPublicJSON, state: jobState, epoch: epoch, attempts: attempts,
            lastError: lastError)
    }
}
