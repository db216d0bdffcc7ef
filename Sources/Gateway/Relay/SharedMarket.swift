import Ethereum
import Foundation
import Logging
import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// What a gateway that follows publishes of a prover connected to it, in its row of free slots
/// (`ProverSlots.askJSON`): the prover's hello and its last heartbeat as the prover sent them, so that the
/// market's leader reads them with the very code that reads a local prover's.
struct RemoteAsk: Codable, Sendable {
    /// The prover's connection to its gateway (a new one is a new connection for the leader too).
    var session: String
    var name: String
    /// The operator that authorized it (lower-case), and the nonce of that authorization.
    var operatorAddress: String?
    var operatorNonce: UInt64?
    /// `Provernet_V1_Hello`, serialized.
    var hello: Data
    /// The last `Provernet_V1_Heartbeat`, serialized; nil before the first.
    var heartbeat: Data?

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    init(
        session: String, name: String, operatorAddress: String?, operatorNonce: UInt64?, hello: Data, heartbeat: Data?
    ) {
        self.session = session
        self.name = name
        self.operatorAddress = operatorAddress
        self.operatorNonce = operatorNonce
        self.hello = hello
        self.heartbeat = heartbeat
    }

    init?(json: String) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = decoded
    }
}

/// A gateway's name in the rows and notices of several gateways on one database: new at each start.
public enum GatewayName {
    public static func make() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-"
            + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }
}

/// A prover's stream served by a gateway that follows, and what it was sent there.
struct ServedProver {
    var session: String
    var ask: RemoteAsk
    var outbound: AsyncStream<Provernet_V1_GatewayMessage>.Continuation
    /// The leases (`job#epoch`) assigned to it on this stream: a notice and a reading of the database that find
    /// the same lease send it once.
    var sent: Set<String> = []
    /// The leases it had when this stream began (held from before, or orphaned, which the leader requeues): never
    /// sent by a reading of the database. Nil until read (the database may not have answered at attach); then the
    /// first reading only records them.
    var before: Set<String>?
}

/// The provers connected to a gateway that follows (issue 17, item 2): it serves their streams itself. Each
/// one's free slots are a row the leader reads (published at hello and each heartbeat, withdrawn when the stream
/// ends); what else it sends goes to the leader's inbox; the leader's notices for it (`GatewayNotice`), heard on
/// the one LISTEN connection of this gateway, become messages on its stream.
///
/// A notice sent while that connection is down is lost (PostgreSQL keeps none for a listener that is not
/// there): so on each (re)connection of it, and every `rereadInterval` as a safety net, the gateway reads the
/// jobs assigned to its provers (`SharedMarketStore.assignedJobs`) and sends those not sent on the stream yet.
actor FollowerProvers {
    let market: any SharedMarketStore
    let store: any GatewayStore
    /// This gateway, as rows and notices name it.
    let gateway: String
    let logger: Logger
    /// How often the assignments are read again when no notice was lost (the heartbeat's interval: a lease lasts
    /// several of them, so an assignment whose notice was lost reaches its prover well before the lease lapses).
    let rereadInterval: Duration
    /// Builds the messages of instructions, as it does for a leading gateway's provers.
    var handler: ProverServiceHandler?
    var sessions: [ProverID: ServedProver] = [:]

    init(
        market: any SharedMarketStore, store: any GatewayStore, gateway: String, rereadInterval: Duration,
        logger: Logger
    ) {
        self.market = market
        self.store = store
        self.gateway = gateway
        self.rereadInterval = rereadInterval
        self.logger = logger
    }

    func setHandler(_ handler: ProverServiceHandler) { self.handler = handler }

    /// A prover authenticated on this gateway: its stream is `outbound`; a stream it had here before ends.
    func attach(
        _ prover: ProverID, hello: Provernet_V1_Hello, name: String, operatorAddress: String?, operatorNonce: UInt64?,
        outbound: AsyncStream<Provernet_V1_GatewayMessage>.Continuation
    ) async -> String {
        let session = UUID().uuidString
        let ask = RemoteAsk(
            session: session, name: name, operatorAddress: operatorAddress, operatorNonce: operatorNonce,
            hello: (try? hello.serializedBytes()) ?? Data(), heartbeat: nil)
        sessions.removeValue(forKey: prover)?.outbound.finish()
        // The leases it has before its slots are published (the leader can lease it nothing new before it reads
        // them): held, or orphaned and requeued by the leader, they are not this stream's to send.
        let before = try? await market.assignedJobs(provers: [prover]).compactMap(Self.leaseKey)
        sessions[prover] = ServedProver(session: session, ask: ask, outbound: outbound, before: before.map(Set.init))
        await publish(prover, ask: ask, freeSlots: Int(clamping: hello.capabilities.slots))
        logger.info(
            "prover served here; its slots published for the market's leader",
            metadata: ["prover": "\(prover.prefix(12))", "gateway": "\(gateway)"])
        return session
    }

    /// A heartbeat: the row again, with the prover's free slots and the heartbeat for the leader.
    func heartbeat(_ prover: ProverID, session: String, _ beat: Provernet_V1_Heartbeat) async {
        guard var current = sessions[prover], current.session == session else { return }
        current.ask.heartbeat = try? beat.serializedBytes()
        sessions[prover] = current
        await publish(prover, ask: current.ask, freeSlots: Int(clamping: beat.freeSlots))
    }

    func publish(_ prover: ProverID, ask: RemoteAsk, freeSlots: Int) async {
        do {
            try await market.publishSlots(
                ProverSlots(
                    prover: prover, gateway: gateway, slotsFree: freeSlots, askJSON: ask.json,
                    heartbeatMillis: Clock.nowMillis()))
        } catch {
            logger.warning(
                "prover's slots not published", metadata: ["prover": "\(prover.prefix(12))", "error": "\(error)"])
        }
    }

    /// A message for the leader (a result, progress, a failure): into its inbox.
    func post(_ prover: ProverID, _ message: Provernet_V1_ProverMessage) async {
        do {
            try await market.postToLeader(gateway: gateway, prover: prover, message: try message.serializedBytes())
        } catch {
            // The prover sends a result again when no verdict comes (and its lease stands meanwhile).
            logger.warning(
                "prover's message not passed to the leader",
                metadata: ["prover": "\(prover.prefix(12))", "error": "\(error)"])
        }
    }

    /// The prover's stream ended: its row is withdrawn, unless a newer stream of it is served here.
    func detach(_ prover: ProverID, session: String) async {
        guard sessions[prover]?.session == session else { return }
        sessions[prover] = nil
        try? await market.withdrawSlots(prover: prover, gateway: gateway)
    }

    /// Every stream ends (this gateway leads now, or stops): its provers reconnect, to it as the leader.
    func detachAll() async {
        for (prover, current) in sessions {
            current.outbound.finish()
            try? await market.withdrawSlots(prover: prover, gateway: gateway)
        }
        sessions = [:]
    }

    /// `job#epoch` of a job's lease.
    static func leaseKey(_ job: Job) -> String? { job.state.lease.map { "\(job.id)#\($0.epoch)" } }

    /// Sends an assignment on the prover's stream unless it was sent there already (or the stream changed
    /// meanwhile): true when sent. Nothing awaited between the check and the send, so a notice and a reading
    /// of the database that race send it once.
    func sendAssignment(_ message: Provernet_V1_GatewayMessage, to prover: ProverID, session: String, key: String)
        -> Bool
    {
        guard var current = sessions[prover], current.session == session, !current.sent.contains(key) else {
            return false
        }
        current.sent.insert(key)
        sessions[prover] = current
        current.outbound.yield(message)
        return true
    }

    /// Reads the jobs assigned to this gateway's provers and sends those their streams have not had (their
    /// notices were lost while the LISTEN connection was down); forgets the leases that are no longer assigned.
    func reread(_ why: String) async {
        guard !sessions.isEmpty, let handler else { return }
        // What each stream had before the reading: only those of its leases can be forgotten by it (a lease sent
        // on a notice while the reading ran may be newer than what it read).
        let snapshot = sessions
        let jobs: [Job]
        do {
            jobs = try await market.assignedJobs(provers: Array(sessions.keys))
        } catch {
            logger.warning("the provers' assignments were not read again", metadata: ["error": "\(error)"])
            return
        }
        var byProver: [ProverID: [(key: String, job: Job, lease: Lease)]] = [:]
        for job in jobs {
            guard let lease = job.state.lease, let key = Self.leaseKey(job) else { continue }
            byProver[lease.prover, default: []].append((key, job, lease))
        }
        for (prover, served) in snapshot {
            let current = byProver[prover] ?? []
            let keys = Set(current.map(\.key))
            guard var now = sessions[prover], now.session == served.session else { continue }
            guard let before = served.before else {
                now.before = keys
                sessions[prover] = now
                continue
            }
            // Leases no longer assigned never come back (a new lease is a new epoch): forgotten.
            now.before?.subtract(before.subtracting(keys))
            now.sent.subtract(served.sent.subtracting(keys))
            sessions[prover] = now
            for (key, job, lease) in current where !before.contains(key) && !now.sent.contains(key) {
                guard let request = try? await store.request(id: job.requestID),
                    let message = await handler.message(
                        for: .assign(
                            JobAssignment(
                                job: job, lease: lease, circuitID: request.circuitID,
                                deadlineMillis: request.deadlineMillis)))
                else { continue }
                guard sendAssignment(message, to: prover, session: served.session, key: key) else { continue }
                handler.coordinator.metrics.noticeDelivered(
                    seconds: Double(max(0, Clock.nowMillis() - lease.grantedMillis)) / 1000, kind: "reread")
                logger.notice(
                    "assignment read again from the database and sent to the prover (its notice was lost)",
                    metadata: [
                        "prover": "\(prover.prefix(12))", "job": "\(job.id)", "epoch": "\(lease.epoch)",
                        "why": "\(why)", "granted_to_send_ms": "\(Clock.nowMillis() - lease.grantedMillis)",
                    ])
            }
        }
    }

    /// A notice heard on the assignments' channel.
    func heard(_ payload: String) async {
        guard let notice = try? JSONDecoder().decode(GatewayNotice.self, from: Data(payload.utf8)),
            notice.gateway == gateway
        else { return }
        let prover = ProverID(notice.prover)
        guard let current = sessions[prover], let handler else { return }
        let job = JobID(notice.job)
        let instruction: ProverInstruction
        switch notice.kind {
        case .close:
            guard current.session == notice.session else { return }
            current.outbound.finish()
            sessions[prover] = nil
            try? await market.withdrawSlots(prover: prover, gateway: gateway)
            logger.info(
                "the market's leader ended the prover's connection", metadata: ["prover": "\(prover.prefix(12))"])
            return
        case .stop: instruction = .stop(job: job, epoch: notice.epoch, reason: notice.reason)
        case .verdict:
            instruction = .verdict(job: job, epoch: notice.epoch, accepted: notice.accepted, reason: notice.reason)
        case .assign:
            // The round that leased it is committed (the notice was sent in its transaction): read it.
            guard let stored = try? await store.job(id: job), let lease = stored.state.lease,
                lease.prover == prover, lease.epoch == notice.epoch,
                let request = try? await store.request(id: stored.requestID)
            else {
                logger.warning(
                    "an assignment notice names no current lease",
                    metadata: ["job": "\(job)", "epoch": "\(notice.epoch)"])
                return
            }
            instruction = .assign(
                JobAssignment(
                    job: stored, lease: lease, circuitID: request.circuitID, deadlineMillis: request.deadlineMillis))
        }
        guard let message = await handler.message(for: instruction) else { return }
        if notice.kind == .assign {
            guard sendAssignment(message, to: prover, session: current.session, key: "\(job)#\(notice.epoch)") else {
                return
            }
        } else {
            current.outbound.yield(message)
        }
        let latency = Clock.nowMillis() - notice.sentMillis
        handler.coordinator.metrics.noticeDelivered(seconds: Double(max(0, latency)) / 1000, kind: notice.kind.rawValue)
        logger.info(
            notice.kind == .assign
                ? "assignment received by NOTIFY and sent to the prover" : "notice sent to the prover",
            metadata: [
                "prover": "\(prover.prefix(12))", "job": "\(job)", "kind": "\(notice.kind.rawValue)",
                "notify_to_send_ms": "\(latency)",
            ])
    }

    /// Listens for notices until cancelled, again after a failed connection; reads the assignments again each
    /// time LISTEN is active (what was notified while it was not is read from the database), and every
    /// `rereadInterval`.
    func listen() async {
        let interval = rereadInterval
        let safetyNet = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self.reread("periodic")
            }
        }
        defer { safetyNet.cancel() }
        var first = true
        while !Task.isCancelled {
            let why = first ? "listening" : "listening again"
            first = false
            do {
                try await market.listen(
                    on: .assignments,
                    listening: { Task { await self.reread(why) } },
                    { payload in await self.heard(payload) })
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "listening for the leader's notices failed; again shortly", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// The market leader's side (issue 17, item 2): the provers connected to the gateways that follow, read from
/// their rows into the book as connected provers (heartbeats included), and their messages read from the inbox
/// and handled as a local prover's are (its results verified here, with the same code).
actor RemoteProvers {
    let market: any SharedMarketStore
    let coordinator: Coordinator
    let handler: ProverServiceHandler
    let operators: OperatorRegistry?
    /// This gateway, as rows and notices name it (its own rows are not remote).
    let gateway: String
    /// How long a row is read after its last heartbeat.
    let staleMillis: Int64
    let logger: Logger
    var known: [ProverID: (session: String, connection: UInt64, heard: Int64)] = [:]

    init(
        market: any SharedMarketStore, coordinator: Coordinator, handler: ProverServiceHandler,
        operators: OperatorRegistry?, gateway: String, heartbeatMillis: Int64, logger: Logger
    ) {
        self.market = market
        self.coordinator = coordinator
        self.handler = handler
        self.operators = operators
        self.gateway = gateway
        staleMillis = max(3 * heartbeatMillis, 3000)
        self.logger = logger
    }

    /// Brings the book's remote provers in step with the rows.
    func sync() async {
        guard let rows = try? await market.freeSlots(heardSince: Clock.nowMillis() - staleMillis) else { return }
        var seen: Set<ProverID> = []
        let market = self.market
        for row in rows where row.gateway != gateway {
            guard let ask = RemoteAsk(json: row.askJSON),
                let hello = try? Provernet_V1_Hello(serializedBytes: ask.hello)
            else { continue }
            seen.insert(row.prover)
            let beat = ask.heartbeat.flatMap { try? Provernet_V1_Heartbeat(serializedBytes: $0) }
            // The connection the book has of it from this row, while it is still the book's.
            if let current = known[row.prover], current.session == ask.session,
                await coordinator.holds(row.prover, connection: current.connection)
            {
                if row.heartbeatMillis > current.heard, let beat {
                    known[row.prover]?.heard = row.heartbeatMillis
                    await coordinator.heartbeat(row.prover, connection: current.connection, HeartbeatReport(beat))
                }
                continue
            }
            // A prover connected here is served here: a row another gateway has not withdrawn yet (it died with
            // the prover's stream there) must not take the prover's connection from this one.
            if await coordinator.isConnectedHere(row.prover) { continue }
            // A new connection: the jobs it holds are those it named last (its hello's, before any heartbeat).
            let held = beat.map { Set($0.jobs.map { JobID($0.jobID) }) } ?? Set(hello.heldJobs.map(JobID.init))
            let logger = self.logger
            let connection = await coordinator.connectRemote(
                ProverAnnouncement(hello, id: row.prover, name: ask.name, operatorAddress: ask.operatorAddress),
                held: held, gateway: row.gateway, session: ask.session
            ) { notice in
                do {
                    try await market.notify(notice)
                } catch {
                    logger.warning(
                        "a notice was not sent", metadata: ["gateway": "\(notice.gateway)", "error": "\(error)"])
                }
            }
            known[row.prover] = (ask.session, connection, row.heartbeatMillis)
            if let address = ask.operatorAddress, let nonce = ask.operatorNonce, let parsed = try? Address(address) {
                await operators?.attach(row.prover, to: parsed, nonce: nonce)
                // A prover first seen with its operator's authorization is recorded by the writer, here (its
                // gateway checked the authorization and the signed challenge as this one would have).
                if (try? await coordinator.store.prover(id: row.prover)) == nil {
                    _ = try? await coordinator.store.allowProver(
                        id: row.prover, publicKeyHex: [UInt8](hello.publicKey).hex, name: ask.name,
                        atMillis: Clock.nowMillis())
                }
            }
            if let beat { await coordinator.heartbeat(row.prover, connection: connection, HeartbeatReport(beat)) }
            logger.info(
                "prover connected through another gateway: its slots are read from its row",
                metadata: ["prover": "\(row.prover.prefix(12))", "gateway": "\(row.gateway)"])
        }
        for (prover, current) in known where !seen.contains(prover) {
            known[prover] = nil
            await coordinator.disconnect(prover, connection: current.connection)
        }
    }

    /// Handles the inbox's messages, oldest first, then removes them (a message handled twice is harmless: a
    /// result accepted before is acknowledged again).
    func drainInbox() async {
        guard let messages = try? await market.leaderInbox(limit: 200), !messages.isEmpty else { return }
        for message in messages {
            guard let decoded = try? Provernet_V1_ProverMessage(serializedBytes: message.message) else { continue }
            await handler.handle(decoded, proverID: message.prover, connection: known[message.prover]?.connection ?? 0)
        }
        do {
            try await market.removeFromInbox(ids: messages.map(\.id))
        } catch {
            logger.warning("the inbox's handled messages were not removed", metadata: ["error": "\(error)"])
        }
    }

    /// Reads the rows and the inbox until cancelled: when a gateway notifies the inbox, else every 250 ms.
    func run() async {
        let wakeup = MarketWakeup()
        let market = self.market
        let logger = self.logger
        let listener = Task {
            while !Task.isCancelled {
                do {
                    try await market.listen(on: .inbox, listening: { wakeup.signal() }, { _ in wakeup.signal() })
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("listening for the inbox failed; again shortly", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { listener.cancel() }
        while !Task.isCancelled {
            await sync()
            await drainInbox()
            await wakeup.wait(upTo: .milliseconds(250))
        }
    }
}
