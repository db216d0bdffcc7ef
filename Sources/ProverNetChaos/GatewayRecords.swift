import Foundation
import ProverNetCore
import ProverNetTesting
import Store
import StorePostgres

/// The gateway's own records after a run, read from its SQLite or PostgreSQL database once its processes are
/// gone: every
/// request, its jobs and its ledger lines, and the provers, flattened to what the invariants compare.
struct GatewayRecords: Sendable {
    /// A request as the invariants see it.
    struct RequestRecord: Sendable {
        var id: RequestID
        var state: RequestPhase
        var reason: String?
        var createdMillis: Int64
        var finishedMillis: Int64?

        init(_ request: ProofRequest) {
            id = request.id
            state = request.state.phase
            reason = request.state.reason
            createdMillis = request.createdMillis
            finishedMillis = request.state.finishedMillis
        }
    }

    /// A job as the invariants see it.
    struct JobRecord: Sendable {
        var id: JobID
        var requestID: RequestID
        var index: Int
        var state: JobPhase
        /// The prover that holds or proved it.
        var proverID: ProverID?
        var attempts: Int
        var lastError: String?
        /// The epoch of its latest lease.
        var epoch: Int64

        init(_ job: Job) {
            id = job.id
            requestID = job.requestID
            index = job.index
            state = job.state.phase
            proverID = job.state.prover
            attempts = job.attempts
            epoch = job.epoch
            lastError = job.lastError
        }
    }

    var requests: [RequestID: RequestRecord] = [:]
    var jobs: [RequestID: [JobRecord]] = [:]
    var ledger: [LedgerEntry] = []
    var provers: [ProverRecord] = []

    /// Reads the PostgreSQL database at `url` (every gateway on it must have stopped).
    static func read(postgres url: String) async throws(HarnessError) -> GatewayRecords {
        do {
            return try await read(try await PostgresStore.openShared(try PostgresStoreConfiguration(url: url)))
        } catch {
            throw .database(path: url, reason: "\(error)")
        }
    }

    /// Reads the database at `path` (the gateway must have stopped, or the records may still change).
    static func read(databasePath path: String) async throws(HarnessError) -> GatewayRecords {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .database(path: path, reason: "no such file (the gateway never started?)")
        }
        do {
            return try await read(try SQLiteStore(path: path))
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Reads every request, its jobs and ledger lines, and the provers from `store`, and closes it.
    private static func read(_ store: any GatewayStore) async throws -> GatewayRecords {
        do {
            var records = GatewayRecords()
            for request in try await store.requests(createdSince: 0) {
                records.requests[request.id] = RequestRecord(request)
                records.jobs[request.id] = try await store.jobs(requestID: request.id).map(JobRecord.init)
                records.ledger += try await store.ledger(requestID: request.id)
            }
            records.provers = try await store.provers()
            try await store.close()
            return records
        } catch {
            try? await store.close()
            throw error
        }
    }

    var allJobs: [JobRecord] { jobs.values.flatMap { $0 }.sorted { $0.id < $1.id } }

    func job(_ id: JobID) -> JobRecord? { jobs[id.requestID]?.first { $0.id == id } }

    /// The `prover_payment` lines of a job.
    func payments(of job: JobID) -> [LedgerEntry] { ledger.filter { $0.jobID == job && $0.kind == .proverPayment } }

    /// The ledger summed by kind.
    var totals: LedgerTotals {
        var totals = LedgerTotals()
        for entry in ledger { totals.add(entry) }
        return totals
    }
}
