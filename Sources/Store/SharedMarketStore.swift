import ProverNetCore

/// The free slots of a prover connected to one of the gateways, as the market's leader reads them: upserted by
/// its gateway at hello and each heartbeat, read only while recent.
public struct ProverSlots: Sendable, Equatable {
    public var prover: ProverID
    /// The gateway the prover is connected to.
    public var gateway: String
    public var slotsFree: Int
    /// The prover's ask, as its gateway encodes it.
    public var askJSON: String
    public var heartbeatMillis: Int64

    public init(prover: ProverID, gateway: String, slotsFree: Int, askJSON: String, heartbeatMillis: Int64) {
        self.prover = prover
        self.gateway = gateway
        self.slotsFree = slotsFree
        self.askJSON = askJSON
        self.heartbeatMillis = heartbeatMillis
    }
}

/// What the market's leader tells the gateway a prover is connected to (`SharedMarketStore.Channel.assignments`):
/// a job assigned (read from the database by that gateway), a lease stopped, a verdict, or the end of the
/// prover's connection with the leader (it connected elsewhere, or was revoked).
public struct GatewayNotice: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case assign, stop, verdict, close
    }

    /// The gateway the prover is connected to.
    public var gateway: String
    public var prover: String
    /// The prover's connection to that gateway, as the gateway named it (a `close` ends only that one).
    public var session: String
    public var kind: Kind
    public var job: String
    public var epoch: Int64
    public var accepted: Bool
    /// Why a lease stopped or a proof was rejected (at most 2,000 characters: a notice's payload is bounded).
    public var reason: String
    /// When the leader sent it: what the prover's gateway measures the notice's latency from.
    public var sentMillis: Int64

    public init(
        gateway: String, prover: String, session: String, kind: Kind, job: String = "", epoch: Int64 = 0,
        accepted: Bool = false,
        reason: String = "", sentMillis: Int64
    ) {
        self.gateway = gateway
        self.prover = prover
        self.session = session
        self.kind = kind
        self.job = job
        self.epoch = epoch
        self.accepted = accepted
        self.reason = String(reason.prefix(2000))
        self.sentMillis = sentMillis
    }
}

/// A message a prover sent to a gateway that follows, for the market's leader (a result, progress, a failure,
/// a job handed back): its bytes as the prover sent them.
public struct InboxMessage: Sendable, Equatable {
    public var id: Int64
    /// The gateway the prover is connected to.
    public var gateway: String
    public var prover: ProverID
    public var message: [UInt8]
    public var atMillis: Int64

    public init(id: Int64, gateway: String, prover: ProverID, message: [UInt8], atMillis: Int64) {
        self.id = id
        self.gateway = gateway
        self.prover = prover
        self.message = message
        self.atMillis = atMillis
    }
}

/// Several gateways on one database (issue 17, item 2; docs/architecture.md): how a gateway that follows serves
/// its provers' streams itself while the market's leader (the database's writer) runs the rounds. Its provers'
/// free slots are rows the leader reads; the leader's instructions reach the prover's gateway by NOTIFY on
/// `Channel.assignments` (the assignments inside the round's own transaction, `StoreChanges.notices`); what the
/// prover sends up goes into an inbox the leader reads when `Channel.inbox` is notified.
public protocol SharedMarketStore: Sendable {
    /// Publishes (or updates) a connected prover's free slots.
    func publishSlots(_ slots: ProverSlots) async throws(StoreError)
    /// Withdraws a prover's slots when it leaves `gateway` (not when it has moved to another one since).
    func withdrawSlots(prover: ProverID, gateway: String) async throws(StoreError)
    /// The slots of every prover heard from since `millis`, on any gateway, by prover.
    func freeSlots(heardSince millis: Int64) async throws(StoreError) -> [ProverSlots]
    /// Sends a notice at once, outside any transaction (an instruction that no batch carries).
    func notify(_ notice: GatewayNotice) async throws(StoreError)
    /// Puts a prover's message in the leader's inbox and notifies `Channel.inbox`.
    func postToLeader(gateway: String, prover: ProverID, message: [UInt8]) async throws(StoreError)
    /// The oldest messages of the inbox, oldest first (up to `limit`).
    func leaderInbox(limit: Int) async throws(StoreError) -> [InboxMessage]
    /// Removes handled messages from the inbox: a write of the database's writer, fenced by its epoch.
    func removeFromInbox(ids: [Int64]) async throws(StoreError)
    /// The jobs leased to any of `provers` that no prover has started yet (`JobPhase.assigned`): what a gateway that
    /// follows reads again when a notice may have been lost (its LISTEN connection was down), to send the
    /// assignments its provers never got.
    func assignedJobs(provers: [ProverID]) async throws(StoreError) -> [Job]
    /// Calls `handler` with each payload notified on `channel` until cancelled or the connection fails (then it
    /// throws); `listening` is called once LISTEN is active. The connection's `application_name` is
    /// `provernet-listen-` and the channel (`provernet-listen-provernet_assign`), for operators and tests.
    func listen(
        on channel: SharedMarketChannel, listening: @escaping @Sendable () async -> Void,
        _ handler: @escaping @Sendable (String) async -> Void
    ) async throws
}

/// The channels of `SharedMarketStore`.
public enum SharedMarketChannel: String, Sendable {
    /// The leader's notices to the prover's gateway (`GatewayNotice`, as JSON).
    case assignments = "provernet_assign"
    /// The followers' word to the leader that its inbox has messages.
    case inbox = "provernet_inbox"
}
