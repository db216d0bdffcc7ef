import GRPCCore
import GRPCNIOTransportHTTP2

/// Where a gateway listens and how to trust it: what provers, clients and administrators need to
/// connect. TLS always; the trust root is the PEM file of the CA that signed the gateway's
/// certificate (for a devnet, the development CA that `provernet devnet` writes).
public struct GatewayEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The CA certificate (PEM) to trust; nil trusts the system's roots.
    public var caCertificatePath: String?
    /// The name the gateway's certificate must carry (default: the host).
    public var serverName: String?

    public init(host: String, port: Int, caCertificatePath: String? = nil, serverName: String? = nil) {
        self.host = host
        self.port = port
        self.caCertificatePath = caCertificatePath
        self.serverName = serverName
    }

    /// Parses `HOST:PORT` (IPv6 hosts in brackets: `[::1]:7443`).
    public init(parsing text: String, caCertificatePath: String? = nil) throws(GatewayEndpointError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw .malformed(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .malformed(text) }
        self.init(host: host, port: port, caCertificatePath: caCertificatePath)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// A TLS client transport to the gateway.
    public func makeTransport() throws -> HTTP2ClientTransport.Posix {
        // An IP literal must not go into TLS's server name indication: connect to it as an address, and
        // the certificate is checked against the address (the development certificate names 127.0.0.1).
        let isIPv4 = host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        let target: any ResolvableTarget =
            host.contains(":")
            ? .ipv6(address: host, port: port)
            : isIPv4 ? .ipv4(address: host, port: port) : .dns(host: host, port: port)
        return try HTTP2ClientTransport.Posix(
            target: target,
            transportSecurity: .tls { tls in
                if let caCertificatePath {
                    tls.trustRoots = .certificates([.file(path: caCertificatePath, format: .pem)])
                }
            },
            config: .defaults { config in
                config.backoff.initial = .milliseconds(100)
                config.backoff.max = .seconds(2)
            }
        )
    }
}

public enum GatewayEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let text): "gateway address '\(text)' is not HOST:PORT"
        }
    }
}

extension CallOptions {
    /// Call options with the network's message size limits on both directions.
    public static func provernet(maxMessageBytes: Int = 4 << 20) -> CallOptions {
        var options = CallOptions.defaults
        options.maxRequestMessageBytes = maxMessageBytes
        options.maxResponseMessageBytes = maxMessageBytes
        return options
    }
}
