import Foundation

/// Where a running gateway can be reached from its own machine, written to `DATA_DIR/gateway.json` once it
/// listens (`{"host": "127.0.0.1", "port": 7443, "ca": "DATA_DIR/tls/ca.pem"}`, `ca` only with development
/// TLS), so that `provernet admin allow-prover --data-dir DIR` finds the gateway of a data directory
/// without `--gateway` and `--ca`.
public struct GatewayAddressFile: Codable, Sendable, Equatable {
    /// The file's name in the data directory.
    public static let fileName = "gateway.json"

    /// A host to connect to: the listening host, or 127.0.0.1 for a gateway that listens on every address.
    public var host: String
    /// The port it listens on.
    public var port: Int
    /// The CA certificate of the gateway's development TLS, if it made one.
    public var ca: String?

    /// The address file of a gateway listening on `host:port` (a wildcard host becomes 127.0.0.1).
    public init(host: String, port: Int, ca: String?) {
        self.host = ["0.0.0.0", "::", "[::]", ""].contains(host) ? "127.0.0.1" : host
        self.port = port
        self.ca = ca
    }

    /// The file of a data directory.
    public static func path(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Writes the file (replacing it atomically).
    public func write(toDataDirectory directory: String) throws(GatewayError) {
        let path = Self.path(inDataDirectory: directory)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try (try encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Reads the file that the gateway of a data directory wrote.
    public static func read(fromDataDirectory directory: String) throws(GatewayError) -> GatewayAddressFile {
        let path = path(inDataDirectory: directory)
        do {
            return try JSONDecoder().decode(GatewayAddressFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .configuration(
                "cannot read \(path) (where the running gateway listens; give --gateway and --ca instead): \(error.localizedDescription)"
            )
        }
    }
}
