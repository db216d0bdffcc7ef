import ArgumentParser
import Foundation
import ProverNetAPI
import ProverNetClient
import ProverNetCrypto

/// The options every client command takes: where the gateway is and which CA vouches for it, from the
/// flags or else from `PROVERNET_GATEWAY` and `PROVERNET_CA`.
struct ClientGatewayOptions: ParsableArguments {
    @Option(
        help:
            "The gateway's HOST:PORT (default: $PROVERNET_GATEWAY); several gateways of one network: repeat it or give a comma list, and a call goes on through the next when one cannot be reached."
    )
    var gateway: [String] = []

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

    @Option(
        help:
            "A file holding the API key to call with (pnk_…; default: $PROVERNET_API_KEY, else $PROVERNET_API_KEY_FILE)."
    )
    var apiKeyFile: String?

    /// The API key: from --api-key-file, PROVERNET_API_KEY or PROVERNET_API_KEY_FILE (nil: none).
    func apiKey() throws -> String? {
        try APIKeyOption.read(file: apiKeyFile)
    }

    /// The first endpoint, or exit status 2 with the reason.
    func endpoint() throws -> GatewayEndpoint {
        try endpoints()[0]
    }

    /// The endpoints (at least one, in the order given), or exit status 2 with the reason.
    func endpoints() throws -> [GatewayEndpoint] {
        let environment = ProcessInfo.processInfo.environment
        let items = gateway.isEmpty ? environment["PROVERNET_GATEWAY"].map { [$0] } ?? [] : gateway
        guard !GatewayAddressList.split(items).isEmpty else {
            throw failure("no gateway: pass --gateway HOST:PORT or set PROVERNET_GATEWAY")
        }
        let caPath = ca ?? environment["PROVERNET_CA"].flatMap { $0.isEmpty ? nil : $0 }
        let key = try apiKey()
        do {
            let serverName = tlsServerName ?? environment["PROVERNET_TLS_SERVER_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            return try ProverNetClient.endpoints(gateways: items, ca: caPath, serverName: serverName).map {
                $0.presenting(key)
            }
        } catch {
            throw failure(error.description)
        }
    }

    /// Runs `body` with a client connected to the gateway; a `ProverNetClientError` becomes its one-line
    /// reason and exit status 2.
    func withClient<Result: Sendable>(_ body: (ProverNetClient) async throws -> Result) async throws -> Result {
        let endpoints = try endpoints()
        do {
            return try await ProverNetClient.withClient(endpoints: endpoints) { client in try await body(client) }
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ProverNetClientError {
            throw failure(error.description)
        } catch {
            throw failure("\(error)")
        }
    }
}

/// Where a command finds its API key: a file named by a flag, `PROVERNET_API_KEY`, or a file named by
/// `PROVERNET_API_KEY_FILE`. A key is never taken on the command line, where other users of the machine
/// could read it (`ps`) and the shell's history would keep it.
enum APIKeyOption {
    static func read(file: String?) throws -> String? {
        let environment = ProcessInfo.processInfo.environment
        let path = file ?? environment["PROVERNET_API_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let text: String
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw failure("cannot read the API key file \(path)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if let value = environment["PROVERNET_API_KEY"], !value.isEmpty {
            text = value
        } else {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard APIKeySecret(text: trimmed) != nil else {
            throw failure("the API key\(path.map { " in \($0)" } ?? "") is not of the form pnk_<16 hex>_<64 hex>")
        }
        return trimmed
    }
}

/// The one-time code an administrative change needs.
struct OneTimeCodeOption: ParsableArguments {
    @Option(
        help:
            "A current one-time code from the admin key's authenticator (6 digits; default: $PROVERNET_OTP). Each code works once."
    )
    var otp: String?

    func code() throws -> String {
        guard let code = otp ?? ProcessInfo.processInfo.environment["PROVERNET_OTP"].flatMap({ $0.isEmpty ? nil : $0 })
        else {
            throw failure(
                "an administrative change needs --otp CODE, the current code of the admin key's authenticator")
        }
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
            throw failure("--otp must be 6 digits, got '\(code.prefix(20))'")
        }
        return code
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
