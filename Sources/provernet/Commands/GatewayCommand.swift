import ArgumentParser
import Configuration
import Foundation
import Gateway
import Logging
import ServiceLifecycle
import UnixSignals

/// `provernet gateway`: runs a gateway until SIGINT/SIGTERM, then drains and stops cleanly.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run a gateway: gRPC over TLS for clients and provers, the market, verification, SQLite state.",
        discussion: """
            Settings come from flags, then environment variables PROVERNET_GATEWAY_<KEY> (for example \
            PROVERNET_GATEWAY_PORT), then the JSON file given with --config ({"gateway": {"port": 7443}}), then \
            the defaults. Once listening it prints one JSON line on standard output: \
            {"event":"listening","host":…,"port":…,"ca":…}.
            """)

    @Option(help: "A JSON configuration file.") var config: String?
    @Option(help: "Where the database and the artifacts live (key gateway.dataDirectory).") var dataDir: String?
    @Option(help: "The address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "The port (default 7443; 0 picks a free one).") var port: Int?
    @Option(help: "The TLS certificate chain (PEM).") var tlsCert: String?
    @Option(help: "The TLS private key (PEM).") var tlsKey: String?
    @Flag(help: "Make (or reuse) a development CA and a localhost certificate in DATA_DIR/tls.") var devTls = false
    @Option(help: "Milliseconds between market rounds (default 250).") var roundIntervalMs: Int?
    @Option(help: "Milliseconds between prover heartbeats (default 2000).") var heartbeatMs: Int?
    @Option(help: "Heartbeats a lease survives without one (default 4).") var leaseHeartbeats: Int?
    @Option(help: "Failed attempts before a job fails its request (default 3).") var maxAttempts: Int?
    @Option(help: "The reserve price per unit of work (one 2^12 proof; default 2.0).") var reservePrice: Double?
    @Option(help: "Seconds a graceful shutdown waits for running jobs (default 30).") var drainSeconds: Double?
    @Option(help: "The SnarkPack reference string with which requests are aggregated (`provernet snarkpack srs`); without it, requests for aggregation are refused.")
    var snarkpackSrs: String?
    @Option(help: "trace, debug, info, notice, warning, error (default info).") var logLevel: String?

    func run() async throws {
        let flags: [String: String?] = [
            "gateway.dataDirectory": dataDir, "gateway.host": host, "gateway.port": port.map(String.init),
            "gateway.tlsCertificate": tlsCert, "gateway.tlsKey": tlsKey, "gateway.developmentTLS": devTls ? "true" : nil,
            "gateway.roundIntervalMillis": roundIntervalMs.map(String.init),
            "gateway.heartbeatMillis": heartbeatMs.map(String.init),
            "gateway.leaseHeartbeats": leaseHeartbeats.map(String.init), "gateway.maxAttempts": maxAttempts.map(String.init),
            "gateway.reservePrice": reservePrice.map { String($0) }, "gateway.drainSeconds": drainSeconds.map { String($0) },
            "gateway.logLevel": logLevel, "gateway.snarkpackSRS": snarkpackSrs,
        ]
        let reader: ConfigReader
        do {
            reader = try await ConfigurationSources.reader(file: config, flags: flags)
        } catch {
            throw failure("configuration: \(error)")
        }
        let settings = try GatewaySettings(reader.scoped(to: "gateway"))
        bootstrapLogging(level: settings.logLevel)
        let logger = Logger(label: "provernet.gateway")
        let server: GatewayServer
        do {
            server = try GatewayServer(configuration: settings.configuration, logger: logger) { host, port in
                Self.announceListening(host: host, port: port, ca: nil)
            }
        } catch {
            throw failure("\(error)")
        }
        if let ca = server.developmentCAPath { note("development CA for provers and clients: \(ca)") }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            throw failure("gateway stopped: \(error)")
        }
    }

    static func announceListening(host: String, port: Int, ca: String?) {
        var line = "{\"event\":\"listening\",\"host\":\"\(host)\",\"port\":\(port)"
        if let ca { line += ",\"ca\":\"\(ca)\"" }
        FileHandle.standardOutput.write(Data((line + "}\n").utf8))
    }
}

/// The gateway's settings as read from the configuration sources.
struct GatewaySettings {
    var configuration: GatewayConfiguration
    var logLevel: Logger.Level

    init(_ config: ConfigReader) throws {
        guard let dataDirectory = config.string(forKey: "dataDirectory") else {
            throw failure("no data directory: pass --data-dir, set PROVERNET_GATEWAY_DATADIRECTORY or gateway.dataDirectory in --config")
        }
        var c = GatewayConfiguration(dataDirectory: dataDirectory)
        c.host = config.string(forKey: "host", default: c.host)
        c.port = try Self.int(config, "port", c.port)
        c.tlsCertificatePath = config.string(forKey: "tlsCertificate")
        c.tlsKeyPath = config.string(forKey: "tlsKey")
        c.developmentTLS = config.string(forKey: "developmentTLS").map { $0 == "true" || $0 == "1" } ?? false
        c.roundInterval = .milliseconds(try Self.int(config, "roundIntervalMillis", 250))
        c.heartbeatInterval = .milliseconds(try Self.int(config, "heartbeatMillis", 2000))
        c.leaseHeartbeats = try Self.int(config, "leaseHeartbeats", c.leaseHeartbeats)
        c.maxAttempts = try Self.int(config, "maxAttempts", c.maxAttempts)
        c.reservePricePerUnit = try Self.double(config, "reservePrice", c.reservePricePerUnit)
        c.drainSeconds = try Self.double(config, "drainSeconds", c.drainSeconds)
        c.snarkpackSRSPath = config.string(forKey: "snarkpackSRS")
        do {
            try c.validate()
        } catch {
            throw failure("\(error)")
        }
        configuration = c
        let level = config.string(forKey: "logLevel", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else { throw failure("log level '\(level)' is not one of trace, debug, info, notice, warning, error, critical") }
        logLevel = parsed
    }

    static func int(_ config: ConfigReader, _ key: String, _ fallback: Int) throws -> Int {
        guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
        guard let value = Int(text) else { throw failure("gateway.\(key) = '\(text)' is not an integer") }
        return value
    }

    static func double(_ config: ConfigReader, _ key: String, _ fallback: Double) throws -> Double {
        guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
        guard let value = Double(text), value.isFinite else { throw failure("gateway.\(key) = '\(text)' is not a number") }
        return value
    }
}

/// Logs to standard error with the given level, once per process.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
