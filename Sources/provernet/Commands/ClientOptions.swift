import ArgumentParser
import Foundation
import ProverNetAPI
import ProverNetClient

/// The options every client command takes: where the gateway is and which CA vouches for it, from the
/// flags or else from `PROVERNET_GATEWAY` and `PROVERNET_CA`.
struct ClientGatewayOptions: ParsableArguments {
    @Option(help: "The gateway's HOST:PORT (default: $PROVERNET_GATEWAY).")
    var gateway: String?

    @Option(
        help:
            "The CA certificate (PEM) that signed the gateway's certificate (default: $PROVERNET_CA; else the system's roots)."
    )
    var ca: String?

    @Option(
        help:
            "The DNS name the gateway's certificate must carry, when it is not the host of --gateway (default: $PROVERNET_TLS_SERVER_NAME)."
    )
    var tlsServerName: String?

    /// The endpoint, or exit status 2 with the reason.
    func endpoint() throws -> GatewayEndpoint {
        let environment = ProcessInfo.processInfo.environment
        guard let address = gateway ?? environment["PROVERNET_GATEWAY"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw failure("no gateway: pass --gateway HOST:PORT or set PROVERNET_GATEWAY")
        }
        let caPath = ca ?? environment["PROVERNET_CA"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let serverName = tlsServerName ?? environment["PROVERNET_TLS_SERVER_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            return try ProverNetClient.endpoint(gateway: address, ca: caPath, serverName: serverName)
        } catch {
            throw failure(error.description)
        }
    }

    /// Runs `body` with a client connected to the gateway; a `ProverNetClientError` becomes its one-line
    /// reason and exit status 2.
    func withClient<Result: Sendable>(_ body: (ProverNetClient) async throws -> Result) async throws -> Result {
        let endpoint = try endpoint()
        do {
            return try await ProverNetClient.withClient(endpoint: endpoint) { client in try await body(client) }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ProverNetClientError {
            throw failure(error.description)
        } catch {
            throw failure("\(error)")
        }
    }
}

/// What the client commands print on standard output: one JSON object per result, for scripts.
enum ClientOutput {
    /// Prints `object` as one line of JSON with sorted keys.
    static func printJSON(_ object: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(object)
        print(String(decoding: data, as: UTF8.self))
    }
}
