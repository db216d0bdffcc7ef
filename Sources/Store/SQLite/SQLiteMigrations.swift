import GRDB

/// The database's schema, as a list of migrations, each applied once and in order. Never edit a shipped
/// migration: add one. Shipped: `v1` (0.1), `v2-aggregation`, `v3-redundancy` (0.2);
/// `v4-integer-money` (0.3) stores every amount as an integer count of the smallest unit and each job's
/// kind; `v5-audit-log` (0.4) adds the tamper-evident audit log (`audit`, `audit_head`);
/// `v6-api-keys` (0.5) adds API keys with roles (`api_key`) and each request's owner; `v7-operators` (0.5) the
/// operators' allowlist and the standalone registry's stakes (`operator`); `v8-authorization-revocations` (0.6)
/// prover authorizations that their operator revoked one by one (`authorization_revocation`).
/// `v9-economics` the ledger's accounts and transfers (`account`, `transfer`) and each lease's bond;
/// `v10-reputation` the events reputation counts (`reputation_event`); `v11-settlements` settled epochs
/// (`settlement`); `v12-queued-slashes` EigenLayer slashes on their way to the chain (`queued_slash`);
/// `v13-declared-statements` whether a job's statement was declared by its client (`job.statementDeclared`).
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "circuit") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("constraints", .integer).notNull()
                t.column("domainSize", .integer).notNull()
                t.column("publicSignals", .integer).notNull()
                t.column("artifactsJSON", .text).notNull()
                t.column("verificationKeyJSON", .text).notNull()
                t.column("createdMillis", .integer).notNull()
            }
            try db.create(table: "prover") { t in
                t.primaryKey("id", .text)
                t.column("publicKeyHex", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("allowed", .boolean).notNull()
                t.column("addedMillis", .integer).notNull()
                t.column("lastSeenMillis", .integer)
                t.column("jobsVerified", .integer).notNull()
                t.column("jobsRejected", .integer).notNull()
                t.column("jobsFailed", .integer).notNull()
                t.column("earned", .double).notNull()
            }
            try db.create(table: "request") { t in
                t.primaryKey("id", .text)
                t.column("circuitID", .text).notNull().references("circuit")
                t.column("state", .text).notNull().indexed()
                t.column("reason", .text)
                t.column("createdMillis", .integer).notNull()
                t.column("deadlineMillis", .integer).notNull()
                t.column("maxPricePerJob", .double).notNull()
                t.column("redundancy", .integer).notNull()
                t.column("aggregate", .boolean).notNull()
                t.column("jobsTotal", .integer).notNull()
                t.column("finishedMillis", .integer)
                t.column("paid", .double).notNull()
            }
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("requestID", .text).notNull().references("request").indexed()
                t.column("index", .integer).notNull()
                t.column("jobClass", .text).notNull()
                t.column("inputJSON", .text).notNull()
                t.column("expectedPublicJSON", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("epoch", .integer).notNull()
                t.column("proverID", .text)
                t.column("attempts", .integer).notNull()
                t.column("price", .double).notNull()
                t.column("charge", .double).notNull()
                t.column("leaseExpiresMillis", .integer)
                t.column("assignedMillis", .integer)
                t.column("proofJSON", .text)
                t.column("publicJSON", .text)
                t.column("verifiedMillis", .integer)
                t.column("proveMillis", .integer)
                t.column("lastError", .text)
            }
            try db.create(table: "round") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobClass", .text).notNull()
                t.column("atMillis", .integer).notNull()
                t.column("bids", .integer).notNull()
                t.column("asks", .integer).notNull()
                t.column("jobsMatched", .integer).notNull()
                t.column("welfare", .double).notNull()
                t.column("surplus", .double).notNull()
                t.column("roundJSON", .text).notNull()
                t.column("outcomeJSON", .text).notNull()
            }
            try db.create(table: "ledger") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("atMillis", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("requestID", .text).notNull().indexed()
                t.column("jobID", .text).notNull()
                t.column("proverID", .text)
                t.column("amount", .double).notNull()
            }
        }
        migrator.registerMigration("v2-aggregation") { db in
            try db.alter(table: "job") { t in
                t.add(column: "aggregateProof", .blob)
            }
        }
        migrator.registerMigration("v3-redundancy") { db in
            try db.alter(table: "job") { t in
                t.add(column: "replica", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "prover") { t in
                t.add(column: "jobsLost", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v4-integer-money") { db in
            try migrateMoneyToIntegers(db)
        }
        migrator.registerMigration("v5-audit-log") { db in
            try AuditTables.createTables(db)
        }
        migrator.registerMigration("v6-api-keys") { db in
            try KeyTables.createTables(db)
            try db.alter(table: "request") { t in t.add(column: "owner", .text).indexed() }
        }
        migrator.registerMigration("v7-operators") { db in
            try SQLiteStore.createOperatorTable(db)
        }
        migrator.registerMigration("v8-authorization-revocations") { db in
            try SQLiteStore.createAuthorizationRevocationTable(db)
        }
        migrator.registerMigration("v9-economics") { db in
            try SQLiteStore.createEconomicsTables(db)
        }
        migrator.registerMigration("v10-reputation") { db in
            try SQLiteStore.createReputationTable(db)
        }
        migrator.registerMigration("v11-settlements") { db in
            try SQLiteStore.createSettlementTable(db)
        }
        migrator.registerMigration("v12-queued-slashes") { db in
            try SQLiteStore.createQueuedSlashTable(db)
        }
        migrator.registerMigration("v13-declared-statements") { db in
            // Whether the client declared the job's statement (expectedPublicJSON) instead of the gateway
            // computing it; jobs from before are the gateway's own.
            try db.alter(table: "job") { t in
                t.add(column: "statementDeclared", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }

    /// The names of the migrations, in order.
    static let names = [
        "v1", "v2-aggregation", "v3-redundancy", "v4-integer-money", "v5-audit-log", "v6-api-keys", "v7-operators",
        "v8-authorization-revocations",
        "v9-economics", "v10-reputation", "v11-settlements", "v12-queued-slashes", "v13-declared-statements",
    ]

    /// Every amount was a REAL of whole units; it becomes an INTEGER of smallest units (`Amount`), rounded to
    /// the nearest unit (history: what was charged and paid then, to a millionth). Each job that was paid
    /// gets the network's fee as a ledger line of its own (its charge minus its payment), so the ledger
    /// balances as the new code keeps it: charges = payments + fees. Jobs get their kind, derived from their
    /// class as the old code derived it.
    static func migrateMoneyToIntegers(_ db: Database) throws {
        let columns: [(table: String, column: String)] = [
            ("prover", "earned"), ("request", "maxPricePerJob"), ("request", "paid"), ("job", "price"),
            ("job", "charge"),
            ("ledger", "amount"),
        ]
        for (table, column) in columns {
            try db.execute(sql: "ALTER TABLE \"\(table)\" ADD COLUMN \"\(column)_units\" INTEGER NOT NULL DEFAULT 0")
            try db.execute(
                sql: "UPDATE \"\(table)\" SET \"\(column)_units\" = CAST(ROUND(\"\(column)\" * 1000000) AS INTEGER)")
            try db.execute(sql: "ALTER TABLE \"\(table)\" DROP COLUMN \"\(column)\"")
            try db.execute(sql: "ALTER TABLE \"\(table)\" RENAME COLUMN \"\(column)_units\" TO \"\(column)\"")
        }
        try db.execute(
            sql: """
                INSERT INTO ledger (atMillis, kind, requestID, jobID, proverID, amount)
                SELECT c.atMillis, 'network_fee', c.requestID, c.jobID, NULL, c.amount - p.amount
                FROM ledger c JOIN ledger p ON p.jobID = c.jobID AND p.kind = 'prover_payment'
                WHERE c.kind = 'client_charge'
                """)
        try db.execute(sql: "ALTER TABLE job ADD COLUMN kind TEXT NOT NULL DEFAULT 'prove'")
        try db.execute(sql: "UPDATE job SET kind = 'aggregate' WHERE jobClass LIKE 'snarkpack-bn254/%'")
    }
}
