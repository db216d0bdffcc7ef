import GRPCCore

/// A TLS failure that retrying cannot heal: the gateway's certificate does not name what the client
/// connected to, or is not signed by the CA the client trusts. A prover or client that meets one says so
/// once and stops, instead of reporting the gateway as unreachable and retrying forever.
public enum GatewayTLSProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The certificate does not carry `name` (the address connected to, or `--tls-server-name`).
    case nameNotInCertificate(gateway: String, name: String)
    /// The certificate's chain does not lead to the trusted CA (`ca`, or the system's roots when nil).
    case untrustedCertificate(gateway: String, ca: String?, detail: String)

    public var description: String {
        switch self {
        case .nameNotInCertificate(let gateway, let name):
            "the gateway's TLS certificate at \(gateway) does not name '\(name)': connect to an address or name it "
                + "carries, give --tls-server-name with a name it carries, or start the gateway with "
                + "--tls-name \(name) (development certificate) or a certificate for \(name) (--tls-cert)"
        case .untrustedCertificate(let gateway, let ca, let detail):
            if let ca {
                "the gateway's TLS certificate at \(gateway) is not signed by the CA in \(ca) (\(detail)): give --ca "
                    + "the gateway's CA certificate (for --dev-tls, DATA_DIR/tls/ca.pem on the gateway's machine)"
            } else {
                "the gateway's TLS certificate at \(gateway) is not signed by a CA this system trusts (\(detail)): "
                    + "give --ca the gateway's CA certificate"
            }
        }
    }

    /// The problem behind `error` (an `RPCError` from a call or a connection, with its causes), if it is
    /// one that retrying cannot heal; nil for anything else (a refused connection, a timeout, a reset).
    ///
    /// The transport reports TLS failures as `unavailable` with swift-nio-ssl's error as a cause; the
    /// causes are matched by what they say, so that this module needs no dependency on swift-nio-ssl.
    public static func diagnose(_ error: any Error, endpoint: GatewayEndpoint) -> GatewayTLSProblem? {
        let text = causes(of: error).joined(separator: " | ")
        if text.contains("failedToValidateHostname") || text.contains("cannotMatchULabel") {
            return .nameNotInCertificate(
                gateway: endpoint.description, name: endpoint.serverName ?? endpoint.host)
        }
        for marker in [
            "CERTIFICATE_VERIFY_FAILED", "unable to get local issuer certificate", "certificate verify failed",
        ]
        where text.contains(marker) {
            return .untrustedCertificate(
                gateway: endpoint.description, ca: endpoint.caCertificatePath,
                detail: marker == "CERTIFICATE_VERIFY_FAILED" ? "certificate verify failed" : marker)
        }
        return nil
    }

    /// What an error and each of its causes say.
    static func causes(of error: any Error) -> [String] {
        var texts: [String] = []
        var next: (any Error)? = error
        var depth = 0
        while let current = next, depth < 8 {
            texts.append(String(describing: current))
            texts.append(String(reflecting: current))
            next = (current as? RPCError)?.cause
            depth += 1
        }
        return texts
    }
}
