import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetCore
import Synchronization

/// A client of a ProverNet gateway: registers circuits, submits requests, watches them, and fetches and
/// checks their proofs. It owns one gRPC connection (TLS) to each gateway it is given.
///
/// Given several gateways of one network (`init(endpoints:)`, gateways on one PostgreSQL), it calls the
/// first, and when a gateway cannot be reached (`unavailable`: refused, dropped, dead) it goes on with the
/// next for every call that may be repeated: reads, watching, cancelling, registering (a circuit is
/// registered once whatever the number of tries), and submitting (the client chooses the request's id, so a
/// retried submit finds the request the first try made instead of making a second). Administrative changes
/// are not retried: they fail with `unavailable`, as with one gateway.
///
/// The scoped way runs the connection for as long as a closure runs:
/// ```swift
/// let endpoint = try ProverNetClient.endpoint(gateway: "localhost:7443", ca: "devnet/ca.pem")
/// let proofs = try await ProverNetClient.withClient(endpoint: endpoint) { client in
///     let circuit = try await client.registerSyntheticCircuit(constraints: 4096)
///     let request = try await client.submit(
///         circuit: circuit.id, inputs: [#"{"x": "3", "y": "11"}"#], maxPricePerJob: 10)
///     for try await event in client.watch(request: request.id) { print(event.kind) }
///     return try await client.fetch(request.id, to: URL(fileURLWithPath: "proofs"))
/// }
/// ```
/// Or explicitly: `let client = try ProverNetClient(endpoint:)`, `client.start()`, calls, `await client.close()`.
public final class ProverNetClient: Sendable {
    /// How the client talks to the gateway. Every value has a documented default.
    public struct Configuration: Sendable {
        /// How long a unary call (submit, get, cancel) may take before it fails with `deadlineExceeded`.
        /// Default: 30 seconds. Registration and watching have no time limit.
        public var callTimeout: Duration
        /// Whether a call waits for the connection while the gateway cannot be reached (true), or fails at
        /// once with `unavailable` (false, the default: a command-line user wants to know).
        public var waitForGateway: Bool
        /// The network's limits: the size of artifact chunks and of messages. Default: `NetworkLimits.default`.
        public var limits: NetworkLimits
        /// The largest answer accepted from the gateway: a request's proofs come in one message, about 1 KiB
        /// each. Default: 64 MiB.
        public var maxResponseBytes: Int
        /// The API key every call carries (`pnk_<id>_<secret>`, as `authorization: Bearer …`). Default: none
        /// (the gateway then answers `unauthenticated`).
        public var apiKey: String?
        /// With several gateways: for how long a call that may be repeated goes round the gateways while none
        /// can be reached, before it fails with `unavailable`. Default: 15 seconds, above the bound of a
        /// takeover (a follower that takes over stops listening for a moment, and the leader's death may have
        /// been the reason the others failed too).
        public var failoverTime: Duration

        public init(
            callTimeout: Duration = .seconds(30), waitForGateway: Bool = false, limits: NetworkLimits = .default,
            maxResponseBytes: Int = 64 << 20, apiKey: String? = nil, failoverTime: Duration = .seconds(15)
        ) {
            self.failoverTime = failoverTime
            self.callTimeout = callTimeout
            self.waitForGateway = waitForGateway
            self.limits = limits
            self.maxResponseBytes = maxResponseBytes
            self.apiKey = apiKey
        }
    }

    /// The gateways this client talks to, in the order it tries them (at least one).
    public let endpoints: [GatewayEndpoint]
    public let configuration: Configuration

    /// One connection per gateway, in the order of `endpoints`.
    let gateways: [GRPCClient<HTTP2ClientTransport.Posix>]
    /// The index of the gateway the calls go to now: moved on when one is found unreachable.
    private let current = Mutex(0)
    /// The task that runs the connections after `start()`; `close()` waits for it.
    private let connection = Mutex<Task<Void, Never>?>(nil)

    /// The gateway the calls go to now.
    public var endpoint: GatewayEndpoint { endpoints[current.withLock { $0 }] }
    /// The connection to the gateway the calls go to now.
    var grpc: GRPCClient<HTTP2ClientTransport.Posix> { gateways[current.withLock { $0 }] }
    /// The client service over the connection the calls go to now.
    var service: Provernet_V1_ClientService.Client<HTTP2ClientTransport.Posix> {
        Provernet_V1_ClientService.Client(wrapping: grpc)
    }

    /// A client of the gateway at `endpoint`, not yet connected: call `start()` (or use `withClient`).
    public convenience init(endpoint: GatewayEndpoint, configuration: Configuration = Configuration())
        throws(ProverNetClientError)
    {
        try self.init(endpoints: [endpoint], configuration: configuration)
    }

    /// A client of the gateways at `endpoints` (of one network, in the order to try them), not yet connected.
    public init(endpoints: [GatewayEndpoint], configuration: Configuration = Configuration())
        throws(ProverNetClientError)
    {
        guard !endpoints.isEmpty else {
            throw .invalidArgument(name: "gateways", value: "none", reason: "at least one gateway is needed")
        }
        var gateways: [GRPCClient<HTTP2ClientTransport.Posix>] = []
        for endpoint in endpoints {
            if let path = endpoint.caCertificatePath, !FileManager.default.isReadableFile(atPath: path) {
                let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable" : "no such file"
                throw .unreadableCACertificate(path: path, reason: reason)
            }
            let transport: HTTP2ClientTransport.Posix
            do {
                transport = try endpoint.makeTransport()
            } catch {
                throw .transport(gateway: endpoint.description, reason: "\(error)")
            }
            gateways.append(
                GRPCClient(
                    transport: transport,
                    interceptors: (configuration.apiKey ?? endpoint.apiKey).map { [APIKeyInterceptor(key: $0)] } ?? []
                ))
        }
        self.endpoints = endpoints
        self.configuration = configuration
        self.gateways = gateways
    }

    /// The endpoints for a list of `HOST:PORT` addresses (each item may itself be a comma-separated list,
    /// as `--gateway A,B` or `--gateway A --gateway B` give them), all trusting the same CA.
    public static func endpoints(gateways: [String], ca: String?, serverName: String? = nil)
        throws(ProverNetClientError) -> [GatewayEndpoint]
    {
        let addresses = GatewayAddressList.split(gateways)
        guard !addresses.isEmpty else { throw .invalidGatewayAddress(gateways.joined(separator: ",")) }
        var endpoints: [GatewayEndpoint] = []
        for address in addresses {
            endpoints.append(try endpoint(gateway: address, ca: ca, serverName: serverName))
        }
        return endpoints
    }

    /// The endpoint for a `HOST:PORT` address and the path of the CA certificate (PEM) that signed the
    /// gateway's certificate (nil: the system's trust roots), and the DNS name the certificate must carry
    /// when it is not the host (nil: the host).
    public static func endpoint(gateway: String, ca: String?, serverName: String? = nil) throws(ProverNetClientError)
        -> GatewayEndpoint
    {
        do {
            return try GatewayEndpoint(parsing: gateway, caCertificatePath: ca, serverName: serverName)
        } catch .invalidServerName(let name) {
            throw .invalidArgument(
                name: "--tls-server-name", value: name,
                reason: "not a DNS name (an address is checked as the address connected to)")
        } catch {
            throw .invalidGatewayAddress(gateway)
        }
    }

    /// Starts connecting to the gateways in a task that the client owns. Calling it again does nothing.
    public func start() {
        connection.withLock { task in
            guard task == nil else { return }
            let gateways = self.gateways
            // A connection that fails makes every call fail with `unavailable`; that is where it is reported.
            task = Task {
                await withDiscardingTaskGroup { group in
                    for grpc in gateways { group.addTask { try? await grpc.runConnections() } }
                }
            }
        }
    }

    /// Stops taking new calls, lets the calls in flight finish, and returns when the connections are closed.
    /// The client cannot be started again.
    public func close() async {
        for grpc in gateways { grpc.beginGracefulShutdown() }
        let task = connection.withLock { $0 }
        await task?.value
    }

    /// Runs `body` with a client connected to `endpoint`, and closes the connection (after the calls in
    /// flight) when `body` returns or throws.
    public static func withClient<Result: Sendable>(
        endpoint: GatewayEndpoint, configuration: Configuration = Configuration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProverNetClient) async throws -> Result
    ) async throws -> Result {
        try await withClient(endpoints: [endpoint], configuration: configuration, body)
    }

    /// Runs `body` with a client connected to the gateways at `endpoints` (see `init(endpoints:)`), and
    /// closes the connections (after the calls in flight) when `body` returns or throws.
    public static func withClient<Result: Sendable>(
        endpoints: [GatewayEndpoint], configuration: Configuration = Configuration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (ProverNetClient) async throws -> Result
    ) async throws -> Result {
        let client = try ProverNetClient(endpoints: endpoints, configuration: configuration)
        return try await withThrowingDiscardingTaskGroup { group in
            for grpc in client.gateways { group.addTask { try await grpc.runConnections() } }
            defer { for grpc in client.gateways { grpc.beginGracefulShutdown() } }
            return try await body(client)
        }
    }

    /// Options for a unary call.
    var unaryOptions: CallOptions {
        var options = CallOptions.provernet(maxMessageBytes: configuration.limits.maxMessageBytes)
        options.maxResponseMessageBytes = max(configuration.maxResponseBytes, configuration.limits.maxMessageBytes)
        options.timeout = configuration.callTimeout
        options.waitForReady = configuration.waitForGateway
        return options
    }

    /// Options for a call that streams for as long as it needs (registration, watching).
    var streamingOptions: CallOptions {
        var options = unaryOptions
        options.timeout = nil
        return options
    }

    /// Runs one gRPC call, turning whatever it throws into a `ProverNetClientError`. A call that may be
    /// repeated (`retried`) and finds its gateway unreachable is made again on the next gateway, round the
    /// list for up to `failoverTime` from the first failure (with a pause after each round, which leaves a
    /// follower the time to take over from a dead leader); `body` reads `service` or `grpc` when it runs,
    /// so each try goes to the gateway of the moment.
    func call<T: Sendable>(_ name: String, retried: Bool = false, _ body: () async throws -> T)
        async throws(ProverNetClientError) -> T
    {
        let failsOver = retried && gateways.count > 1
        var firstFailure: ContinuousClock.Instant?
        var failures = 0
        while true {
            let index = current.withLock { $0 }
            do {
                return try await body()
            } catch {
                let failure = ProverNetClientError(error, call: name, endpoint: endpoints[index])
                guard failsOver, case .gateway(_, .unavailable, _) = failure, !Task.isCancelled else { throw failure }
                let first = firstFailure ?? .now
                firstFailure = first
                guard ContinuousClock.now - first < configuration.failoverTime else { throw failure }
                failedOver(from: index)
                failures += 1
                if failures % gateways.count == 0 { try? await Task.sleep(for: Self.roundPause) }
            }
        }
    }

    /// The pause after every gateway of the list was found unreachable once.
    static let roundPause: Duration = .milliseconds(250)

    /// Moves the calls on from the gateway at `index` to the next one (if another call has not already).
    func failedOver(from index: Int) {
        current.withLock { current in
            if current == index { current = (index + 1) % gateways.count }
        }
    }
}

/// Puts the client's API key on every call.
struct APIKeyInterceptor: ClientInterceptor {
    let key: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>, context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        request.metadata.replaceOrAddString("Bearer \(key)", forKey: "authorization")
        return try await next(request, context)
    }
}
