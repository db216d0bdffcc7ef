import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The gateway's web dashboard: a page of plain HTML, CSS and JavaScript (in `Resources/`, served from this
/// process, nothing fetched from another host) that draws the network from a JSON snapshot, kept live by
/// server-sent events.
///
/// - `GET /`: redirects to `/dashboard/`;
/// - `GET /dashboard/` (or without its slash) and its files: the page (which names its files by absolute
///   paths, so that both work);
/// - `GET /dashboard/api/snapshot`: the snapshot, once, as JSON;
/// - `GET /dashboard/events`: `text/event-stream`, one `snapshot` event at once and then every `interval`.
///
/// It knows no gateway: `snapshot` makes the JSON. Every answer forbids scripts from anywhere but this
/// page's own files (Content-Security-Policy), a second guard behind the page showing strangers' text as
/// text.
public struct Dashboard: Sendable {
    /// The JSON of one snapshot.
    let snapshot: @Sendable () async throws -> Data
    /// Time between two events of the stream.
    let interval: Duration
    /// How long one event stream lasts before the server ends it (the browser reconnects at once): a bound
    /// on what a graceful shutdown may wait for.
    let streamLifetime: Duration
    let files: [String: (contentType: String, body: ByteBuffer)]

    public init(
        interval: Duration = .seconds(1), streamLifetime: Duration = .seconds(30),
        snapshot: @escaping @Sendable () async throws -> Data
    ) throws(DashboardError) {
        self.snapshot = snapshot
        self.interval = interval
        self.streamLifetime = streamLifetime
        var files: [String: (String, ByteBuffer)] = [:]
        for (name, type) in Self.assets {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard
                let url = Bundle.module.url(forResource: parts[0], withExtension: parts[1], subdirectory: "Resources"),
                let data = try? Data(contentsOf: url)
            else { throw .missingAsset(name) }
            files[name] = (type, ByteBuffer(bytes: data))
        }
        self.files = files
    }

    /// The page's files and their content types.
    static let assets: [(String, String)] = [
        ("index.html", "text/html; charset=utf-8"), ("dashboard.css", "text/css; charset=utf-8"),
        ("dashboard.js", "text/javascript; charset=utf-8"), ("charts.js", "text/javascript; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ]

    // The two names are valid header names, so `HTTPField.Name(_:)` cannot fail on them.
    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-store",
    ]

    /// Adds the dashboard's routes.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .seeOther, headers: [.location: "/dashboard/"])
        }
        let files = self.files
        router.get("/dashboard/") { _, _ in Self.file(files, "index.html") }
        for (name, _) in Self.assets {
            router.get(RouterPath("/dashboard/\(name)")) { _, _ in Self.file(files, name) }
        }
        let snapshot = self.snapshot
        router.get("/dashboard/api/snapshot") { _, _ in
            var headers = Self.securityHeaders
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await snapshot())))
        }
        let interval = self.interval
        let lifetime = self.streamLifetime
        router.get("/dashboard/events") { _, _ in
            var headers = Self.securityHeaders
            headers[.contentType] = "text/event-stream"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    let end = ContinuousClock.now + lifetime
                    try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                    while ContinuousClock.now < end, !Task.isCancelled, !Task.isShuttingDownGracefully {
                        let json = String(decoding: try await snapshot(), as: UTF8.self)
                        // One `data:` line: the JSON has no raw newline (JSONEncoder escapes them in strings).
                        try await writer.write(ByteBuffer(string: "event: snapshot\ndata: \(json)\n\n"))
                        try? await Task.sleep(for: interval)
                    }
                    try await writer.finish(nil)
                })
        }
    }

    static func file(_ files: [String: (contentType: String, body: ByteBuffer)], _ name: String) -> Response {
        guard let file = files[name] else { return Response(status: .notFound) }
        var headers = securityHeaders
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.body))
    }
}

/// What can go wrong with the dashboard.
public enum DashboardError: Error, Sendable, CustomStringConvertible {
    /// A file of the page is not in the module's resources (a broken build or install).
    case missingAsset(String)

    public var description: String {
        switch self {
        case .missingAsset(let name): "the dashboard's \(name) is missing from its resources"
        }
    }
}
