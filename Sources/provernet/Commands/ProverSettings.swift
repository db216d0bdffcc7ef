import Configuration
import Foundation
import HealthHTTP
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNode

/// The prover's settings as read from the configuration sources (section `prover`), checked once.
struct ProverSettings {
    var node: ProverNodeConfiguration
    var keyPath: String
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// Where the health endpoints listen; nil (the default) for none.
    var health: HealthServerConfiguration?

    init(reader: ConfigReader) throws {
        let settings = reader.scoped(to: "prover")
        func text(_ key: String) -> String? {
            // Flags and environment variables are text; a JSON file may hold numbers.
            if let value = settings.string(forKey: ConfigKey(key)) { return value }
            if let value = settings.int(forKey: ConfigKey(key)) { return String(value) }
            if let value = settings.double(forKey: ConfigKey(key)) { return String(value) }
            return nil
        }
        func required(_ key: String, flag: String) throws -> String {
            guard let value = text(key), !value.isEmpty else {
                throw ProverNodeError.configuration("--\(flag) (or prover.\(key) in the configuration) is required")
            }
            return value
        }
        func number<T: LosslessStringConvertible>(_ key: String, _ type: T.Type) throws -> T? {
            guard let value = text(key) else { return nil }
            guard let number = T(value) else {
                throw ProverNodeError.configuration("prover.\(key): '\(value)' is not a number")
            }
            return number
        }

        func amount(_ key: String) throws -> Amount? {
            guard let value = text(key) else { return nil }
            guard let amount = Amount(decimal: value) else {
                throw ProverNodeError.configuration(
                    "prover.\(key): '\(value)' is not an amount (a decimal with at most \(Amount.decimals) decimals)")
            }
            return amount
        }

        // The client commands' PROVERNET_GATEWAY and PROVERNET_CA serve the prover too when its own are unset.
        let environment = ProcessInfo.processInfo.environment
        // One address, a comma list (flag, environment, file) or a JSON array of addresses in the file.
        let gatewayItems =
            text("gateway").map { [$0] } ?? settings.stringArray(forKey: "gateway")
            ?? environment["PROVERNET_GATEWAY"].map { [$0] } ?? []
        let gatewayAddresses = GatewayAddressList.split(gatewayItems)
        guard !gatewayAddresses.isEmpty else {
            throw ProverNodeError.configuration("--gateway (or prover.gateway in the configuration) is required")
        }
        var endpoints: [GatewayEndpoint] = []
        for address in gatewayAddresses {
            var endpoint = try GatewayEndpoint(
                parsing: address, caCertificatePath: text("ca") ?? environment["PROVERNET_CA"],
                serverName: text("tlsServerName")
                    ?? environment["PROVERNET_TLS_SERVER_NAME"].flatMap { $0.isEmpty ? nil : $0 })
            switch (text("clientCertificate"), text("clientKey")) {
            case (let certificate?, let key?):
                for path in [certificate, key] where !FileManager.default.isReadableFile(atPath: path) {
                    throw ProverNodeError.configuration("cannot read the TLS client certificate or key \(path)")
                }
                endpoint.clientCertificate = .init(certificatePath: certificate, keyPath: key)
            case (nil, nil): break
            default: throw ProverNodeError.configuration("--client-cert and --client-key go together")
            }
            endpoints.append(endpoint)
        }
        let endpoint = endpoints[0]
        keyPath = try required("key", flag: "key")
        let dataDirectory = URL(fileURLWithPath: try required("dataDir", flag: "data-dir"), isDirectory: true)

        let levelText = text("logLevel") ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ProverNodeError.configuration(
                "log level '\(levelText)' is not one of \(Logger.Level.allCases.map(\.rawValue))")
        }
        logLevel = level
        logFormat = try LogFormat(setting: text("logFormat"))

        var askByClass: [JobClass: Amount] = [:]
        // Text "C=P,C=P" from a flag, the environment or the file; or a JSON array of "C=P" in the file.
        let askEntries =
            text("askClass")?.split(separator: ",").map(String.init)
            ?? settings.stringArray(forKey: "askClass") ?? []
        for entry in askEntries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let jobClass = JobClass(parts[0]), let price = Amount(decimal: parts[1]) else {
                throw ProverNodeError.configuration("ask-class '\(entry)' is not CLASS=PRICE (groth16-bn254/2^16=2.5)")
            }
            askByClass[jobClass] = price
        }

        var misbehavior: Misbehavior?
        if let value = text("misbehave") {
            guard let parsed = Misbehavior(rawValue: value) else {
                throw ProverNodeError.configuration(
                    "misbehave '\(value)' is not one of \(Misbehavior.allCases.map(\.rawValue))")
            }
            misbehavior = parsed
        }

        // The worker command: one string (split at white space) from a flag, the environment or the file, or
        // a JSON array of words in the file.
        var workerCommand = WorkerCommand.provernet()
        if let line = text("workerCommand") {
            workerCommand = try WorkerCommand(parsing: line)
        } else if let words = settings.stringArray(forKey: "workerCommand") {
            workerCommand = try WorkerCommand(words: words)
        }

        let defaults = ProverNodeConfiguration(gateway: endpoint, dataDirectory: dataDirectory)
        let slots = try number("slots", Int.self) ?? defaults.slots
        node = ProverNodeConfiguration(
            gateway: endpoint, alternateGateways: Array(endpoints.dropFirst()), dataDirectory: dataDirectory,
            name: text("name") ?? defaults.name, slots: slots,
            threadsPerJob: try number("threads", Int.self), ask: try amount("ask") ?? defaults.ask,
            askByClass: askByClass, drainSeconds: try number("drainSeconds", Double.self) ?? defaults.drainSeconds,
            workerCommand: workerCommand,
            calibrationLog2Size: try number("calibrationLog2Size", Int.self) ?? defaults.calibrationLog2Size,
            stuck: StuckPolicy(
                minimumSeconds: try number("stuckSeconds", Double.self) ?? defaults.stuck.minimumSeconds),
            misbehavior: misbehavior)
        try node.validate()
        if let port = try number("healthPort", Int.self) {
            let health = HealthServerConfiguration(host: text("healthHost") ?? "127.0.0.1", port: port)
            try health.validate()
            self.health = health
        }
    }
}
