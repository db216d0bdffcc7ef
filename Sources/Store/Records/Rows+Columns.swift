import Foundation

// Rows built column by column, as a store that does not go through GRDB's records (PostgreSQL) reads them.

extension CircuitRow {
    package init(
        id: String, name: String, kind: String, constraints: Int64, domainSize: Int64, publicSignals: Int,
        artifactsJSON: String, verificationKeyJSON: String, createdMillis: Int64
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.constraints = constraints
        self.domainSize = domainSize
        self.publicSignals = publicSignals
        self.artifactsJSON = artifactsJSON
        self.verificationKeyJSON = verificationKeyJSON
        self.createdMillis = createdMillis
    }
}

extension RequestRow {
    package init(
        id: String, circuitID: String, state: String, reason: String?, createdMillis: Int64, deadlineMillis: Int64,
        maxPricePerJob: Int64, redundancy: Int, aggregate: Bool, jobsTotal: Int, finishedMillis: Int64?, paid: Int64,
        owner: String?
    ) {
        self.id = id
        self.circuitID = circuitID
        self.state = state
        self.reason = reason
        self.createdMillis = createdMillis
        self.deadlineMillis = deadlineMillis
        self.maxPricePerJob = maxPricePerJob
        self.redundancy = redundancy
        self.aggregate = aggregate
        self.jobsTotal = jobsTotal
        self.finishedMillis = finishedMillis
        self.paid = paid
        self.owner = owner
    }
}

extension JobRow {
    package init(
        id: String, requestID: String, index: Int, replica: Int, kind: String, jobClass: String, inputJSON: String,
        expectedPublicJSON: String, state: String, epoch: Int64, proverID: String?, attempts: Int, price: Int64,
        charge: Int64, leaseExpiresMillis: Int64?, assignedMillis: Int64?, proofJSON: String?, publicJSON: String?,
        verifiedMillis: Int64?, proveMillis: Int64?, aggregateProof: Data?, lastError: String?, bond: Int64,
        bondOperator: String?, statementDeclared: Bool
    ) {
        self.id = id
        self.requestID = requestID
        self.index = index
        self.replica = replica
        self.kind = kind
        self.jobClass = jobClass
        self.inputJSON = inputJSON
        self.expectedPublicJSON = expectedPublicJSON
        self.statementDeclared = statementDeclared
        self.state = state
        self.epoch = epoch
        self.proverID = proverID
        self.attempts = attempts
        self.price = price
        self.charge = charge
        self.leaseExpiresMillis = leaseExpiresMillis
        self.assignedMillis = assignedMillis
        self.proofJSON = proofJSON
        self.publicJSON = publicJSON
        self.verifiedMillis = verifiedMillis
        self.proveMillis = proveMillis
        self.aggregateProof = aggregateProof
        self.lastError = lastError
        self.bond = bond
        self.bondOperator = bondOperator
    }
}
