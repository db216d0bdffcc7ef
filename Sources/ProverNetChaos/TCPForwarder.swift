import Logging
import NIOCore
import NIOPosix
import ProverNetTesting
import Synchronization

/// A TCP forwarder on loopback that one prover connects through instead of connecting to the gateway
/// directly, so that a scenario can cut the prover's network and restore it: `cut()` closes every
/// connection through it (both sides) and refuses new ones until `restore()`; `holdToProver()` keeps
/// what the gateway sends from reaching the prover (a slow network, one way) until `releaseToProver()`.
/// The bytes (TLS) pass through untouched.
///
/// Each accepted connection gets a connection to the gateway on the same event loop and a `Relay` on
/// each side that writes what it reads to the other. (Plain handlers rather than async channels: an
/// async channel accepted just as the listener closes would be dropped unfinished, which NIO traps.)
final class TCPForwarder: Sendable {
    /// The port to connect to instead of the gateway's.
    let port: Int
    /// The gateway's port on 127.0.0.1.
    let targetPort: Int
    private let logger: Logger
    private let state = Mutex(State())
    private let listener = Mutex<(any Channel)?>(nil)

    private struct State {
        var cut = false
        /// Whether bytes from the gateway wait (unread, in the sockets' buffers) before going to the prover.
        var heldToProver = false
        var nextID = 0
        /// Every open connection: the prover's side and the gateway's, by id.
        var open: [Int: (prover: any Channel, gateway: any Channel)] = [:]
        var accepted = 0
    }

    private init(port: Int, targetPort: Int, logger: Logger) {
        self.port = port
        self.targetPort = targetPort
        self.logger = logger
    }

    /// Starts forwarding from a free port on 127.0.0.1 to `127.0.0.1:targetPort`.
    static func start(to targetPort: Int, logger: Logger) async throws(HarnessError) -> TCPForwarder {
        let box = Mutex<TCPForwarder?>(nil)
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    guard let forwarder = box.withLock({ $0 }) else { return child.close() }
                    return forwarder.accept(child)
                }
                .bind(host: "127.0.0.1", port: 0).get()
        } catch {
            throw .forwarder(reason: "cannot listen on 127.0.0.1: \(error)")
        }
        guard let port = server.localAddress?.port else {
            server.close(promise: nil)
            throw .forwarder(reason: "the listening socket has no port")
        }
        let forwarder = TCPForwarder(port: port, targetPort: targetPort, logger: logger)
        forwarder.listener.withLock { $0 = server }
        box.withLock { $0 = forwarder }
        logger.info("forwarder listening", metadata: ["port": "\(port)", "to": "\(targetPort)"])
        return forwarder
    }

    /// The `HOST:PORT` to give the prover.
    var address: String { "127.0.0.1:\(port)" }

    /// Sets up an accepted connection (on its event loop, before it reads): refused while cut, else
    /// connected to the gateway and relayed both ways. A failure closes it, and the prover tries again.
    private func accept(_ prover: any Channel) -> EventLoopFuture<Void> {
        let (cut, held) = state.withLock { ($0.cut, $0.heldToProver) }
        guard !cut else { return prover.close() }
        return ClientBootstrap(group: prover.eventLoop)
            .channelOption(ChannelOptions.autoRead, value: !held)
            .connect(host: "127.0.0.1", port: targetPort)
            .flatMapThrowing { gateway in
                try prover.pipeline.syncOperations.addHandler(Relay(to: gateway))
                try gateway.pipeline.syncOperations.addHandler(Relay(to: prover))
                let id: Int? = self.state.withLock { state in
                    guard !state.cut else { return nil }
                    state.nextID += 1
                    state.accepted += 1
                    state.open[state.nextID] = (prover, gateway)
                    return state.nextID
                }
                guard let id else {
                    gateway.close(promise: nil)
                    throw HarnessError.forwarder(reason: "cut while connecting")
                }
                prover.closeFuture.whenComplete { _ in _ = self.state.withLock { $0.open.removeValue(forKey: id) } }
            }
    }

    /// Closes every connection through the forwarder, both sides, and refuses new ones until `restore()`.
    func cut() {
        let channels = state.withLock { state in
            state.cut = true
            defer { state.open = [:] }
            return state.open.values.flatMap { [$0.prover, $0.gateway] }
        }
        logger.notice("forwarder cut", metadata: ["port": "\(port)", "connections_closed": "\(channels.count / 2)"])
        for channel in channels { channel.close(promise: nil) }
    }

    /// Accepts connections again.
    func restore() {
        state.withLock { $0.cut = false }
        logger.notice("forwarder restored", metadata: ["port": "\(port)"])
    }

    /// Stops reading what the gateway sends to the prover (it waits in the sockets' buffers, in order)
    /// until `releaseToProver()`; what the prover sends still goes through.
    func holdToProver() {
        let gateways = state.withLock { state in
            state.heldToProver = true
            return state.open.values.map(\.gateway)
        }
        for channel in gateways { channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        logger.notice("forwarder holds the gateway's messages to the prover", metadata: ["port": "\(port)"])
    }

    /// Lets what was held, and what comes next, go on to the prover.
    func releaseToProver() {
        let gateways = state.withLock { state in
            state.heldToProver = false
            return state.open.values.map(\.gateway)
        }
        for channel in gateways { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }
        logger.notice("forwarder releases the gateway's messages to the prover", metadata: ["port": "\(port)"])
    }

    /// How many connections it has forwarded.
    var connectionsForwarded: Int { state.withLock { $0.accepted } }

    /// Closes every connection and the listening socket.
    func stop() async {
        cut()
        let server = listener.withLock { $0 }
        try? await server?.close()
    }
}

/// Writes what its channel reads to the partner channel (on the same event loop), and closes the partner
/// when its channel closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let partner: any Channel

    init(to partner: any Channel) { self.partner = partner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(Self.unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
