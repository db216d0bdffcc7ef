import Foundation
import ProverNetCore
import Synchronization

/// The limits a caller cannot exhaust, with their defaults (`docs/security.md`): per key, a token bucket
/// of calls and one of submissions; per peer address, a budget of calls without a valid key, after which
/// the address waits, twice as long each time it comes back too soon.
public struct AccessLimits: Sendable, Equatable {
    /// Calls per second per key, and the burst above it.
    public var callsPerSecond: Double = 50
    public var callBurst: Double = 200
    /// Submissions per second per key, and the burst above it.
    public var submissionsPerSecond: Double = 5
    public var submissionBurst: Double = 20
    /// Open requests per key at once, and their inputs.
    public var maxOpenRequestsPerKey = 1_000
    public var maxInputsInFlightPerKey = 100_000
    /// Calls without a valid key (none, malformed, unknown, wrong, revoked, expired, a wrong one-time code)
    /// per address per minute, before the address must wait.
    public var failuresPerMinute = 20
    /// The first wait; it doubles on each return too soon, up to `maxBackoffSeconds`.
    public var firstBackoffSeconds: Double = 5
    public var maxBackoffSeconds: Double = 300

    public init() {}

    public static let `default` = AccessLimits()
}

/// The state of the limits, in memory (per gateway). Bounded: one bucket per key that called, and at most
/// `maxPeers` addresses (the quietest are dropped first).
final class CallLimits: Sendable {
    let limits: AccessLimits
    let now: @Sendable () -> Double
    static let maxPeers = 65_536

    private struct Bucket {
        var tokens: Double
        var at: Double
        mutating func take(rate: Double, burst: Double, now: Double) -> Double? {
            tokens = min(burst, tokens + (now - at) * rate)
            at = now
            if tokens >= 1 {
                tokens -= 1
                return nil
            }
            return (1 - tokens) / rate
        }
    }

    private struct Peer {
        var windowStart: Double
        var failures: Int
        var blockedUntil: Double = 0
        var backoff: Double
        var lastSeen: Double
    }

    private struct State {
        var calls: [String: Bucket] = [:]
        var submissions: [String: Bucket] = [:]
        var peers: [String: Peer] = [:]
    }

    private let state = Mutex(State())

    init(limits: AccessLimits, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limits = limits
        self.now = now
    }

    /// Refuses an address that is waiting after too many calls without a valid key.
    func checkPeer(_ peer: String) throws(GatewayError) {
        let time = now()
        let wait = state.withLock { state -> Double? in
            guard let p = state.peers[peer], p.blockedUntil > time else { return nil }
            return p.blockedUntil - time
        }
        if let wait {
            throw .limit(
                "too many calls without a valid API key from \(peer): retry after \(Self.seconds(wait)) s")
        }
    }

    /// Counts a call without a valid key from `peer`; past the budget, the address must wait.
    func failed(_ peer: String) {
        let time = now()
        state.withLock { state in
            var p =
                state.peers[peer]
                ?? Peer(windowStart: time, failures: 0, backoff: limits.firstBackoffSeconds, lastSeen: time)
            if time - p.windowStart >= 60 {
                // A quiet minute: the window starts again, and a long quiet time forgives the back-off.
                if time - p.lastSeen >= limits.maxBackoffSeconds { p.backoff = limits.firstBackoffSeconds }
                p.windowStart = time
                p.failures = 0
            }
            p.failures += 1
            p.lastSeen = time
            if p.failures > limits.failuresPerMinute {
                p.blockedUntil = time + p.backoff
                p.backoff = min(limits.maxBackoffSeconds, p.backoff * 2)
                p.windowStart = time
                p.failures = 0
            }
            state.peers[peer] = p
            if state.peers.count > Self.maxPeers {
                let quietest = state.peers.min { $0.value.lastSeen < $1.value.lastSeen }
                if let quietest { state.peers[quietest.key] = nil }
            }
        }
    }

    /// Takes a call (and a submission) from the key's buckets, or says when to retry.
    func admit(keyID: String, submission: Bool) throws(GatewayError) {
        let time = now()
        let limits = self.limits
        let refusal = state.withLock { state -> String? in
            var calls = state.calls[keyID] ?? Bucket(tokens: limits.callBurst, at: time)
            if let wait = calls.take(rate: limits.callsPerSecond, burst: limits.callBurst, now: time) {
                state.calls[keyID] = calls
                return "key \(keyID) is over its limit of \(Self.number(limits.callsPerSecond)) calls per second "
                    + "(burst \(Self.number(limits.callBurst))): retry after \(Self.seconds(wait)) s"
            }
            state.calls[keyID] = calls
            guard submission else { return nil }
            var submissions = state.submissions[keyID] ?? Bucket(tokens: limits.submissionBurst, at: time)
            defer { state.submissions[keyID] = submissions }
            if let wait = submissions.take(
                rate: limits.submissionsPerSecond, burst: limits.submissionBurst, now: time)
            {
                return "key \(keyID) is over its limit of \(Self.number(limits.submissionsPerSecond)) submissions "
                    + "per second (burst \(Self.number(limits.submissionBurst))): retry after \(Self.seconds(wait)) s"
            }
            return nil
        }
        if let refusal { throw .limit(refusal) }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f", max(0.1, value)) }
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
