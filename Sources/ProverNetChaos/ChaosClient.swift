import Foundation
import Logging
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting

/// The chaos run's client: the `ProverNetClient` library in this process, as a user's program would use
/// it, with one difference: the gateway is killed and started again during a run, so a call that finds it
/// unreachable makes a fresh connection and tries again, until the scenario's deadline.
actor ChaosClient {
    /// Whether a call may be repeated after the gateway failed to answer it: reads may, and a submission
    /// with its id chosen before the first try; a call that could act twice only when the gateway could not
    /// be reached at all.
    enum Retry: Sendable {
        case idempotent
        case onlyIfUnreachable
    }

    /// The network's gateways (one, or several on one PostgreSQL: the client goes on through the next when one
    /// is lost, as a user's client given several does).
    let endpoints: [GatewayEndpoint]
    let logger: Logger
    private var current: ProverNetClient?
    /// Counts the connections made, so that several calls failing on the same one replace it once.
    private var generation = 0
    private var closed = false

    init(endpoints: [GatewayEndpoint], logger: Logger) {
        self.endpoints = endpoints
        self.logger = logger
    }

    /// The current connection, made if there is none.
    private func connection() throws(HarnessError) -> (ProverNetClient, Int) {
        if let current { return (current, generation) }
        guard !closed else { throw .call("a call", reason: "the chaos client is closed") }
        var configuration = ProverNetClient.Configuration()
        configuration.callTimeout = .seconds(10)
        let client: ProverNetClient
        do {
            client = try ProverNetClient(endpoints: endpoints, configuration: configuration)
        } catch {
            throw .gatewayUnreachable(call: "connect", reason: error.description)
        }
        client.start()
        generation += 1
        current = client
        return (client, generation)
    }

    /// Drops the connection of `generation` (if it is still the current one) so that the next call makes a
    /// new one.
    private func drop(_ failed: Int) {
        guard failed == generation, let client = current else { return }
        current = nil
        Task { await client.close() }
    }

    /// Runs `body` with a connection; retries as `retry` allows, with a fresh connection each time, until
    /// `deadline`.
    func call<T: Sendable>(
        _ name: String, retry: Retry = .idempotent, until deadline: ContinuousClock.Instant,
        _ body: @Sendable (ProverNetClient) async throws -> T
    ) async throws(HarnessError) -> T {
        while true {
            let (client, used) = try connection()
            do {
                return try await body(client)
            } catch {
                guard let error = error as? ProverNetClientError else { throw .call(name, reason: "\(error)") }
                guard Self.isTransient(error, retry: retry) else { throw .refused(error) }
                drop(used)
                guard ContinuousClock.now < deadline, !Task.isCancelled else {
                    throw .gatewayUnreachable(call: name, reason: error.description)
                }
                logger.debug("gateway unreachable; trying again", metadata: ["call": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// Whether an error says the gateway is (for now) not there, rather than that it refused the call.
    static func isTransient(_ error: ProverNetClientError, retry: Retry) -> Bool {
        guard case .gateway(_, let status, _) = error else { return false }
        switch retry {
        case .onlyIfUnreachable: return status == .unavailable
        case .idempotent:
            return [.unavailable, .deadlineExceeded, .cancelled, .unknown, .internalError].contains(status)
        }
    }

    /// The request's events as `watch(request:)` gives them, watched again (from a fresh snapshot) whenever
    /// the stream breaks because the gateway went away, until the request ends or `deadline` passes.
    nonisolated func events(of request: RequestID, until deadline: ContinuousClock.Instant) -> AsyncStream<RequestEvent>
    {
        let (stream, continuation) = AsyncStream<RequestEvent>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            while ContinuousClock.now < deadline, !Task.isCancelled {
                guard let (client, used) = try? await connection() else { return }
                do {
                    var ended = false
                    for try await event in client.watch(request: request) {
                        continuation.yield(event)
                        ended = event.state.isFinal
                    }
                    if ended { return }
                } catch {
                    // A refusal (an unknown request) does not pass; a gateway that went away comes back.
                    guard let error = error as? ProverNetClientError, Self.isTransient(error, retry: .idempotent) else {
                        return
                    }
                    await drop(used)
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Closes the connection; calls after this fail. It does not wait: a watch still open would hold a
    /// graceful close until its request ends, and the network is about to be stopped anyway.
    func close() {
        closed = true
        guard let client = current else { return }
        current = nil
        Task { await client.close() }
    }
}
