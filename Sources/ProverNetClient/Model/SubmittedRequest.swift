import ProverNetCore

/// A request the gateway has accepted.
public struct SubmittedRequest: Sendable, Hashable {
    /// The request's id, for `watch`, `request`, `fetch` and `cancel`.
    public var id: RequestID
    /// How many jobs the gateway made of it (one per input).
    public var jobs: Int

    public init(id: RequestID, jobs: Int) {
        self.id = id
        self.jobs = jobs
    }
}
