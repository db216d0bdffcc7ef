import Foundation
import GRPCCore
import Logging
import ProverNetCore
import ProverNetCrypto
import Store
import Synchronization

/// The gateway's API keys: authenticates calls against their hashes (held in memory, refreshed from the
/// store every second so that a key made or revoked by another gateway on the same database counts too),
/// checks administrators' one-time codes (each accepted once, decided by the store), makes and revokes
/// keys, and ends the streams of a key the moment it is revoked or expires.
final class KeyRing: Sendable {
    let store: any KeyStore
    let sealer: SecretSealer
    let clock: @Sendable () -> Int64
    let logger: Logger

    private struct State {
        var keys: [String: APIKeyRecord] = [:]
        /// Streams waiting for their key's end, by key id and token.
        var waiting: [String: [Int: CheckedContinuation<Void, Never>]] = [:]
        var cancelled: Set<Int> = []
        var nextToken = 0
    }

    private let state = Mutex(State())

    init(
        store: any KeyStore, sealer: SecretSealer, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Clock.nowMillis() }
    ) async throws(StoreError) {
        self.store = store
        self.sealer = sealer
        self.logger = logger
        self.clock = clock
        try await refresh()
    }

    /// Reloads the keys from the store; streams of keys revoked meanwhile end.
    func refresh() async throws(StoreError) {
        let records = try await store.keys()
        update(records)
    }

    private func update(_ records: [APIKeyRecord]) {
        let now = clock()
        let ended: [CheckedContinuation<Void, Never>] = state.withLock { state in
            for record in records { state.keys[record.id] = record }
            var ended: [CheckedContinuation<Void, Never>] = []
            for (id, waiters) in state.waiting where !(state.keys[id]?.isActive(atMillis: now) ?? false) {
                ended += waiters.values
                state.waiting[id] = nil
            }
            return ended
        }
        for continuation in ended { continuation.resume() }
    }

    var all: [APIKeyRecord] {
        state.withLock { Array($0.keys.values) }.sorted { ($0.createdMillis, $0.id) < ($1.createdMillis, $1.id) }
    }

    // MARK: Authentication

    /// The caller of a call with `authorization: Bearer pnk_…`, or why not.
    func authenticate(_ metadata: Metadata) throws(GatewayError) -> Principal {
        guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
            throw .unauthenticated(
                "this call needs an API key: authorization: Bearer pnk_… (`--api-key-file` or PROVERNET_API_KEY)")
        }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), let presented = APIKeySecret(text: String(header.dropFirst(prefix.count)))
        else {
            throw .unauthenticated("the authorization header is not `Bearer pnk_<id>_<secret>`")
        }
        let record = state.withLock { $0.keys[presented.id] }
        // An unknown id and a wrong secret read the same, so that ids cannot be probed.
        guard let record, presented.matches(storedHash: record.secretHash) else {
            throw .unauthenticated("the API key \(presented.id) is not valid here")
        }
        let now = clock()
        if let revoked = record.revokedMillis {
            throw .unauthenticated("the API key \(record.id) was revoked at \(Self.time(revoked))")
        }
        if let expires = record.expiresMillis, now >= expires {
            throw .unauthenticated("the API key \(record.id) expired at \(Self.time(expires))")
        }
        return Principal(
            keyID: record.id, role: record.role, operatorAddress: record.operatorAddress,
            expiresMillis: record.expiresMillis)
    }

    /// Checks the one-time code of an administrative change (`x-provernet-otp`): the caller's TOTP code of
    /// the current 30-second step or one step either side, later than the last code it used.
    func checkOneTimeCode(_ metadata: Metadata, principal: Principal, action: String) async throws(GatewayError) {
        guard let code = metadata[stringValues: "x-provernet-otp"].first(where: { _ in true }) else {
            throw .unauthenticated(
                "\(action) is an administrative change: it needs a current one-time code (`--otp 123456`, or the "
                    + "x-provernet-otp header) from the authenticator of key \(principal.keyID)")
        }
        guard let record = state.withLock({ $0.keys[principal.keyID] }), let sealed = record.totpSealed else {
            throw .permissionDenied("key \(principal.keyID) has no second factor, so it cannot make changes")
        }
        let secret: [UInt8]
        do {
            secret = try sealer.open(sealed, context: record.id)
        } catch {
            logger.error("a TOTP secret cannot be opened", metadata: ["key": "\(record.id)", "error": "\(error)"])
            throw .permissionDenied("the second factor of key \(record.id) cannot be checked on this gateway")
        }
        let now = clock()
        guard let step = TOTP(secret: secret).matchingStep(code, atUnixSeconds: now / 1000) else {
            throw .unauthenticated("the one-time code is not the current one of key \(record.id) (is the clock right?)")
        }
        let accepted: Bool
        do {
            accepted = try await store.acceptOneTimeCode(keyID: record.id, step: step, action: action, atMillis: now)
        } catch {
            throw .unauthenticated("the one-time code cannot be recorded: \(error)")
        }
        guard accepted else {
            throw .unauthenticated(
                "this one-time code (or a later one) of key \(record.id) was already used: wait for the next one")
        }
        state.withLock { $0.keys[record.id]?.totpLastStep = step }
    }

    // MARK: Making and revoking

    /// Makes and stores a key; its secret (and, for an administrator, its TOTP secret) is returned once.
    func create(
        name: String, role: AccessRole, operatorAddress: String?, expiresMillis: Int64?, actor: String
    ) async throws -> KeyMaking.Made {
        let made = try KeyMaking.make(
            name: name, role: role, operatorAddress: operatorAddress, expiresMillis: expiresMillis,
            createdBy: actor, sealer: sealer, atMillis: clock())
        try await store.insertKey(made.record, actor: actor)
        update([made.record])
        logger.notice(
            "API key created", metadata: ["key": "\(made.record.id)", "role": "\(role.rawValue)", "by": "\(actor)"])
        return made
    }

    /// Revokes a key: its calls are refused from now on and its open streams end.
    func revoke(id: String, actor: String) async throws -> APIKeyRecord {
        let record = try await store.revokeKey(id: id, actor: actor, atMillis: clock())
        update([record])
        logger.notice("API key revoked", metadata: ["key": "\(id)", "by": "\(actor)"])
        return record
    }

    // MARK: Streams

    /// Runs `body` until it ends, or until the key of `principal` is revoked or expires: then it is
    /// cancelled and the call ends with UNAUTHENTICATED.
    func whileValid(_ principal: Principal, _ body: @escaping @Sendable () async throws -> Metadata) async throws
        -> Metadata
    {
        let expires = principal.expiresMillis
        let clock = self.clock
        return try await withThrowingTaskGroup(of: Metadata?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                await self.untilEnded(principal.keyID)
                return nil
            }
            if let expires {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(max(0, expires - clock())))
                    return nil
                }
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            if let metadata = first { return metadata }
            throw RPCError(
                code: .unauthenticated,
                message: "the API key \(principal.keyID) was revoked or expired: the stream ends")
        }
    }

    /// Returns when the key is revoked (or unknown), or when the task is cancelled.
    private func untilEnded(_ keyID: String) async {
        let token = state.withLock { state in
            state.nextToken += 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = clock()
                let resumeNow = state.withLock { state in
                    if state.cancelled.remove(token) != nil { return true }
                    guard state.keys[keyID]?.isActive(atMillis: now) ?? false else { return true }
                    state.waiting[keyID, default: [:]][token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let continuation = state.waiting[keyID]?.removeValue(forKey: token) { return continuation }
                state.cancelled.insert(token)
                return nil
            }
            waiting?.resume()
        }
    }

    static func time(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
    }
}

/// How keys are made: by the gateway (`CreateKey`) and offline (`provernet admin init`, devnet).
public enum KeyMaking {
    public struct Made: Sendable {
        public var record: APIKeyRecord
        public var secret: APIKeySecret
        /// An administrator's second factor.
        public var totp: TOTP?
    }

    /// A new key and, for the admin role, a new TOTP secret, sealed into its record.
    public static func make(
        name: String, role: AccessRole, operatorAddress: String?, expiresMillis: Int64?, createdBy: String,
        sealer: SecretSealer, atMillis: Int64
    ) throws -> Made {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw GatewayError.invalidArgument("a key needs a name of 1 to 100 characters")
        }
        if role == .operator {
            guard let address = operatorAddress, address.count == 42, address.hasPrefix("0x"),
                [UInt8](hex: String(address.dropFirst(2))) != nil
            else {
                throw GatewayError.invalidArgument(
                    "an operator key is bound to an operator's address (0x and 40 hex digits)")
            }
        } else if operatorAddress != nil {
            throw GatewayError.invalidArgument("only an operator key is bound to an operator's address")
        }
        if let expires = expiresMillis, expires <= atMillis {
            throw GatewayError.invalidArgument("the key's expiry is in the past")
        }
        let secret = APIKeySecret.random()
        var totp: TOTP?
        var sealed: [UInt8]?
        if role == .admin {
            let otp = TOTP(secret: TOTP.randomSecret())
            sealed = try sealer.seal(otp.secret, context: secret.id)
            totp = otp
        }
        let record = APIKeyRecord(
            id: secret.id, name: trimmed, role: role, secretHash: secret.hash,
            operatorAddress: operatorAddress?.lowercased(), createdMillis: atMillis, createdBy: createdBy,
            expiresMillis: expiresMillis, totpSealed: sealed)
        return Made(record: record, secret: secret, totp: totp)
    }
}
