import Foundation
import ProverNetCore
import ProverNetTesting
import Store

/// The gateway's own records after a run, read from its SQLite database once its process is gone: every
/// request, its jobs and its ledger lines, and the provers.
struct GatewayRecords: Sendable {
    var requests: [RequestID: RequestRecord] = [:]
    var jobs: [RequestID: [JobRecord]] = [:]
    var ledger: [LedgerEntry] = []
    var provers: [ProverRecord] = []

    /// Reads the database at `path` (the gateway must have stopped, or the records may still change).
    static func read(databasePath path: String) throws(HarnessError) -> GatewayRecords {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .database(path: path, reason: "no such file (the gateway never started?)")
        }
        do {
            let store = try SQLiteStore(path: path)
            defer { try? store.close() }
            var records = GatewayRecords()
            for request in try store.requests(createdSince: 0) {
                records.requests[request.id] = request
                records.jobs[request.id] = try store.jobs(requestID: request.id)
                records.ledger += try store.ledger(requestID: request.id)
            }
            records.provers = try store.provers()
            return records
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    var allJobs: [JobRecord] { jobs.values.flatMap { $0 }.sorted { $0.id < $1.id } }

    func job(_ id: JobID) -> JobRecord? {
        let request = String(id.prefix { $0 != "/" })
        return jobs[request]?.first { $0.id == id }
    }

    /// The `prover_payment` lines of a job.
    func payments(of job: JobID) -> [LedgerEntry] { ledger.filter { $0.jobID == job && $0.kind == .proverPayment } }
}
