/// An operator the network's administrator allowed (or revoked): an Ethereum address (lower-case hex), its
/// name, and, for the standalone registry, its stake (a decimal uint256 in the registry's smallest unit).
public struct OperatorRecord: Sendable, Codable, Equatable {
    /// `0x` and 40 lower-case hex digits.
    public var address: String
    public var name: String
    public var allowed: Bool
    /// Decimal digits of a uint256 ("0" until set).
    public var stake: String
    public var addedMillis: Int64

    public init(address: String, name: String, allowed: Bool, stake: String = "0", addedMillis: Int64) {
        self.address = address
        self.name = name
        self.allowed = allowed
        self.stake = stake
        self.addedMillis = addedMillis
    }
}

/// The operators' allowlist and the standalone registry's stakes. Kept apart from `GatewayStore` so that the
/// store protocol stays small; every store that backs a network with operators implements both.
public protocol OperatorStore: Sendable {
    /// Allows (or allows again) `address`; a non-empty `name` replaces the old one. Recorded in the audit log.
    /// `actor` is who did it, as the audit log names it (`key:ID`, or `local-admin` offline).
    func allowOperator(address: String, name: String, actor: String, atMillis: Int64) async throws(StoreError)
        -> OperatorRecord
    /// Revokes `address`; `.missing` when unknown. Recorded in the audit log.
    func revokeOperator(address: String, actor: String, atMillis: Int64) async throws(StoreError)
    /// Sets the stake of `address` (decimal); `.missing` when unknown. Recorded in the audit log.
    func setOperatorStake(address: String, stake: String, actor: String, atMillis: Int64) async throws(StoreError)
    func `operator`(address: String) async throws(StoreError) -> OperatorRecord?
    func operators() async throws(StoreError) -> [OperatorRecord]
    /// Records that `address` revoked its authorization with `nonce` (idempotent: revoking again keeps the first
    /// record and returns it). Recorded in the audit log.
    func revokeAuthorization(address: String, nonce: UInt64, reason: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> AuthorizationRevocation
    /// The revocation of `address`'s authorization with `nonce`, if it was revoked.
    func authorizationRevocation(address: String, nonce: UInt64) async throws(StoreError) -> AuthorizationRevocation?
}

/// One prover authorization that its operator revoked, named by the operator and the authorization's nonce.
public struct AuthorizationRevocation: Sendable, Codable, Equatable {
    /// `0x` and 40 lower-case hex digits.
    public var address: String
    /// The nonce, stored as a signed 64-bit integer (authorizations' nonces are below 2^53).
    public var nonce: Int64
    public var reason: String
    public var revokedMillis: Int64

    public init(address: String, nonce: Int64, reason: String, revokedMillis: Int64) {
        self.address = address
        self.nonce = nonce
        self.reason = reason
        self.revokedMillis = revokedMillis
    }
}

extension OperatorStore {
    /// The changes as the local administrator makes them (offline, holding the data directory).
    public func allowOperator(address: String, name: String, atMillis: Int64) async throws(StoreError)
        -> OperatorRecord
    {
        try await allowOperator(address: address, name: name, actor: "local-admin", atMillis: atMillis)
    }

    public func revokeOperator(address: String, atMillis: Int64) async throws(StoreError) {
        try await revokeOperator(address: address, actor: "local-admin", atMillis: atMillis)
    }

    public func setOperatorStake(address: String, stake: String, atMillis: Int64) async throws(StoreError) {
        try await setOperatorStake(address: address, stake: stake, actor: "local-admin", atMillis: atMillis)
    }
}
