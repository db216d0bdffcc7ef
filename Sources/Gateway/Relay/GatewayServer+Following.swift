import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ProverNetCore
import ServiceLifecycle
import Store
import Synchronization

/// Several gateways on one PostgreSQL, first slice (issue 17, item 2; docs/architecture.md): a gateway that finds
/// another leading the market follows it, serving its port by relaying every call to the leader, until it leads.
extension GatewayServer {
    /// Listens on the gateway's port and relays every call to the market's leader (`leaderAddress` reads where
    /// it takes calls) until `leading` returns, when this gateway has become the leader (the database's
    /// writer); then stops relaying and returns, and `run()` serves on the same port. Calls relayed to a leader
    /// that died end with it; their callers reconnect, to this gateway as the new leader.
    ///
    /// - Parameter peerCA: the CA that signed the other gateways' certificates; nil trusts the development CA
    ///   when this gateway made one (gateways of one devnet share it), else the system's roots.
    /// - Returns: false when a graceful shutdown came first (then nothing is left to run).
    public func relayToLeader(
        peerCA: String?, leaderAddress: @escaping @Sendable () async throws -> String?,
        until leading: @escaping @Sendable () async throws -> Void
    ) async throws -> Bool {
        let configuration = self.configuration
        let logger = self.logger
        let link = LeaderLink(resolve: leaderAddress, caPath: peerCA ?? developmentCAPath, logger: logger)
        let transport = serverTransport()
        // With a shared market, this gateway serves its provers' streams itself: their slots are rows the leader
        // reads, their assignments come by NOTIFY (`SharedMarket.swift`); every other call is relayed.
        var services: [any RegistrableRPCService] = []
        var following: FollowerProvers?
        if let sharedMarket {
            let provers = FollowerProvers(
                market: sharedMarket, store: store, gateway: gatewayName,
                rereadInterval: .milliseconds(max(100, configuration.heartbeatMillis)), logger: logger)
            let handler = ProverServiceHandler(
                coordinator: coordinator, circuits: circuits,
                checker: ResultChecker(
                    circuits: circuits, aggregation: coordinator.aggregation, limits: configuration.limits),
                store: store, configuration: configuration, logger: logger, operators: operators, following: provers)
            await provers.setHandler(handler)
            services.append(handler)
            following = provers
        }
        services.append(
            LeaderRelay(
                link: link, maxMessageBytes: configuration.limits.maxMessageBytes, provers: following == nil))
        // The transport bounds each message's size; the leader checks it exactly, as it checks everything else.
        let server = GRPCServer(
            transport: transport, services: services,
            interceptors: [MessageSizeInterceptor(maxMessageBytes: configuration.limits.maxMessageBytes)])
        let led = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            if let following { group.addTask { await following.listen() } }
            let address = try await transport.listeningAddress
            let port = address.ipv4?.port ?? address.ipv6?.port ?? configuration.port
            boundPort.withLock { $0 = port }
            followedLeader.withLock { $0 = leaderAddress }
            status.following(port: port)
            logger.notice(
                "another gateway leads the market: this one relays its calls there until it can take over",
                metadata: ["address": "\(configuration.host):\(port)", "tls": "on"])
            onListening(configuration.host, port)
            var led = true
            do {
                try await cancelWhenGracefulShutdown { try await leading() }
            } catch {
                if !Task.isShuttingDownGracefully, !Task.isCancelled { throw error }
                led = false
            }
            followedLeader.withLock { $0 = nil }
            // The provers served here reconnect, to this gateway as the leader (keeping their leases).
            await following?.detachAll()
            // Calls relayed to the old leader end with it when it died; one that froze never answers them, so they
            // are cut, by closing the connection to it, after a moment's grace.
            server.beginGracefulShutdown()
            try? await Task.sleep(for: .milliseconds(200))
            await link.close()
            group.cancelAll()
            return led
        }
        logger.info("relaying stopped")
        if !led {
            try await store.close()
            logger.info("gateway stopped while following; database closed")
        }
        return led
    }
}
