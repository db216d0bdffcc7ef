import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetCore
import Synchronization

/// A client of a ProverNet gateway: registers circuits, submits requests, watches them, and fetches and
/// checks their proofs. It owns one gRPC connection (TLS) to the gateway.
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

        public init(
            callTimeout: Duration = .seconds(30), waitForGateway: Bool = false, limits: NetworkLimits = .default,
            maxResponseBytes: Int = 64 << 20, apiKey: String? = nil
        ) {
            self.callTimeout = callTimeout
            self.waitForGateway = waitForGateway
            self.limits = limits
            self.maxResponseBytes = maxResponseBytes
            self.apiKey = apiKey
        }
    }

    /// The gateway this client talks to.
    public let endpoint: GatewayEndpoint
    public let configuration: Configuration

    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let service: Provernet_V1_ClientService.Client<HTTP2ClientTransport.Posix>
    /// The task that runs the connection after `start()`; `close()` waits for it.
    private let connection = Mutex<Task<Void, Never>?>(nil)

    /// A client of the gateway at `endpoint`, not yet connected: call `start()` (or use `withClient`).
    public init(endpoint: GatewayEndpoint, configuration: Configuration = Configuration()) throws(ProverNetClientError)
    {
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
        self.endpoint = endpoint
        self.configuration = configuration
        self.grpc = GRPCClient(
            transport: transport,
            interceptors: (configuration.apiKey ?? endpoint.apiKey).map { [APIKeyInterceptor(key: $0)] } ?? [])
        self.service = Provernet_V1_ClientService.Client(wrapping: grpc)
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

    /// Starts connecting to the gateway in a task that the client owns. Calling it again does nothing.
    public func start() {
        connection.withLock { task in
            guard task == nil else { return }
            let grpc = self.grpc
            // A connection that fails makes every call fail with `unavailable`; that is where it is reported.
            task = Task { try? await grpc.runConnections() }
        }
    }

    /// Stops taking new calls, lets the calls in flight finish, and returns when the connection is closed.
    /// The client cannot be started again.
    public func close() async {
        grpc.beginGracefulShutdown()
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
        let client = try ProverNetClient(endpoint: endpoint, configuration: configuration)
        return try await withThrowingDiscardingTaskGroup { group in
            let grpc = client.grpc
            group.addTask { try await grpc.runConnections() }
            defer { grpc.beginGracefulShutdown() }
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

    /// Runs one gRPC call, turning whatever it throws into a `ProverNetClientError`.
    func call<T: Sendable>(_ name: String, _ body: () async throws -> T) async throws(ProverNetClientError) -> T {
        do {
            return try await body()
        } catch {
            throw ProverNetClientError(error, call: name, endpoint: endpoint)
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
