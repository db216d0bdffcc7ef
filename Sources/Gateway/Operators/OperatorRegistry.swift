import Ethereum
import Foundation
import Logging
import ProverNetCore
import Store

/// Whether an operator's provers may take new jobs.
public enum OperatorStatus: Sendable, Equatable, CustomStringConvertible {
    case active
    /// Suspended for the reason (its provers stay connected, finish their running leases, get nothing new).
    case suspended(OperatorRefusal)

    public var description: String {
        switch self {
        case .active: "active"
        case .suspended(let why): "suspended: \(why)"
        }
    }
}

/// One operator as the admin listing shows it.
public struct OperatorView: Sendable, Equatable {
    public var address: Address
    public var name: String
    public var allowed: Bool
    public var source: String
    public var registered: Bool
    public var stake: UInt256
    public var minimum: UInt256
    public var status: OperatorStatus
    public var provers: [ProverID]
}

/// The operators as the gateway knows them: the allowlist and standalone stakes in its store, registration and
/// stake from the configured source, read at each hello and every `refreshInterval`. A source that cannot be
/// read leaves the last known standing in force for `graceSeconds`, then the registry fails closed. When an
/// operator's status changes, `onChange` is told with its connected provers (the gateway suspends or resumes
/// them).
public actor OperatorRegistry {
    struct State {
        var standing: OperatorStanding?
        var lastReadMillis: Int64?
        var lastError: String?
        var status: OperatorStatus
    }

    public nonisolated let policy: OperatorPolicy
    public nonisolated let store: any OperatorStore
    let source: any OperatorSource
    let logger: Logger
    let clock: @Sendable () -> Int64
    var states: [Address: State] = [:]
    /// Connected provers and the operator that authorized each.
    var provers: [ProverID: Address] = [:]
    /// The nonce of the authorization each connected prover presented.
    var nonces: [ProverID: UInt64] = [:]
    var onChange: @Sendable (Address, OperatorStatus, [ProverID]) async -> Void = { _, _, _ in }
    var onStake: @Sendable (Address, UInt256) async -> Void = { _, _ in }
    /// What slashes took from an operator's stake and its source does not show yet, in the registry's unit: for
    /// the standalone registry every slash in the ledger, for EigenLayer the slashes queued or being sent.
    var slashedStake: @Sendable (Address) async -> UInt256 = { _ in .zero }

    public init(
        policy: OperatorPolicy, store: any OperatorStore, source: any OperatorSource, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Clock.nowMillis() }
    ) {
        self.policy = policy
        self.store = store
        self.source = source
        self.logger = logger
        self.clock = clock
    }

    /// The source the policy names.
    public static func source(for policy: OperatorPolicy) throws -> any OperatorSource {
        switch policy.source {
        case .standalone: return StandaloneOperatorSource()
        case .eigenLayer(let settings): return try EigenLayerOperatorSource(settings: settings)
        }
    }

    /// Sets how the slashes of an operator that its source does not show are read (subtracted from its stake).
    public func setSlashedStake(_ body: @escaping @Sendable (Address) async -> UInt256) { slashedStake = body }

    /// Tells `body` every stake read (the gateway locks its provers' bonds from it).
    public func setOnStake(_ body: @escaping @Sendable (Address, UInt256) async -> Void) {
        onStake = body
    }

    public func setOnChange(_ body: @escaping @Sendable (Address, OperatorStatus, [ProverID]) async -> Void) {
        onChange = body
    }

    // MARK: Hello

    /// Checks a hello's authorization (empty: none) for the prover's key, that its operator has not revoked it,
    /// then the operator's standing, read again now. Returns the authorization (nil when none was presented and
    /// none is required).
    public func admit(authorization json: Data, proverKey: [UInt8], nowUnix: UInt64) async throws(OperatorRefusal)
        -> ProverAuthorization?
    {
        guard !json.isEmpty else {
            if policy.required { throw .missing }
            return nil
        }
        let authorization: ProverAuthorization
        do { authorization = try ProverAuthorization.decode(json) } catch { throw .malformed("\(error)") }
        guard authorization.network == policy.network else {
            throw .wrongNetwork(authorized: authorization.network, network: policy.network)
        }
        guard authorization.proverKeyBytes == proverKey else {
            throw .wrongProverKey(authorized: authorization.proverKey, presented: Hex.encode(proverKey))
        }
        guard authorization.expiresAt > nowUnix else {
            throw .expired(atUnix: authorization.expiresAt, nowUnix: nowUnix)
        }
        let signer: String
        do { signer = try authorization.signer().checksummed } catch { signer = "no key (\(error))" }
        guard signer == authorization.operator.checksummed else {
            throw .signatureOfAnotherKey(operator: authorization.operator, signer: signer)
        }
        let revocation: AuthorizationRevocation?
        do {
            revocation = try await store.authorizationRevocation(
                address: authorization.operator.lowercased, nonce: authorization.nonce)
        } catch {
            throw .registryUnavailable(authorization.operator, "the gateway's database: \(error)")
        }
        if revocation != nil { throw .authorizationRevoked(authorization.operator, nonce: authorization.nonce) }
        if case .suspended(let why) = await refresh(authorization.operator) { throw why }
        return authorization
    }

    /// The prover connected under `operator`'s authorization with `nonce`.
    public func attach(_ prover: ProverID, to operator: Address, nonce: UInt64) {
        provers[prover] = `operator`
        nonces[prover] = nonce
    }

    /// The connected provers that presented `operator`'s authorization with `nonce` (just revoked: the gateway
    /// closes their connections, and their next hello is refused).
    public func provers(of operator: Address, nonce: UInt64) -> [ProverID] {
        provers.filter { $0.value == `operator` && nonces[$0.key] == nonce }.map(\.key).sorted()
    }

    /// The provers (connected since this gateway started) that an operator authorized: what its
    /// `operator` API keys may list.
    public func provers(of address: String) -> Set<ProverID> {
        Set(provers.filter { $0.value.lowercased == address.lowercased() }.map(\.key))
    }
    public func detach(_ prover: ProverID) {
        provers[prover] = nil
        nonces[prover] = nil
    }

    /// The operator's status now (as last computed).
    public func status(of operator: Address) -> OperatorStatus? { states[`operator`]?.status }

    // MARK: Refresh

    /// Reads the operator again and returns its status; tells `onChange` when it changed.
    @discardableResult
    public func refresh(_ operator: Address) async -> OperatorStatus {
        let now = clock()
        var state = states[`operator`] ?? State(status: .suspended(.notAllowlisted(`operator`)))
        let before = states[`operator`]?.status
        let record: OperatorRecord?
        do {
            record = try await store.operator(address: `operator`.lowercased)
        } catch {
            state.status = .suspended(.registryUnavailable(`operator`, "the gateway's database: \(error)"))
            return await settle(`operator`, state, before: before)
        }
        do {
            var standing = try await source.standing(of: `operator`, record: record)
            // Slashing reduces the stake at once. Standalone: the recorded stake less every slash in the ledger.
            // EigenLayer: the chain's figure less the slashes queued or being sent (the chain has them once they
            // are confirmed; a slash not yet sent must not be "restored" by the next reading).
            let (left, below) = standing.stake.subtractingReportingOverflow(await slashedStake(`operator`))
            standing.stake = below ? .zero : left
            state.standing = standing
            state.lastReadMillis = now
            if state.lastError != nil {
                logger.notice("operator registry readable again", metadata: ["operator": "\(`operator`)"])
            }
            state.lastError = nil
        } catch {
            if state.lastError == nil {
                logger.warning(
                    "operator registry unreadable: keeping the last known state for the grace period",
                    metadata: [
                        "operator": "\(`operator`)", "source": "\(source.name)", "error": "\(error)",
                        "grace_seconds": "\(policy.graceSeconds)",
                    ])
            }
            state.lastError = "\(error)"
        }
        state.status = evaluate(`operator`, record: record, state: state, now: now)
        return await settle(`operator`, state, before: before)
    }

    func evaluate(_ operator: Address, record: OperatorRecord?, state: State, now: Int64) -> OperatorStatus {
        guard let record else { return .suspended(.notAllowlisted(`operator`)) }
        guard record.allowed else { return .suspended(.revoked(`operator`)) }
        if let error = state.lastError {
            guard let last = state.lastReadMillis, now - last <= policy.graceSeconds * 1000 else {
                let since = state.lastReadMillis.map {
                    "last read \((now - $0) / 1000) s ago, grace \(policy.graceSeconds) s"
                }
                return .suspended(.registryUnavailable(`operator`, "\(error) (\(since ?? "never read"))"))
            }
        }
        guard let standing = state.standing else {
            return .suspended(.registryUnavailable(`operator`, "never read"))
        }
        guard standing.registered else { return .suspended(.notRegistered(`operator`, standing.detail)) }
        guard standing.stake >= policy.minimumStake else {
            return .suspended(.belowMinimum(`operator`, stake: standing.stake, minimum: policy.minimumStake))
        }
        return .active
    }

    func settle(_ operator: Address, _ state: State, before: OperatorStatus?) async -> OperatorStatus {
        states[`operator`] = state
        await onStake(`operator`, state.standing?.stake ?? .zero)
        if before != state.status {
            let attached = provers.filter { $0.value == `operator` }.map(\.key).sorted()
            if case .suspended(let why) = state.status {
                logger.warning(
                    "operator suspended",
                    metadata: ["operator": "\(`operator`)", "reason": "\(why)", "provers": "\(attached.count)"])
            } else {
                logger.notice(
                    "operator active", metadata: ["operator": "\(`operator`)", "provers": "\(attached.count)"])
            }
            await onChange(`operator`, state.status, attached)
        }
        return state.status
    }

    /// Reads every allowlisted operator and every operator with a connected prover again.
    public func refreshAll() async {
        var addresses = Set(provers.values)
        if let records = try? await store.operators() {
            for record in records { if let a = try? Address(record.address) { addresses.insert(a) } }
        }
        for address in addresses.sorted() { await refresh(address) }
    }

    /// Refreshes every `refreshInterval` until cancelled.
    public func runRefreshLoop() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: policy.refreshInterval) } catch { return }
            await refreshAll()
        }
    }

    // MARK: Listing

    public func view() async throws(StoreError) -> [OperatorView] {
        let records = try await store.operators()
        var out = [OperatorView]()
        for record in records {
            guard let address = try? Address(record.address) else { continue }
            if states[address] == nil { await refresh(address) }
            let state = states[address]
            let status = state?.status ?? .suspended(.registryUnavailable(address, "never read"))
            out.append(
                OperatorView(
                    address: address, name: record.name, allowed: record.allowed, source: source.name,
                    registered: state?.standing?.registered ?? (source is StandaloneOperatorSource),
                    stake: state?.standing?.stake ?? ((try? UInt256(record.stake)) ?? .zero),
                    minimum: policy.minimumStake, status: status,
                    provers: provers.filter { $0.value == address }.map(\.key).sorted()))
        }
        return out
    }
}
