import Foundation
import ProverNetCore
import ProverNetTesting
import Store

/// The invariants every chaos scenario must keep (issue 6, item 7), counted from what the client saw and
/// from the gateway's own records:
/// - every request is in a final state (done, failed, expired, cancelled) by the end; one that is not is
///   LOST;
/// - a done request's fetched proofs all verify (and its aggregate, if it has one); a request that
///   failed, expired or was cancelled says why;
/// - no job was accepted twice: at most one `prover_payment` and one `client_charge` per job;
/// - no prover was paid for a job it did not finish: every `prover_payment` names the prover that the
///   job's verified record names, and that job is verified (and every verified job was paid).
struct Invariants: Codable, Sendable, Equatable {
    /// Requests the gateway accepted from the run.
    var requests = 0
    /// Submissions the gateway refused or never answered (each with its reason in the report).
    var submitFailed = 0
    var done = 0
    var failed = 0
    var expired = 0
    var cancelled = 0
    /// Requests not in a final state at the end, or accepted and missing from the records: must be 0.
    var lost = 0
    /// Requests in the gateway's records whose id the run never learnt (a submission repeated after the
    /// gateway died before answering); they are held to the same invariants.
    var untracked = 0
    /// Proofs (of done requests) fetched and verified.
    var proofsVerified = 0
    /// Proofs or aggregates that do not verify, or done requests whose proofs could not be fetched: must be 0.
    var proofsInvalid = 0
    /// Failed, expired or cancelled requests without a reason: must be 0.
    var endedWithoutReason = 0
    /// Jobs with more than one `prover_payment`: must be 0.
    var jobsPaidTwice = 0
    /// Jobs with more than one `client_charge`: must be 0.
    var jobsChargedTwice = 0
    /// Payments for a job that is not verified, or to another prover than the one that proved it: must be 0.
    var paidWithoutFinishing = 0
    /// Verified jobs without a payment: must be 0.
    var verifiedUnpaid = 0
    /// Whether what clients were charged equals what provers were paid plus the network's fees, to the unit.
    var ledgerBalanced = true

    /// Counts the invariants; returns them and a line for every violation.
    static func check(
        tracked: [RequestID: RequestTracker.Tracked], submitFailures: [String],
        proofs: [RequestID: RequestTracker.ProofCheck], records: GatewayRecords
    ) -> (Invariants, [String]) {
        var counts = Invariants()
        var problems: [String] = []
        counts.requests = tracked.count
        counts.submitFailed = submitFailures.count
        for id in tracked.keys.sorted() where records.requests[id] == nil {
            counts.lost += 1
            problems.append("LOST: request \(id) was accepted but is not in the gateway's database")
        }
        for request in records.requests.values.sorted(by: { $0.id < $1.id }) {
            let known = tracked[request.id]
            if known == nil { counts.untracked += 1 }
            switch request.state {
            case .done:
                counts.done += 1
                if let known {
                    let check =
                        proofs[request.id] ?? RequestTracker.ProofCheck(problems: ["its proofs were not fetched"])
                    counts.proofsVerified += check.proofs - min(check.proofs, check.problems.count)
                    var issues = check.problems
                    if check.problems.isEmpty, check.proofs != known.inputs {
                        issues.append("\(check.proofs) proofs fetched for \(known.inputs) inputs")
                    }
                    counts.proofsInvalid += issues.count
                    problems += issues.map { "request \(request.id): \($0)" }
                }
            case .failed, .expired, .cancelled:
                switch request.state {
                case .failed: counts.failed += 1
                case .expired: counts.expired += 1
                default: counts.cancelled += 1
                }
                if (request.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    counts.endedWithoutReason += 1
                    problems.append("request \(request.id) is \(request.state.rawValue) without a reason")
                }
            case .queued, .proving, .aggregating:
                counts.lost += 1
                let jobs = (records.jobs[request.id] ?? []).map { "\($0.index):\($0.state.rawValue)" }.joined(
                    separator: " ")
                problems.append(
                    "LOST: request \(request.id) is still \(request.state.rawValue) at the end (jobs \(jobs))")
            }
        }
        let byJob = Dictionary(grouping: records.ledger, by: \.jobID)
        for (job, lines) in byJob.sorted(by: { $0.key < $1.key }) {
            let payments = lines.filter { $0.kind == .proverPayment }
            let charges = lines.filter { $0.kind == .clientCharge }
            if payments.count > 1 {
                counts.jobsPaidTwice += 1
                problems.append(
                    "job \(job) was paid \(payments.count) times: to \(payments.map { String(($0.proverID ?? "?").prefix(12)) })"
                )
            }
            if charges.count > 1 {
                counts.jobsChargedTwice += 1
                problems.append("job \(job) was charged to the client \(charges.count) times")
            }
            for payment in payments {
                let record = records.job(job)
                if record?.state != .verified || record?.proverID != payment.proverID {
                    counts.paidWithoutFinishing += 1
                    problems.append(
                        "job \(job): prover \(String((payment.proverID ?? "?").prefix(12))) was paid, but the job is "
                            + "\(record?.state.rawValue ?? "missing") and names prover \(String((record?.proverID ?? "none").prefix(12)))"
                    )
                }
            }
        }
        for job in records.allJobs where job.state == .verified && records.payments(of: job.id).isEmpty {
            counts.verifiedUnpaid += 1
            problems.append("job \(job.id) is verified but its prover was not paid")
        }
        let totals = records.totals
        if !totals.balances {
            counts.ledgerBalanced = false
            problems.append(
                "the ledger does not balance: clients were charged \(totals.clientCharges), provers paid "
                    + "\(totals.proverPayments) and the network kept \(totals.networkFees)")
        }
        return (counts, problems)
    }
}
