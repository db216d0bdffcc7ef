import Foundation
import ProverNetCore
import Store

/// Where the instructions of a prover connected to another gateway on the same database go.
struct RemoteRoute: Sendable {
    /// The gateway it is connected to, and its connection there.
    var gateway: String
    var session: String
    /// Its connection as this coordinator numbered it.
    var connection: UInt64
}

extension Coordinator {
    /// Registers a prover connected to another gateway (`gateway`, which calls the connection `session`), as the
    /// market's leader reads it from its row: the book sees it as any connected prover; its instructions reach
    /// it as notices (`notify`): the assignments of a round in the round's own transaction, the others at once.
    /// Returns the connection's token.
    func connectRemote(
        _ hello: ProverAnnouncement, held: Set<JobID>, gateway: String, session: String,
        notify: @escaping @Sendable (GatewayNotice) async -> Void
    ) async -> UInt64 {
        let (instructions, continuation) = AsyncStream<ProverInstruction>.makeStream()
        let connection = await connect(hello, held: held, outbound: continuation)
        let route = RemoteRoute(gateway: gateway, session: session, connection: connection)
        // Only while that connection is still the prover's (a newer one may have come while it was recorded).
        if outbound[hello.id]?.connection == connection { remote[hello.id] = route }
        let clock = self.clock
        let prover = hello.id
        Task {
            for await instruction in instructions {
                await notify(Self.notice(instruction, to: prover, route: route, now: clock()))
            }
            // Its connection here ended (it connected again, or was revoked): its gateway ends the stream.
            await notify(
                GatewayNotice(
                    gateway: gateway, prover: prover.rawValue, session: session, kind: .close, sentMillis: clock()))
        }
        return connection
    }

    /// Whether `connection` is the prover's connection now.
    func holds(_ prover: ProverID, connection: UInt64) -> Bool { outbound[prover]?.connection == connection }

    /// Whether the prover is connected to this gateway itself (not through another one).
    func isConnectedHere(_ prover: ProverID) -> Bool {
        guard let connection = outbound[prover]?.connection else { return false }
        return remote[prover]?.connection != connection
    }

    /// The notices of an event's messages to provers on other gateways, and those provers.
    func remoteNotices(_ messages: [ProverMessage], now: Int64) -> ([GatewayNotice], Set<ProverID>) {
        guard !remote.isEmpty else { return ([], []) }
        var notices: [GatewayNotice] = []
        var provers: Set<ProverID> = []
        for message in messages {
            guard let route = remote[message.prover], outbound[message.prover]?.connection == route.connection
            else { continue }
            notices.append(Self.notice(message.instruction, to: message.prover, route: route, now: now))
            provers.insert(message.prover)
        }
        return (notices, provers)
    }

    static func notice(_ instruction: ProverInstruction, to prover: ProverID, route: RemoteRoute, now: Int64)
        -> GatewayNotice
    {
        switch instruction {
        case .assign(let assignment):
            GatewayNotice(
                gateway: route.gateway, prover: prover.rawValue, session: route.session, kind: .assign,
                job: assignment.job.id.rawValue, epoch: assignment.lease.epoch, sentMillis: now)
        case .stop(let job, let epoch, let reason):
            GatewayNotice(
                gateway: route.gateway, prover: prover.rawValue, session: route.session, kind: .stop,
                job: job.rawValue, epoch: epoch, reason: reason, sentMillis: now)
        case .verdict(let job, let epoch, let accepted, let reason):
            GatewayNotice(
                gateway: route.gateway, prover: prover.rawValue, session: route.session, kind: .verdict,
                job: job.rawValue, epoch: epoch, accepted: accepted, reason: reason, sentMillis: now)
        }
    }
}
