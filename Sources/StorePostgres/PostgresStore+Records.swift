import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Store

// Reads and writes of the gateway's records, as `SQLiteStore` does them (same rows, same order, same audit
// entries).

extension PostgresStore {
    // MARK: Circuits

    public func insertCircuit(_ circuit: CircuitDescriptor, createdMillis: Int64) async throws(StoreError) {
        let row = try CircuitRow(circuit, createdMillis: createdMillis)
        let event = AuditEvents.circuitRegistered(circuit)
        let logger = logger
        try await transaction("insert circuit") { connection in
            try await Self.appendAudit([event], atMillis: createdMillis, connection, logger)
            try await connection.query(
                """
                INSERT INTO circuit (id, name, kind, constraints, domainSize, publicSignals, artifactsJSON,
                    verificationKeyJSON, createdMillis)
                VALUES (\(row.id), \(row.name), \(row.kind), \(row.constraints), \(row.domainSize),
                    \(Int64(row.publicSignals)), \(row.artifactsJSON), \(row.verificationKeyJSON), \(row.createdMillis))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                    constraints = EXCLUDED.constraints, domainSize = EXCLUDED.domainSize,
                    publicSignals = EXCLUDED.publicSignals, artifactsJSON = EXCLUDED.artifactsJSON,
                    verificationKeyJSON = EXCLUDED.verificationKeyJSON, createdMillis = EXCLUDED.createdMillis
                """, logger: logger)
        }
    }

    public func circuit(id: CircuitID) async throws(StoreError) -> CircuitDescriptor? {
        let logger = logger
        let rows = try await read("read circuit") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.circuit) FROM circuit WHERE id = \(id.rawValue)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.circuit(row).descriptor() }
    }

    public func circuits() async throws(StoreError) -> [CircuitDescriptor] {
        let logger = logger
        let rows = try await read("read circuits") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.circuit) FROM circuit ORDER BY createdMillis, id", logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.circuit(row).descriptor() }
    }

    // MARK: Provers

    public func prover(id: ProverID) async throws(StoreError) -> ProverRecord? {
        let logger = logger
        let rows = try await read("read prover") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.prover) FROM prover WHERE id = \(id.rawValue)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.prover(row) }
    }

    public func provers() async throws(StoreError) -> [ProverRecord] {
        let logger = logger
        let rows = try await read("read provers") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.prover) FROM prover ORDER BY addedMillis, id", logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.prover(row) }
    }

    public func allowProver(id: ProverID, publicKeyHex: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> ProverRecord
    {
        let logger = logger
        return try await transaction("allow prover") { connection in
            let existing = try await connection.query(
                "SELECT \(unescaped: Columns.prover) FROM prover WHERE id = \(id.rawValue) FOR UPDATE", logger: logger
            ).collect()
            var record =
                try existing.first.map(Decode.prover)
                ?? ProverRecord(id: id, publicKeyHex: publicKeyHex, name: name, allowed: true, addedMillis: atMillis)
            record.allowed = true
            if !name.isEmpty { record.name = name }
            try await Self.appendAudit(
                [AuditEvents.proverAllowed(id, publicKeyHex: publicKeyHex, name: record.name, actor: actor)],
                atMillis: atMillis,
                connection, logger)
            try await connection.query(
                """
                INSERT INTO prover (id, publicKeyHex, name, allowed, addedMillis, lastSeenMillis, jobsVerified,
                    jobsRejected, jobsFailed, earned, jobsLost)
                VALUES (\(record.id.rawValue), \(record.publicKeyHex), \(record.name), \(record.allowed),
                    \(record.addedMillis), \(record.lastSeenMillis), \(record.jobsVerified), \(record.jobsRejected),
                    \(record.jobsFailed), \(record.earned.units), \(record.jobsLost))
                ON CONFLICT (id) DO UPDATE SET publicKeyHex = EXCLUDED.publicKeyHex, name = EXCLUDED.name,
                    allowed = EXCLUDED.allowed
                """, logger: logger)
            return record
        }
    }

    public func revokeProver(id: ProverID, actor: String) async throws(StoreError) {
        let logger = logger
        try await transaction("revoke prover") { connection in
            let updated = try await connection.query(
                "UPDATE prover SET allowed = FALSE WHERE id = \(id.rawValue) RETURNING id", logger: logger
            ).collect()
            guard !updated.isEmpty else { throw StoreError.missing(table: "prover", id: id.rawValue) }
            try await Self.appendAudit(
                [AuditEvents.proverRevoked(id, actor: actor)], atMillis: Clock.nowMillis(), connection, logger)
        }
    }

    // MARK: Requests and jobs

    public func request(id: RequestID) async throws(StoreError) -> ProofRequest? {
        let logger = logger
        let rows = try await read("read request") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.request) FROM request WHERE id = \(id.rawValue)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.request(row).request() }
    }

    public func openRequests() async throws(StoreError) -> [ProofRequest] {
        let open = RequestPhase.allCases.filter { !$0.isFinal }.map(\.rawValue)
        let logger = logger
        let rows = try await read("read open requests") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.request) FROM request WHERE state = ANY(\(open))
                ORDER BY createdMillis, id
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.request(row).request() }
    }

    public func requests(createdSince millis: Int64) async throws(StoreError) -> [ProofRequest] {
        let logger = logger
        let rows = try await read("read requests") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.request) FROM request WHERE createdMillis >= \(millis)
                ORDER BY createdMillis, id
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.request(row).request() }
    }

    public func job(id: JobID) async throws(StoreError) -> Job? {
        let logger = logger
        let rows = try await read("read job") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.job) FROM job WHERE id = \(id.rawValue)", logger: logger
            ).collect()
        }
        return try rows.first.map { row throws(StoreError) in try Decode.job(row).job() }
    }

    public func jobs(requestID: RequestID) async throws(StoreError) -> [Job] {
        let logger = logger
        let rows = try await read("read jobs") { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Columns.job) FROM job WHERE requestID = \(requestID.rawValue)
                ORDER BY "index", replica
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.job(row).job() }
    }

    public func recentJobs(limit: Int) async throws(StoreError) -> [Job] {
        let logger = logger
        let rows = try await read("read recent jobs") { connection in
            // NULLS LAST: SQLite sorts NULL below every number, so a job never assigned comes last there too.
            try await connection.query(
                """
                SELECT \(unescaped: Columns.job) FROM job ORDER BY assignedMillis DESC NULLS LAST
                LIMIT \(Int64(max(0, limit)))
                """, logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.job(row).job() }
    }

    public func rounds(limit: Int) async throws(StoreError) -> [RoundRecord] {
        let logger = logger
        let rows = try await read("read rounds") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.round) FROM round ORDER BY id DESC LIMIT \(Int64(max(0, limit)))",
                logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.round(row) }
    }

    public func ledger(requestID: RequestID) async throws(StoreError) -> [LedgerEntry] {
        let logger = logger
        let rows = try await read("read ledger") { connection in
            try await connection.query(
                "SELECT \(unescaped: Columns.ledger) FROM ledger WHERE requestID = \(requestID.rawValue) ORDER BY id",
                logger: logger
            ).collect()
        }
        return try rows.map { row throws(StoreError) in try Decode.ledger(row) }
    }

    public func ledgerTotals() async throws(StoreError) -> LedgerTotals {
        let logger = logger
        let rows = try await read("read ledger totals") { connection in
            try await connection.query(
                "SELECT kind, SUM(amount)::BIGINT FROM ledger GROUP BY kind", logger: logger
            ).collect()
        }
        var totals = LedgerTotals()
        for row in rows {
            let (kindName, total) = try Decode.cells(row, "ledger", "totals") { try $0.decode((String, Int64).self) }
            guard let kind = LedgerEntry.Kind(rawValue: kindName) else {
                throw .corrupt(table: "ledger", id: kindName, reason: "unknown kind")
            }
            totals.add(
                LedgerEntry(
                    atMillis: 0, kind: kind, requestID: "", jobID: "", proverID: nil, amount: Amount(units: total)))
        }
        return totals
    }

    public func reputationEvents(since millis: Int64) async throws(StoreError) -> [ReputationEvent] {
        let logger = logger
        let rows = try await read("read reputation events") { connection in
            try await connection.query(
                """
                SELECT id, prover, operator, kind, atMillis, jobID FROM reputation_event WHERE atMillis >= \(millis)
                ORDER BY id
                """, logger: logger
            ).collect()
        }
        return try rows.map { (row) throws(StoreError) -> ReputationEvent in
            let (id, prover, address, kindName, atMillis, job) = try Decode.cells(row, "reputation_event", "row") {
                try $0.decode((Int64, String, String?, String, Int64, String?).self)
            }
            guard let kind = ReputationEvent.Kind(rawValue: kindName) else {
                throw .corrupt(table: "reputation_event", id: "\(id)", reason: "unknown kind \(kindName)")
            }
            return ReputationEvent(
                prover: ProverID(prover), operatorAddress: address, kind: kind, atMillis: atMillis,
                jobID: job.map(JobID.init))
        }
    }

    // MARK: Writing

    public func commit(_ changes: StoreChanges) async throws(StoreError) {
        try await commit(group: [changes])
    }

    /// The group's batches in one transaction, so under the writers' lock and the epoch fence
    /// (`checkWriter`) once for all of them: a writer fenced off writes none of the group.
    public func commit(group: [StoreChanges]) async throws(StoreError) {
        let group = group.filter { !$0.isEmpty }
        guard !group.isEmpty else { return }
        let logger = logger
        let verifies = verifiesLedger
        var notices: [String] = []
        for changes in group { notices += try Self.payloads(changes.notices) }
        try await transaction("commit") { [notices] connection in
            for changes in group { try await Self.write(changes, connection, logger) }
            // The ledger's invariants are checked once, after the group's last batch.
            if verifies, group.contains(where: { !$0.transfers.isEmpty || !$0.ledger.isEmpty }) {
                try await Self.verifyLedger(connection, logger)
            }
            // Delivered at COMMIT, so only if the batch is written (and by a writer whose epoch held).
            for payload in notices {
                try await connection.query(
                    "SELECT pg_notify(\(SharedMarketChannel.assignments.rawValue), \(payload))", logger: logger)
            }
        }
    }

    /// Writes a batch inside the caller's transaction (which holds the writers' lock), its audit entries first,
    /// its transfers last (as `SQLiteStore.commit`); with `verifiesLedger`, a batch that moves money is checked
    /// against the ledger's invariants before it is committed.
    static func write(
        _ changes: StoreChanges, _ connection: PostgresConnection, _ logger: Logger, verifiesLedger: Bool = false
    ) async throws {
        let requests = changes.requests.map(RequestRow.init)
        let jobs = changes.jobs.map(JobRow.init)
        let activity = changes.proverActivity
        let rounds = changes.rounds
        let ledger = changes.ledger
        let transfers = changes.transfers
        let actor = changes.actor
        let atMillis = changes.atMillis ?? Clock.nowMillis()
        // The audit entries first: they compare each row with what it was before this batch.
        var events: [AuditEvent] = []
        if !requests.isEmpty {
            var before: [String: String] = [:]
            let rows = try await connection.query(
                "SELECT id, state FROM request WHERE id = ANY(\(requests.map(\.id)))", logger: logger)
            for try await (id, state) in rows.decode((String, String).self) { before[id] = state }
            events += requests.compactMap { AuditEvents.request($0, oldState: before[$0.id], actor: actor) }
        }
        if !jobs.isEmpty {
            var before: [String: AuditEvents.JobBefore] = [:]
            let rows = try await connection.query(
                "SELECT id, state, epoch, proverID, attempts FROM job WHERE id = ANY(\(jobs.map(\.id)))",
                logger: logger)
            for try await (id, state, epoch, prover, attempts) in rows.decode(
                (String, String, Int64, String?, Int64).self)
            {
                before[id] = AuditEvents.JobBefore(
                    state: state, epoch: epoch, proverID: prover, attempts: Int(attempts))
            }
            events += jobs.compactMap { AuditEvents.job($0, old: before[$0.id], actor: actor) }
        }
        events += ledger.map { AuditEvents.ledger($0, actor: actor) }
        events += transfers.map { AuditEvents.transfer($0, actor: actor) }
        try await Self.appendAudit(events, atMillis: atMillis, connection, logger)
        for request in requests { try await Self.upsert(request, connection, logger) }
        for job in jobs { try await Self.upsert(job, connection, logger) }
        for a in activity {
            try await connection.query(
                """
                UPDATE prover SET jobsVerified = jobsVerified + \(Int64(a.verified)),
                    jobsRejected = jobsRejected + \(Int64(a.rejected)), jobsFailed = jobsFailed + \(Int64(a.failed)),
                    jobsLost = jobsLost + \(Int64(a.lost)), earned = earned + \(a.earned.units),
                    lastSeenMillis = COALESCE(\(a.lastSeenMillis), lastSeenMillis)
                WHERE id = \(a.prover.rawValue)
                """, logger: logger)
        }
        for round in rounds {
            try await connection.query(
                """
                INSERT INTO round (jobClass, atMillis, bids, asks, jobsMatched, welfare, surplus, roundJSON,
                    outcomeJSON)
                VALUES (\(round.jobClass), \(round.atMillis), \(Int64(round.bids)), \(Int64(round.asks)),
                    \(Int64(round.jobsMatched)), \(round.welfare), \(round.surplus), \(round.roundJSON),
                    \(round.outcomeJSON))
                """, logger: logger)
        }
        for entry in ledger {
            try await connection.query(
                """
                INSERT INTO ledger (atMillis, kind, requestID, jobID, proverID, amount)
                VALUES (\(entry.atMillis), \(entry.kind.rawValue), \(entry.requestID.rawValue),
                    \(entry.jobID.rawValue), \(entry.proverID?.rawValue), \(entry.amount.units))
                """, logger: logger)
        }
        for event in changes.reputation {
            try await connection.query(
                """
                INSERT INTO reputation_event (prover, operator, kind, atMillis, jobID)
                VALUES (\(event.prover.rawValue), \(event.operatorAddress), \(event.kind.rawValue), \(event.atMillis),
                    \(event.jobID?.rawValue))
                """, logger: logger)
        }
        try await Self.applyTransfers(transfers, connection, logger)
        if verifiesLedger, !transfers.isEmpty || !ledger.isEmpty { try await Self.verifyLedger(connection, logger) }
    }

    static func upsert(_ row: RequestRow, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO request (id, circuitID, state, reason, createdMillis, deadlineMillis, maxPricePerJob,
                redundancy, aggregate, jobsTotal, finishedMillis, paid, owner)
            VALUES (\(row.id), \(row.circuitID), \(row.state), \(row.reason), \(row.createdMillis),
                \(row.deadlineMillis), \(row.maxPricePerJob), \(Int64(row.redundancy)), \(row.aggregate),
                \(Int64(row.jobsTotal)), \(row.finishedMillis), \(row.paid), \(row.owner))
            ON CONFLICT (id) DO UPDATE SET circuitID = EXCLUDED.circuitID, state = EXCLUDED.state,
                reason = EXCLUDED.reason, createdMillis = EXCLUDED.createdMillis,
                deadlineMillis = EXCLUDED.deadlineMillis, maxPricePerJob = EXCLUDED.maxPricePerJob,
                redundancy = EXCLUDED.redundancy, aggregate = EXCLUDED.aggregate, jobsTotal = EXCLUDED.jobsTotal,
                finishedMillis = EXCLUDED.finishedMillis, paid = EXCLUDED.paid, owner = EXCLUDED.owner
            """, logger: logger)
    }

    static func upsert(_ row: JobRow, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO job (id, requestID, "index", replica, kind, jobClass, inputJSON, expectedPublicJSON, state,
                epoch, proverID, attempts, price, charge, leaseExpiresMillis, assignedMillis, proofJSON, publicJSON,
                verifiedMillis, proveMillis, aggregateProof, lastError, bond, bondOperator, statementDeclared)
            VALUES (\(row.id), \(row.requestID), \(Int64(row.index)), \(Int64(row.replica)), \(row.kind),
                \(row.jobClass), \(row.inputJSON), \(row.expectedPublicJSON), \(row.state), \(row.epoch),
                \(row.proverID), \(Int64(row.attempts)), \(row.price), \(row.charge), \(row.leaseExpiresMillis),
                \(row.assignedMillis), \(row.proofJSON), \(row.publicJSON), \(row.verifiedMillis),
                \(row.proveMillis), \(row.aggregateProof), \(row.lastError), \(row.bond), \(row.bondOperator),
                \(row.statementDeclared))
            ON CONFLICT (id) DO UPDATE SET requestID = EXCLUDED.requestID, "index" = EXCLUDED."index",
                replica = EXCLUDED.replica, kind = EXCLUDED.kind, jobClass = EXCLUDED.jobClass,
                inputJSON = EXCLUDED.inputJSON, expectedPublicJSON = EXCLUDED.expectedPublicJSON,
                state = EXCLUDED.state, epoch = EXCLUDED.epoch, proverID = EXCLUDED.proverID,
                attempts = EXCLUDED.attempts, price = EXCLUDED.price, charge = EXCLUDED.charge,
                leaseExpiresMillis = EXCLUDED.leaseExpiresMillis, assignedMillis = EXCLUDED.assignedMillis,
                proofJSON = EXCLUDED.proofJSON, publicJSON = EXCLUDED.publicJSON,
                verifiedMillis = EXCLUDED.verifiedMillis, proveMillis = EXCLUDED.proveMillis,
                aggregateProof = EXCLUDED.aggregateProof, lastError = EXCLUDED.lastError, bond = EXCLUDED.bond,
                bondOperator = EXCLUDED.bondOperator, statementDeclared = EXCLUDED.statementDeclared
            """, logger: logger)
    }
}
