import ProverNetCore

/// A prover the administrator allowed (or revoked), with its record.
public struct ProverRecord: Sendable, Codable, Equatable {
    public var id: ProverID
    public var publicKeyHex: String
    public var name: String
    public var allowed: Bool
    public var addedMillis: Int64
    public var lastSeenMillis: Int64?
    public var jobsVerified: Int64
    public var jobsRejected: Int64
    public var jobsFailed: Int64
    /// Jobs whose lease this prover lost by disappearing (disconnected, or a lease not extended in time):
    /// they go back to the market without using the job's attempts, and count here instead.
    public var jobsLost: Int64
    public var earned: Amount

    public init(id: ProverID, publicKeyHex: String, name: String, allowed: Bool, addedMillis: Int64) {
        self.id = id
        self.publicKeyHex = publicKeyHex
        self.name = name
        self.allowed = allowed
        self.addedMillis = addedMillis
        self.lastSeenMillis = nil
        self.jobsVerified = 0
        self.jobsRejected = 0
        self.jobsLost = 0
        self.jobsFailed = 0
        self.earned = .zero
    }
}
