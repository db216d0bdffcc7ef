import Store

/// Who is calling: the API key the call was authenticated with. The authorization interceptor binds it
/// for the call's handler (and the producer of its answer), which reads it as `Principal.current`.
public struct Principal: Sendable, Equatable {
    public let keyID: String
    public let role: AccessRole
    /// The operator an `operator` key is bound to.
    public let operatorAddress: String?
    public let expiresMillis: Int64?

    public init(keyID: String, role: AccessRole, operatorAddress: String? = nil, expiresMillis: Int64? = nil) {
        self.keyID = keyID
        self.role = role
        self.operatorAddress = operatorAddress
        self.expiresMillis = expiresMillis
    }

    /// How the audit log names it.
    public var actor: String { "key:\(keyID)" }

    /// Whether it may see (and, for a client, cancel) a request `owner` submitted: its own, or any for the
    /// roles that read everything.
    public func mayAccess(requestOwnedBy owner: String?) -> Bool {
        switch role {
        case .admin, .viewer: true
        case .client: owner == keyID
        case .operator: false
        }
    }

    @TaskLocal public static var current: Principal?
}
