import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ProverNetAPI

/// A following gateway's client of the gateway that leads the market (the database's writer), at the address the
/// leader advertised; made again when another gateway has taken over and advertised its own.
actor LeaderLink {
    /// Reads the leader's advertised `HOST:PORT`: nil while none is advertised (a takeover in progress).
    typealias Resolve = @Sendable () async throws -> String?

    let resolve: Resolve
    /// The CA that signed the other gateways' certificates (nil: the system's roots).
    let caPath: String?
    let logger: Logger
    private var current: (address: String, client: GRPCClient<HTTP2ClientTransport.Posix>, task: Task<Void, Never>)?

    init(resolve: @escaping Resolve, caPath: String?, logger: Logger) {
        self.resolve = resolve
        self.caPath = caPath
        self.logger = logger
    }

    /// The client of the leader now: its address is read at every call, so that a call made after a takeover
    /// goes to the new leader. Throws `unavailable` (which provers and clients retry) while no leader is known.
    func client() async throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        let address: String?
        do {
            address = try await resolve()
        } catch {
            throw RPCError(
                code: .unavailable,
                message: "this gateway relays to the market's leader, whose address it cannot read: \(error)")
        }
        guard let address else {
            throw RPCError(
                code: .unavailable,
                message: "this gateway relays to the market's leader, and no gateway leads now: try again shortly")
        }
        if let current, current.address == address { return current.client }
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try GatewayEndpoint(parsing: address, caCertificatePath: caPath).makeTransport()
        } catch {
            throw RPCError(code: .unavailable, message: "the market's leader at \(address) cannot be reached: \(error)")
        }
        if let old = current {
            old.client.beginGracefulShutdown()
            logger.notice("the market's leader moved", metadata: ["from": "\(old.address)", "to": "\(address)"])
        } else {
            logger.notice("relaying to the market's leader", metadata: ["leader": "\(address)"])
        }
        let client = GRPCClient(transport: transport)
        // A connection that fails makes the calls on it fail with `unavailable`: relayed as such.
        current = (address, client, Task { try? await client.runConnections() })
        return client
    }

    /// Closes the connection to the leader at once: the calls relayed on it have ended (the relay's server was
    /// stopped first), and a leader that froze would never answer a graceful close.
    func close() async {
        guard let current else { return }
        current.client.beginGracefulShutdown()
        current.task.cancel()
        await current.task.value
        self.current = nil
    }
}
