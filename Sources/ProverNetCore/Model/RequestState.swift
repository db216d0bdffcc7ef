/// The name of where a request stands, as clients see it and the database stores it. `queued → proving
/// → done`, through `aggregating` when it asked for a SnarkPack aggregate of its proofs, or one of the
/// ends `failed`, `expired`, `cancelled`.
public enum RequestPhase: String, Sendable, Codable, CaseIterable {
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

/// Where a request stands, with what each state needs: an ended request carries when it ended and why.
///
/// `queued` → `proving` (a job of it was leased) → `aggregating` (every input proven, the aggregation job
/// waits or runs; only if the request asked for it) → `done`; from any open state → `failed`, `expired`
/// or `cancelled`. Ended states are final.
public enum RequestState: Sendable, Hashable, Codable {
    case queued
    case proving
    case aggregating
    case done(atMillis: Int64)
    case failed(reason: String, atMillis: Int64)
    case expired(reason: String, atMillis: Int64)
    case cancelled(reason: String, atMillis: Int64)

    public var phase: RequestPhase {
        switch self {
        case .queued: .queued
        case .proving: .proving
        case .aggregating: .aggregating
        case .done: .done
        case .failed: .failed
        case .expired: .expired
        case .cancelled: .cancelled
        }
    }

    public var isFinal: Bool { phase.isFinal }

    /// Why it ended, for an ended request other than a done one.
    public var reason: String? {
        switch self {
        case .queued, .proving, .aggregating, .done: nil
        case .failed(let reason, _), .expired(let reason, _), .cancelled(let reason, _): reason
        }
    }

    /// When it ended.
    public var finishedMillis: Int64? {
        switch self {
        case .queued, .proving, .aggregating: nil
        case .done(let at), .failed(_, let at), .expired(_, let at), .cancelled(_, let at): at
        }
    }

    /// The state of a phase read back from storage, with its reason and end time.
    public init(phase: RequestPhase, reason: String?, finishedMillis: Int64?) {
        let at = finishedMillis ?? 0
        switch phase {
        case .queued: self = .queued
        case .proving: self = .proving
        case .aggregating: self = .aggregating
        case .done: self = .done(atMillis: at)
        case .failed: self = .failed(reason: reason ?? "", atMillis: at)
        case .expired: self = .expired(reason: reason ?? "", atMillis: at)
        case .cancelled: self = .cancelled(reason: reason ?? "", atMillis: at)
        }
    }
}
