import Foundation
import ProverNetCore

/// One thing that happened to a request, as `ProverNetClient.watch(request:)` reports it: first a
/// `.state` snapshot, then every change until the request ends.
public struct RequestEvent: Sendable, Hashable {
    /// What the event is about.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// The request's state (the first event, and every change of state).
        case state
        /// A job was leased to a prover.
        case assigned
        /// A prover reported how far it is with a job.
        case progress
        /// A job's proof verified and was accepted.
        case verified
        /// A job's proof was refused; the job goes back to the market.
        case rejected
        /// A job went back to the market (its lease ended or its prover failed).
        case requeued
        /// A kind this client does not know yet (a newer gateway).
        case other(String)

        public init(_ name: String) {
            self =
                switch name {
                case "state": .state
                case "assigned": .assigned
                case "progress": .progress
                case "verified": .verified
                case "rejected": .rejected
                case "requeued": .requeued
                default: .other(name)
                }
        }

        public var description: String {
            switch self {
            case .state: "state"
            case .assigned: "assigned"
            case .progress: "progress"
            case .verified: "verified"
            case .rejected: "rejected"
            case .requeued: "requeued"
            case .other(let name): name
            }
        }
    }

    public var request: RequestID
    public var kind: Kind
    /// The request's state after the event.
    public var state: RequestPhase
    public var jobsTotal: Int
    public var jobsVerified: Int
    /// The job the event is about, if it is about one.
    public var job: JobID?
    /// The index of that job in the request (its input's position).
    public var jobIndex: Int?
    /// The prover the event is about, if any.
    public var prover: ProverID?
    /// How far the job is, in [0, 1] (for `.progress` events).
    public var progress: Double
    /// The gateway's words: why a proof was rejected, why the request failed.
    public var message: String
    public var time: Date

    public init(
        request: RequestID, kind: Kind, state: RequestPhase, jobsTotal: Int, jobsVerified: Int, job: JobID? = nil,
        jobIndex: Int? = nil, prover: ProverID? = nil, progress: Double = 0, message: String = "", time: Date = Date()
    ) {
        self.request = request
        self.kind = kind
        self.state = state
        self.jobsTotal = jobsTotal
        self.jobsVerified = jobsVerified
        self.job = job
        self.jobIndex = jobIndex
        self.prover = prover
        self.progress = progress
        self.message = message
        self.time = time
    }
}
