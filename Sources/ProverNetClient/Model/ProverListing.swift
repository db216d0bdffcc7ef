import Foundation
import ProverNetCore

/// A prover as the gateway's admin listing shows it: its allowlist entry, its connection and its record.
public struct ProverListing: Sendable, Equatable {
    /// Its id: the hex SHA-256 of its public key.
    public var id: ProverID
    /// The name it was allowlisted with.
    public var name: String
    /// Whether it is on the allowlist.
    public var allowed: Bool
    /// Whether it is connected now.
    public var connected: Bool
    /// Its slots and the jobs running in them (0 when not connected).
    public var slots: Int
    public var running: Int
    /// Jobs whose proofs the gateway verified.
    public var jobsVerified: UInt64
    /// Jobs whose proofs the gateway rejected.
    public var jobsRejected: UInt64
    /// Jobs it reported as failed (each used one of the job's attempts).
    public var jobsFailed: UInt64
    /// Jobs whose lease it lost by disappearing.
    public var jobsLost: UInt64
    /// What it has earned.
    public var earned: Amount
    /// Its last heartbeat or connection, if any.
    public var lastSeen: Date?
    /// Its reputation now, in 0…1, as the market is given it (under the network's floor it gets no work).
    public var reputation: Double

    /// A listing entry (the client makes these from the gateway's answer; tests may make their own).
    public init(
        id: ProverID, name: String, allowed: Bool, connected: Bool, slots: Int, running: Int, jobsVerified: UInt64,
        jobsRejected: UInt64, jobsFailed: UInt64, jobsLost: UInt64, earned: Amount, lastSeen: Date?,
        reputation: Double = 0
    ) {
        self.reputation = reputation
        self.id = id
        self.name = name
        self.allowed = allowed
        self.connected = connected
        self.slots = slots
        self.running = running
        self.jobsVerified = jobsVerified
        self.jobsRejected = jobsRejected
        self.jobsFailed = jobsFailed
        self.jobsLost = jobsLost
        self.earned = earned
        self.lastSeen = lastSeen
    }
}
