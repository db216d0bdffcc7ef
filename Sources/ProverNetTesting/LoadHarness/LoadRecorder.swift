import Foundation
import ProverNetCore
import Synchronization

/// What a load run saw, as it happened: each request's submission, each job's assignment and verdict, each
/// light prover's welcome, on one monotonic clock (seconds since the recorder was made). Every light prover and
/// every client writes here from its own task; the report reads it after (or during) the run.
public final class LoadRecorder: Sendable {
    /// One submitted request.
    public struct Submission: Sendable {
        public var at: Double
        public var jobs: Int
        /// When its first job was assigned to a light prover (nil until then).
        public var firstAssignment: Double?
        /// Jobs the gateway accepted a proof of, and when the last one was.
        public var accepted = 0
        public var lastAccepted: Double?
    }

    struct State {
        var submissions: [String: Submission] = [:]
        /// Requests whose assignment came before their submission's answer (a fast market): kept until then.
        var earlyAssignments: [String: Double] = [:]
        var earlyAccepted: [String: [Double]] = [:]
        /// The request of each job assigned so far.
        var jobRequest: [String: String] = [:]
        /// When each accepted job's verdict came, in order of arrival.
        var acceptedTimes: [Double] = []
        var submittedTimes: [(at: Double, jobs: Int)] = []
        var rejected = 0
        var rejectionReasons: [String: Int] = [:]
        var refusedSubmissions = 0
        var refusalReasons: [String: Int] = [:]
        var welcomes = 0
        var lastWelcome: Double?
        var disconnects = 0
        var refusals: [String] = []
        var assignments = 0
    }

    let origin = ContinuousClock.now
    let state = Mutex(State())

    public init() {}

    /// Seconds since the recorder was made.
    public func now() -> Double {
        let elapsed = ContinuousClock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    // MARK: Writing

    /// A request is about to be submitted (its id chosen by the client).
    public func submitting(_ request: RequestID, jobs: Int, at: Double) {
        state.withLock { state in
            var submission = Submission(at: at, jobs: jobs)
            if let early = state.earlyAssignments.removeValue(forKey: request.rawValue) {
                submission.firstAssignment = early
            }
            for time in state.earlyAccepted.removeValue(forKey: request.rawValue) ?? [] {
                submission.accepted += 1
                submission.lastAccepted = max(submission.lastAccepted ?? time, time)
            }
            state.submissions[request.rawValue] = submission
            state.submittedTimes.append((at, jobs))
        }
    }

    /// The gateway refused a submission.
    public func submissionRefused(_ request: RequestID, jobs: Int, reason: String) {
        state.withLock { state in
            if let removed = state.submissions.removeValue(forKey: request.rawValue),
                let index = state.submittedTimes.lastIndex(where: { $0.at == removed.at && $0.jobs == jobs })
            {
                state.submittedTimes.remove(at: index)
            }
            state.refusedSubmissions += 1
            state.refusalReasons[String(reason.prefix(120)), default: 0] += 1
        }
    }

    /// A light prover was welcomed.
    func welcomed() {
        let time = now()
        state.withLock {
            $0.welcomes += 1
            $0.lastWelcome = time
        }
    }

    /// A light prover's stream ended; `refusal` when the gateway refused it (PERMISSION_DENIED and the like).
    func disconnected(refusal: String?) {
        state.withLock {
            $0.disconnects += 1
            if let refusal, $0.refusals.count < 20 { $0.refusals.append(refusal) }
        }
    }

    /// A light prover received an assignment.
    func assigned(job: String, request: String) {
        let time = now()
        state.withLock { state in
            state.assignments += 1
            state.jobRequest[job] = request
            if state.submissions[request] != nil {
                if state.submissions[request]?.firstAssignment == nil {
                    state.submissions[request]?.firstAssignment = time
                }
            } else if state.earlyAssignments[request] == nil {
                state.earlyAssignments[request] = time
            }
        }
    }

    /// The gateway's verdict on a light prover's proof.
    func verdict(job: String, accepted: Bool, reason: String) {
        let time = now()
        state.withLock { state in
            guard accepted else {
                state.rejected += 1
                state.rejectionReasons[String(reason.prefix(120)), default: 0] += 1
                return
            }
            state.acceptedTimes.append(time)
            guard let request = state.jobRequest[job] else { return }
            if state.submissions[request] != nil {
                state.submissions[request]?.accepted += 1
                state.submissions[request]?.lastAccepted = time
            } else {
                state.earlyAccepted[request, default: []].append(time)
            }
        }
    }

    // MARK: Reading

    /// Light provers welcomed so far (reconnections count again).
    public var welcomes: Int { state.withLock { $0.welcomes } }
    /// When the last welcome came.
    public var lastWelcome: Double? { state.withLock { $0.lastWelcome } }
    /// Streams that ended, and the first refusals' messages.
    public var disconnects: (count: Int, refusals: [String]) { state.withLock { ($0.disconnects, $0.refusals) } }
    /// Proofs the gateway accepted so far.
    public var acceptedCount: Int { state.withLock { $0.acceptedTimes.count } }
    /// Proofs the gateway rejected so far, and why.
    public var rejections: (count: Int, reasons: [String: Int]) {
        state.withLock { ($0.rejected, $0.rejectionReasons) }
    }
    /// Submissions the gateway refused, and why.
    public var refusedSubmissions: (count: Int, reasons: [String: Int]) {
        state.withLock { ($0.refusedSubmissions, $0.refusalReasons) }
    }
    /// Jobs submitted so far (in accepted submissions).
    public var submittedJobs: Int { state.withLock { $0.submittedTimes.reduce(0) { $0 + $1.jobs } } }
    /// Assignments received so far.
    public var assignments: Int { state.withLock { $0.assignments } }

    /// The figures of the window from `start` to `end` (seconds on this recorder's clock).
    public func window(from start: Double, to end: Double) -> LoadWindow {
        state.withLock { state in
            let length = max(end - start, 1e-9)
            let verified = state.acceptedTimes.count { $0 >= start && $0 < end }
            func submitted(before time: Double) -> Int {
                state.submittedTimes.reduce(0) { $0 + ($1.at < time ? $1.jobs : 0) }
            }
            func accepted(before time: Double) -> Int { state.acceptedTimes.count { $0 < time } }
            let inWindow = state.submissions.values.filter { $0.at >= start && $0.at < end }
            let firstAssignment = inWindow.compactMap { s in s.firstAssignment.map { max(0, $0 - s.at) * 1000 } }
            let done = inWindow.filter { $0.accepted >= $0.jobs }
            let latency = done.compactMap { s in s.lastAccepted.map { ($0 - s.at) * 1000 } }
            return LoadWindow(
                seconds: length, submittedJobs: submitted(before: end) - submitted(before: start),
                verifiedJobs: verified, backlogAtStart: submitted(before: start) - accepted(before: start),
                backlogAtEnd: submitted(before: end) - accepted(before: end), requests: inWindow.count,
                unfinishedRequests: inWindow.count - done.count,
                firstAssignmentMillis: Percentiles(firstAssignment), requestLatencyMillis: Percentiles(latency))
        }
    }
}

/// What one window of a load run measured.
public struct LoadWindow: Sendable {
    public var seconds: Double
    /// Jobs submitted in the window, and jobs whose proof the gateway accepted in it.
    public var submittedJobs: Int
    public var verifiedJobs: Int
    /// Jobs submitted and not yet accepted, at the window's start and at its end.
    public var backlogAtStart: Int
    public var backlogAtEnd: Int
    /// Requests submitted in the window, and those of them not (yet) done.
    public var requests: Int
    public var unfinishedRequests: Int
    /// Of the requests submitted in the window: submission to the first assignment a light prover received.
    public var firstAssignmentMillis: Percentiles
    /// Of those of them that are done: submission to the last accepted verdict of its jobs.
    public var requestLatencyMillis: Percentiles

    public var verifiedPerSecond: Double { Double(verifiedJobs) / seconds }
    public var submittedPerSecond: Double { Double(submittedJobs) / seconds }
}

/// The 50th, 90th and 99th percentiles and the largest of a sample (nearest rank); NaN when it is empty.
public struct Percentiles: Sendable {
    public var count: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        func rank(_ q: Double) -> Double {
            sorted.isEmpty
                ? .nan : sorted[Swift.min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
        }
        count = sorted.count
        p50 = rank(0.5)
        p90 = rank(0.9)
        p99 = rank(0.99)
        max = sorted.last ?? .nan
    }

    /// `"p50": …, "p90": …, "p99": …, "max": …, "count": …` for a JSON line (NaN as null).
    public var json: String {
        func number(_ value: Double) -> String { value.isFinite ? String(format: "%.1f", value) : "null" }
        return
            "\"p50\": \(number(p50)), \"p90\": \(number(p90)), \"p99\": \(number(p99)), \"max\": \(number(max)), \"count\": \(count)"
    }
}
