/// Where a request stands. `queued → proving → done`, through `aggregating` when it asked for a SnarkPack
/// aggregate of its proofs, or one of the ends `failed`, `expired`, `cancelled`.
public enum RequestState: String, Sendable, Codable, CaseIterable {
    case queued
    case proving
    case done
    case failed
    case expired
    case cancelled
    /// Every proof is verified; the aggregation job runs.
    case aggregating

    /// Whether the request has ended: no job of it runs again.
    public var isFinal: Bool {
        switch self {
        case .queued, .proving, .aggregating: false
        case .done, .failed, .expired, .cancelled: true
        }
    }
}

/// Where a job stands. `pending → assigned (lease epoch k) → proving → verified`; back to `pending`
/// when its lease ends, its prover fails, or its proof is rejected; `failed` once its attempts are used
/// up; `cancelled` with its request.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case pending
    case assigned
    case proving
    case verified
    case failed
    case cancelled

    public var isFinal: Bool {
        switch self {
        case .pending, .assigned, .proving: false
        case .verified, .failed, .cancelled: true
        }
    }

    /// Whether a prover holds a lease on the job.
    public var isLeased: Bool { self == .assigned || self == .proving }
}
