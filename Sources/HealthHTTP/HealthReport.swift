/// What one health check found: the answers of `/livez` and `/readyz`, and the details that `/health`
/// returns as JSON.
public struct HealthReport: Sendable {
    /// Whether the process's own loops are running: `/livez` answers 200, else 503. A process that is not
    /// live is worth restarting.
    public var live: Bool
    /// Whether the process can do its job now: `/readyz` answers 200, else 503. A process that is live but
    /// not ready (draining, disconnected) is worth waiting for, not restarting.
    public var ready: Bool
    /// One word for where it stands (`ready`, `idle`, `draining`, `disconnected`…): the body of a 503.
    public var state: String
    /// The body of `/health`, encoded as JSON with snake_case keys.
    public var details: any Encodable & Sendable
    /// The body of `/readyz`'s 200 (`ok` unless the process says more: a gateway's role among several).
    public var readyText: String

    public init(
        live: Bool, ready: Bool, state: String, details: any Encodable & Sendable, readyText: String = "ok"
    ) {
        self.readyText = readyText
        self.live = live
        self.ready = ready
        self.state = state
        self.details = details
    }
}
