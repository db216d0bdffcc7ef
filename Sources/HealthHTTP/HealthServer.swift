import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The health endpoints of one process over plain HTTP, as a `Service`:
///
/// - `GET /livez`: 200 `ok` while the process's own loops run, else 503 with its state;
/// - `GET /readyz`: 200 `ok` when it can do its job now, else 503 with its state;
/// - `GET /health`: 200 with the details as JSON (snake_case keys, sorted), whatever the state.
///
/// With `metrics`, `GET /metrics` answers its text in Prometheus's exposition format; `routes` adds more
/// (the gateway's dashboard).
///
/// Each request runs `check` afresh, so the answers are never stale. Put it before the service it watches
/// in a `ServiceGroup`: services shut down in reverse order, so it still answers (503, `draining`) while
/// that service drains.
public struct HealthServer: Service {
    public let configuration: HealthServerConfiguration
    let check: @Sendable () async -> HealthReport
    let logger: Logger
    let onListening: @Sendable (String, Int) -> Void
    let metrics: (@Sendable () async -> String)?
    let routes: (@Sendable (Router<BasicRequestContext>) -> Void)?

    /// - Parameters:
    ///   - metrics: the text of `GET /metrics`, asked once per scrape; nil for no such endpoint.
    ///   - routes: adds more routes to the router.
    ///   - check: what the endpoints report, asked once per request.
    ///   - onListening: called once with the host and the port bound (the port chosen, when configured 0).
    public init(
        configuration: HealthServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in },
        metrics: (@Sendable () async -> String)? = nil,
        routes: (@Sendable (Router<BasicRequestContext>) -> Void)? = nil,
        check: @escaping @Sendable () async -> HealthReport
    ) throws(HealthServerError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.check = check
        self.metrics = metrics
        self.routes = routes
    }

    public func run() async throws {
        let check = self.check
        let router = Router()
        router.get("livez") { _, _ in
            let report = await check()
            return Self.text(report.live ? .ok : .serviceUnavailable, report.live ? "ok" : report.state)
        }
        router.get("readyz") { _, _ in
            let report = await check()
            return Self.text(report.ready ? .ok : .serviceUnavailable, report.ready ? report.readyText : report.state)
        }
        router.get("health") { _, _ in
            let report = await check()
            return try Self.json(report.details)
        }
        if let metrics {
            router.get("metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: Self.prometheusContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: await metrics())))
            }
        }
        routes?(router)
        let host = configuration.host
        let port = configuration.port
        let logger = self.logger
        let onListening = self.onListening
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info(
                    "health endpoints listening on http://\(host):\(bound)", metadata: ["health_port": "\(bound)"])
                onListening(host, bound)
            },
            logger: logger)
        try await application.run()
    }

    /// Prometheus's text exposition format, version 0.0.4.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func json(_ details: any Encodable & Sendable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(details)
        data.append(UInt8(ascii: "\n"))
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HealthServer: CustomStringConvertible {
    /// What the service group's logs name this service by.
    public var description: String { "HealthServer(\(configuration.host):\(configuration.port))" }
}
