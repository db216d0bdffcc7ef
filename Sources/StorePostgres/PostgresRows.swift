import Foundation
import PostgresNIO
import ProverNetCore
import Store

/// The columns each read selects, in the order `Decode` reads them.
enum Columns {
    static let circuit =
        "id, name, kind, constraints, domainSize, publicSignals, artifactsJSON, verificationKeyJSON, createdMillis"
    static let prover = """
        id, publicKeyHex, name, allowed, addedMillis, lastSeenMillis, jobsVerified, jobsRejected, jobsFailed, \
        earned, jobsLost
        """
    static let request = """
        id, circuitID, state, reason, createdMillis, deadlineMillis, maxPricePerJob, redundancy, aggregate, \
        jobsTotal, finishedMillis, paid, owner
        """
    static let job = """
        id, requestID, "index", replica, kind, jobClass, inputJSON, expectedPublicJSON, state, epoch, proverID, \
        attempts, price, charge, leaseExpiresMillis, assignedMillis, proofJSON, publicJSON, verifiedMillis, \
        proveMillis, aggregateProof, lastError, bond, bondOperator, statementDeclared
        """
    static let key = """
        id, name, role, secretHash, operatorAddress, createdMillis, createdBy, expiresMillis, revokedMillis, \
        totpSealed, totpLastStep
        """
    static let `operator` = "address, name, allowed, stake, addedMillis"
    static let round = "id, jobClass, atMillis, bids, asks, jobsMatched, welfare, surplus, roundJSON, outcomeJSON"
    static let ledger = "id, atMillis, kind, requestID, jobID, proverID, amount"
    static let transfer = "id, atMillis, reason, fromAccount, toAccount, amount, requestID, jobID, note"
    static let audit = "seq, atMillis, actor, action, subject, details, detailsHash, hash"
    static let auditHead = "seq, hash, atMillis, signature, publicKey"
}

/// Rows read back as the Store's records; a cell of the wrong type is `StoreError.corrupt`.
enum Decode {
    /// Reads a row's cells, naming the table and row when they are not what they should be.
    static func cells<T>(_ row: PostgresRow, _ table: String, _ id: String, _ body: (PostgresRow) throws -> T)
        throws(StoreError) -> T
    {
        do {
            return try body(row)
        } catch {
            throw .corrupt(table: table, id: id, reason: "\(error)")
        }
    }

    static func id(_ row: PostgresRow) -> String {
        (try? row.makeRandomAccess()[0].decode(String.self)) ?? "?"
    }

    static func circuit(_ row: PostgresRow) throws(StoreError) -> CircuitRow {
        try cells(row, "circuit", id(row)) { row in
            let c = row.makeRandomAccess()
            return CircuitRow(
                id: try c[0].decode(String.self), name: try c[1].decode(String.self),
                kind: try c[2].decode(String.self), constraints: try c[3].decode(Int64.self),
                domainSize: try c[4].decode(Int64.self), publicSignals: try c[5].decode(Int.self),
                artifactsJSON: try c[6].decode(String.self), verificationKeyJSON: try c[7].decode(String.self),
                createdMillis: try c[8].decode(Int64.self))
        }
    }

    static func prover(_ row: PostgresRow) throws(StoreError) -> ProverRecord {
        try cells(row, "prover", id(row)) { row in
            let c = row.makeRandomAccess()
            var record = ProverRecord(
                id: ProverID(try c[0].decode(String.self)), publicKeyHex: try c[1].decode(String.self),
                name: try c[2].decode(String.self), allowed: try c[3].decode(Bool.self),
                addedMillis: try c[4].decode(Int64.self))
            record.lastSeenMillis = try c[5].decode(Int64?.self)
            record.jobsVerified = try c[6].decode(Int64.self)
            record.jobsRejected = try c[7].decode(Int64.self)
            record.jobsFailed = try c[8].decode(Int64.self)
            record.earned = Amount(units: try c[9].decode(Int64.self))
            record.jobsLost = try c[10].decode(Int64.self)
            return record
        }
    }

    static func request(_ row: PostgresRow) throws(StoreError) -> RequestRow {
        try cells(row, "request", id(row)) { row in
            let c = row.makeRandomAccess()
            return RequestRow(
                id: try c[0].decode(String.self), circuitID: try c[1].decode(String.self),
                state: try c[2].decode(String.self), reason: try c[3].decode(String?.self),
                createdMillis: try c[4].decode(Int64.self), deadlineMillis: try c[5].decode(Int64.self),
                maxPricePerJob: try c[6].decode(Int64.self), redundancy: try c[7].decode(Int.self),
                aggregate: try c[8].decode(Bool.self), jobsTotal: try c[9].decode(Int.self),
                finishedMillis: try c[10].decode(Int64?.self), paid: try c[11].decode(Int64.self),
                owner: try c[12].decode(String?.self))
        }
    }

    static func job(_ row: PostgresRow) throws(StoreError) -> JobRow {
        try cells(row, "job", id(row)) { row in
            let c = row.makeRandomAccess()
            return JobRow(
                id: try c[0].decode(String.self), requestID: try c[1].decode(String.self),
                index: try c[2].decode(Int.self), replica: try c[3].decode(Int.self),
                kind: try c[4].decode(String.self),
                jobClass: try c[5].decode(String.self), inputJSON: try c[6].decode(String.self),
                expectedPublicJSON: try c[7].decode(String.self), state: try c[8].decode(String.self),
                epoch: try c[9].decode(Int64.self), proverID: try c[10].decode(String?.self),
                attempts: try c[11].decode(Int.self), price: try c[12].decode(Int64.self),
                charge: try c[13].decode(Int64.self), leaseExpiresMillis: try c[14].decode(Int64?.self),
                assignedMillis: try c[15].decode(Int64?.self), proofJSON: try c[16].decode(String?.self),
                publicJSON: try c[17].decode(String?.self), verifiedMillis: try c[18].decode(Int64?.self),
                proveMillis: try c[19].decode(Int64?.self), aggregateProof: try c[20].decode(Data?.self),
                lastError: try c[21].decode(String?.self), bond: try c[22].decode(Int64.self),
                bondOperator: try c[23].decode(String?.self), statementDeclared: try c[24].decode(Bool.self))
        }
    }

    static func key(_ row: PostgresRow) throws(StoreError) -> APIKeyRecord {
        let c = row.makeRandomAccess()
        let (id, roleName) = try cells(row, "api_key", "?") { _ in
            (try c[0].decode(String.self), try c[2].decode(String.self))
        }
        guard let role = AccessRole(rawValue: roleName) else {
            throw .corrupt(table: "api_key", id: id, reason: "unknown role \(roleName)")
        }
        return try cells(row, "api_key", id) { _ in
            var record = APIKeyRecord(
                id: id, name: try c[1].decode(String.self), role: role, secretHash: try c[3].decode(String.self),
                operatorAddress: try c[4].decode(String?.self), createdMillis: try c[5].decode(Int64.self),
                createdBy: try c[6].decode(String.self), expiresMillis: try c[7].decode(Int64?.self),
                totpSealed: try c[9].decode(Data?.self).map { Array($0) })
            record.revokedMillis = try c[8].decode(Int64?.self)
            record.totpLastStep = try c[10].decode(Int64?.self)
            return record
        }
    }

    static func `operator`(_ row: PostgresRow) throws(StoreError) -> OperatorRecord {
        try cells(row, "operator", id(row)) { row in
            let c = row.makeRandomAccess()
            return OperatorRecord(
                address: try c[0].decode(String.self), name: try c[1].decode(String.self),
                allowed: try c[2].decode(Bool.self), stake: try c[3].decode(String.self),
                addedMillis: try c[4].decode(Int64.self))
        }
    }

    static func round(_ row: PostgresRow) throws(StoreError) -> RoundRecord {
        try cells(row, "round", "?") { row in
            let c = row.makeRandomAccess()
            var record = RoundRecord(
                jobClass: try c[1].decode(String.self), atMillis: try c[2].decode(Int64.self),
                bids: try c[3].decode(Int.self), asks: try c[4].decode(Int.self),
                jobsMatched: try c[5].decode(Int.self),
                welfare: try c[6].decode(Double.self), surplus: try c[7].decode(Double.self),
                roundJSON: try c[8].decode(String.self), outcomeJSON: try c[9].decode(String.self))
            record.id = try c[0].decode(Int64.self)
            return record
        }
    }

    static func ledger(_ row: PostgresRow) throws(StoreError) -> LedgerEntry {
        let c = row.makeRandomAccess()
        let (id, kindName) = try cells(row, "ledger", "?") { _ in
            (try c[0].decode(Int64.self), try c[2].decode(String.self))
        }
        guard let kind = LedgerEntry.Kind(rawValue: kindName) else {
            throw .corrupt(table: "ledger", id: String(id), reason: "unknown kind \(kindName)")
        }
        return try cells(row, "ledger", String(id)) { _ in
            var entry = LedgerEntry(
                atMillis: try c[1].decode(Int64.self), kind: kind, requestID: RequestID(try c[3].decode(String.self)),
                jobID: JobID(try c[4].decode(String.self)),
                proverID: try c[5].decode(String?.self).map(ProverID.init),
                amount: Amount(units: try c[6].decode(Int64.self)))
            entry.id = id
            return entry
        }
    }

    static func transfer(_ row: PostgresRow) throws(StoreError) -> Transfer {
        let c = row.makeRandomAccess()
        let (id, reasonName) = try cells(row, "transfer", "?") { _ in
            (try c[0].decode(Int64.self), try c[2].decode(String.self))
        }
        guard let reason = Transfer.Reason(rawValue: reasonName) else {
            throw .corrupt(table: "transfer", id: String(id), reason: "unknown reason \(reasonName)")
        }
        return try cells(row, "transfer", String(id)) { _ in
            var transfer = Transfer(
                atMillis: try c[1].decode(Int64.self), reason: reason,
                from: LedgerAccount(rawValue: try c[3].decode(String.self)),
                to: LedgerAccount(rawValue: try c[4].decode(String.self)),
                amount: Amount(units: try c[5].decode(Int64.self)),
                requestID: try c[6].decode(String?.self).map(RequestID.init),
                jobID: try c[7].decode(String?.self).map(JobID.init), note: try c[8].decode(String.self))
            transfer.id = id
            return transfer
        }
    }

    static func audit(_ row: PostgresRow) throws(StoreError) -> AuditEntry {
        try cells(row, "audit", "?") { row in
            let c = row.makeRandomAccess()
            return AuditEntry(
                seq: try c[0].decode(Int64.self), atMillis: try c[1].decode(Int64.self),
                actor: try c[2].decode(String.self), action: try c[3].decode(String.self),
                subject: try c[4].decode(String.self), details: try c[5].decode(String.self),
                detailsHash: try c[6].decode(String.self), hash: try c[7].decode(String.self))
        }
    }

    static func auditHead(_ row: PostgresRow) throws(StoreError) -> AuditHead {
        try cells(row, "audit_head", "?") { row in
            let c = row.makeRandomAccess()
            return AuditHead(
                seq: try c[0].decode(Int64.self), hash: try c[1].decode(String.self),
                atMillis: try c[2].decode(Int64.self), signature: try c[3].decode(String.self),
                publicKey: try c[4].decode(String.self))
        }
    }
}
