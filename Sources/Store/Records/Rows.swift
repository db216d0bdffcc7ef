import Foundation
import ProverNetCore

/// A registered circuit, as stored.
package struct CircuitRow: Codable, Equatable {
    package var id: String
    package var name: String
    package var kind: String
    package var constraints: Int64
    package var domainSize: Int64
    package var publicSignals: Int
    /// The artifacts as JSON (`[ArtifactDescriptor]`).
    package var artifactsJSON: String
    package var verificationKeyJSON: String
    package var createdMillis: Int64

    package init(_ descriptor: CircuitDescriptor, createdMillis: Int64) throws(StoreError) {
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

    package func descriptor() throws(StoreError) -> CircuitDescriptor {
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
package struct RequestRow: Codable, Equatable {
    package var id: String
    package var circuitID: String
    package var state: String
    package var reason: String?
    package var createdMillis: Int64
    package var deadlineMillis: Int64
    package var maxPricePerJob: Int64
    package var redundancy: Int
    package var aggregate: Bool
    package var jobsTotal: Int
    package var finishedMillis: Int64?
    package var paid: Int64
    /// The submitting API key's id (migration v6).
    package var owner: String?

    package init(_ request: ProofRequest) {
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

    package func request() throws(StoreError) -> ProofRequest {
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
package struct JobRow: Codable, Equatable {
    package var id: String
    package var requestID: String
    package var index: Int
    package var replica: Int
    package var kind: String
    package var jobClass: String
    package var inputJSON: String
    package var expectedPublicJSON: String
    /// Whether the client declared the statement (migration v13-declared-statements).
    package var statementDeclared: Bool
    package var state: String
    package var epoch: Int64
    package var proverID: String?
    package var attempts: Int
    package var price: Int64
    package var charge: Int64
    package var leaseExpiresMillis: Int64?
    package var assignedMillis: Int64?
    package var proofJSON: String?
    package var publicJSON: String?
    package var verifiedMillis: Int64?
    package var proveMillis: Int64?
    package var aggregateProof: Data?
    package var lastError: String?
    /// The lease's bond and the operator it is locked from (migration v9-economics).
    package var bond: Int64
    package var bondOperator: String?

    package init(_ job: Job) {
        id = job.id.rawValue
        requestID = job.requestID.rawValue
        index = job.index
        replica = job.replica
        kind = job.kind.rawValue
        jobClass = job.jobClass.description
        inputJSON = job.inputJSON
        expectedPublicJSON = job.statementJSON
        statementDeclared = job.statementDeclared
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

    package func job() throws(StoreError) -> Job {
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
            inputJSON: inputJSON, statementJSON: expectedPublicJSON, statementDeclared: statementDeclared,
            state: jobState, epoch: epoch, attempts: attempts,
            lastError: lastError)
    }
}
