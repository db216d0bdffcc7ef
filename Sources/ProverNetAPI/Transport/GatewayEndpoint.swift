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
    /// The API key a client presents on every call (`pnk_…`), unless its configuration names one. Never
    /// printed.
    public var apiKey: String?
    /// A TLS client certificate chain and its private key (PEM files) to present: what a gateway started with
    /// `--prover-client-ca` asks of provers on its prover port.
    public var clientCertificate: ClientCertificate?

    /// The PEM files of a TLS client certificate chain and its private key.
    public struct ClientCertificate: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    public init(
        host: String, port: Int, caCertificatePath: String? = nil, serverName: String? = nil, apiKey: String? = nil
    ) {
        self.host = host
        self.port = port
        self.caCertificatePath = caCertificatePath
        self.serverName = serverName
        self.apiKey = apiKey
    }

    /// The same endpoint, presenting another API key.
    public func presenting(_ apiKey: String?) -> GatewayEndpoint {
        var copy = self
        copy.apiKey = apiKey
        return copy
    }

    /// Parses `HOST:PORT` (IPv6 hosts in brackets: `[::1]:7443`); `serverName`, when given, is the DNS name
    /// the gateway's certificate must carry instead of the host (an address is always checked as itself).
    public init(parsing text: String, caCertificatePath: String? = nil, serverName: String? = nil)
        throws(GatewayEndpointError)
    {
        if let serverName {
            guard !serverName.isEmpty, !Self.isIPAddress(serverName), !serverName.contains(where: \.isWhitespace)
            else { throw .invalidServerName(serverName) }
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw .malformed(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .malformed(text) }
        self.init(host: host, port: port, caCertificatePath: caCertificatePath, serverName: serverName)
    }

    /// Whether `text` is an IPv4 or IPv6 literal (which TLS checks as an address, never as a server name).
    static func isIPAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return text.contains(":") || (parts.count == 4 && parts.allSatisfy { UInt8($0) != nil })
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// A TLS client transport to the gateway.
    public func makeTransport() throws -> HTTP2ClientTransport.Posix {
        // An IP literal must not go into TLS's server name indication: connect to it as an address, and
        // the certificate is checked against the address (the development certificate names the gateway's
        // addresses), unless a server name is given: then the certificate must carry that name.
        let target: any ResolvableTarget =
            host.contains(":")
            ? .ipv6(address: host, port: port)
            : Self.isIPAddress(host) ? .ipv4(address: host, port: port) : .dns(host: host, port: port)
        let serverName = self.serverName
        let clientCertificate = self.clientCertificate
        return try HTTP2ClientTransport.Posix(
            target: target,
            transportSecurity: .tls { tls in
                if let caCertificatePath {
                    tls.trustRoots = .certificates([.file(path: caCertificatePath, format: .pem)])
                }
                if let clientCertificate {
                    tls.certificateChain = [.file(path: clientCertificate.certificatePath, format: .pem)]
                    tls.privateKey = .file(path: clientCertificate.keyPath, format: .pem)
                }
            },
            config: .defaults { config in
                if let serverName { config.http2.authority = serverName }
                config.backoff.initial = .milliseconds(100)
                config.backoff.max = .seconds(2)
            }
        )
    }
}

public enum GatewayEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case invalidServerName(String)

    public var description: String {
        switch self {
        case .malformed(let text): "gateway address '\(text)' is not HOST:PORT"
        case .invalidServerName(let name):
            "TLS server name '\(name)' is not a DNS name (an address is checked as the address connected to)"
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
