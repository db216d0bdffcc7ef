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
