import Dashboard
import Foundation
import Gateway
import HealthHTTP
import Hummingbird
import Logging

/// The gateway's plain-HTTP endpoints, as `gateway --health-port` and `devnet` serve them: `/livez`,
/// `/readyz`, `/health`, `/metrics`, and with `dashboard` the web dashboard under `/dashboard/`.
enum GatewayHTTP {
    static func service(
        _ server: GatewayServer, configuration: HealthServerConfiguration, dashboard: Bool, logger: Logger,
        onListening: @escaping @Sendable (String, Int) -> Void
    ) throws -> HealthServer {
        var routes: (@Sendable (Router<BasicRequestContext>) -> Void)?
        if dashboard {
            let pages = try Dashboard {
                let encoder = JSONEncoder()
                encoder.keyEncodingStrategy = .convertToSnakeCase
                return try encoder.encode(try await server.dashboardSnapshot())
            }
            routes = { pages.addRoutes(to: $0) }
        }
        return try HealthServer(
            configuration: configuration, logger: logger, onListening: onListening,
            metrics: { await server.metricsExposition() }, routes: routes,
            check: {
                let health = await server.health()
                return HealthReport(
                    live: health.live, ready: health.ready, state: health.state.rawValue, details: health,
                    readyText: health.readyText)
            })
    }
}
