import ProverNetCore

/// What a key may do. Every RPC names the roles that may call it (`docs/security.md` has the table).
public enum AccessRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Registers circuits, submits requests, and sees, fetches and cancels its own requests.
    case client
    /// Reads its own operator's provers, jobs and earnings.
    case `operator`
    /// Reads everything, changes nothing.
    case viewer
    /// Everything, key management included; changes need a current one-time code.
    case admin

    public static func < (a: AccessRole, b: AccessRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// An API key as the gateway keeps it: never its secret, only the secret's hash. Administrators' keys
/// carry a TOTP secret, sealed (`SecretSealer`), and the last time step whose code was accepted, so that a
/// code is never accepted twice.
public struct APIKeyRecord: Sendable, Codable, Equatable {
    /// The key's public id (16 hex digits), the `<id>` of `pnk_<id>_<secret>`.
    public var id: String
    public var name: String
    public var role: AccessRole
    /// SHA-256 of the secret, hex.
    public var secretHash: String
    /// The operator (an Ethereum address) an `operator` key is bound to.
    public var operatorAddress: String?
    public var createdMillis: Int64
    /// Who created it: `init` (the bootstrap), `devnet`, or `key:ID` of the administrator.
    public var createdBy: String
    /// After this time the key no longer works (nil: it does not expire).
    public var expiresMillis: Int64?
    /// When it was revoked (nil: it was not).
    public var revokedMillis: Int64?
    /// The TOTP secret, sealed; administrators only.
    public var totpSealed: [UInt8]?
    /// The last TOTP time step accepted from this key (nil: none yet).
    public var totpLastStep: Int64?

    public init(
        id: String, name: String, role: AccessRole, secretHash: String, operatorAddress: String? = nil,
        createdMillis: Int64, createdBy: String, expiresMillis: Int64? = nil, totpSealed: [UInt8]? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.secretHash = secretHash
        self.operatorAddress = operatorAddress
        self.createdMillis = createdMillis
        self.createdBy = createdBy
        self.expiresMillis = expiresMillis
        self.revokedMillis = nil
        self.totpSealed = totpSealed
        self.totpLastStep = nil
    }

    /// Whether the key works at `millis`: not revoked and not expired.
    public func isActive(atMillis millis: Int64) -> Bool {
        revokedMillis == nil && (expiresMillis.map { millis < $0 } ?? true)
    }
}

/// The API keys of a gateway. Every change is audited in its own transaction (never the secret or its
/// hash).
public protocol KeyStore: Sendable {
    /// Adds a key; `actor` is who created it, as the audit log names it.
    func insertKey(_ key: APIKeyRecord, actor: String) async throws(StoreError)
    func key(id: String) async throws(StoreError) -> APIKeyRecord?
    /// Every key, oldest first.
    func keys() async throws(StoreError) -> [APIKeyRecord]
    /// Revokes a key at `atMillis` (a second revocation keeps the first time); returns its record.
    func revokeKey(id: String, actor: String, atMillis: Int64) async throws(StoreError) -> APIKeyRecord
    /// Records that a key's one-time code of time step `step` was accepted for `action`, if it is later than
    /// the last one accepted; returns false (and records nothing) if it is not: a replayed code.
    func acceptOneTimeCode(keyID: String, step: Int64, action: String, atMillis: Int64) async throws(StoreError)
        -> Bool
}
