import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

/// `provernet admin allow-prover` and `revoke-prover` as an operator runs them: through the running
/// gateway's admin service with the local admin token from its data directory, never behind its back; in
/// the database only while no gateway holds the directory.
@Suite(.serialized) struct AdminAllowlistTests {
    static func run(_ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(BuiltBinary.provernet, arguments, environment: Self.environment)
    }

    /// This process's environment without the client's gateway settings, so that the data directory decides.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PROVERNET_GATEWAY"] = nil
        environment["PROVERNET_CA"] = nil
        return environment
    }

    /// A new key's public key and prover id, from `provernet prover key`.
    static func makeKey(at path: String) throws -> (publicKey: String, id: String) {
        let created = try run(["prover", "key", "--key", path])
        let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String]
        guard let publicKey = object?["public_key"], let id = object?["prover_id"] else {
            throw NetworkTestError("prover key printed \(created.stdout) \(created.stderr)")
        }
        return (publicKey, id)
    }

    @Test func allowAndRevokeGoThroughTheRunningGatewayWithItsAdminToken() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let data = network.gatewayDirectory.path
        // The token: 64 hex digits, readable by this user only.
        let tokenPath = (data as NSString).appendingPathComponent("admin.token")
        let token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        let mode = try FileManager.default.attributesOfItem(atPath: tokenPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let key = try Self.makeKey(at: network.root.appendingPathComponent("operator.key").path)
        let allowed = try Self.run([
            "admin", "allow-prover", "--data-dir", data, "--public-key", key.publicKey, "--name", "op",
        ])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":true}\n")
        #expect(network.logText(of: "gateway").contains("gateway listening"))

        let endpoint = await network.endpoint
        try await ProverNetClient.withClient(endpoint: endpoint) { (client) async throws -> Void in
            #expect(try await client.listProvers().first { $0.id.rawValue == key.id }?.allowed == true)
            // Another token is refused, and changes nothing.
            let publicKey = try #require([UInt8](hexString: key.publicKey))
            do {
                _ = try await client.allowProver(
                    publicKey: publicKey, name: "x", adminToken: String(repeating: "0", count: 64))
                Issue.record("a wrong admin token was accepted")
            } catch let error as ProverNetClientError {
                guard case .gateway(_, let status, _) = error else { throw error }
                #expect(status == .permissionDenied)
            }
        }

        // A call without the token at all is UNAUTHENTICATED.
        let publicKey = try #require([UInt8](hexString: key.publicKey))
        var request = Provernet_V1_AllowProverRequest()
        request.publicKey = Data(publicKey)
        request.name = "stranger"
        let message = request
        let code = try await withGRPCClient(transport: try endpoint.makeTransport()) { client -> RPCError.Code? in
            do {
                _ = try await Provernet_V1_AdminService.Client(wrapping: client).allowProver(message)
                return nil
            } catch let error as RPCError {
                return error.code
            }
        }
        #expect(code == .unauthenticated)

        let revoked = try Self.run(["admin", "revoke-prover", "--data-dir", data, "--prover", key.id])
        #expect(
            revoked.status == 0 && revoked.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":false}\n",
            "\(revoked.stderr)")
        let unknown = try Self.run([
            "admin", "revoke-prover", "--data-dir", data, "--prover", String(repeating: "e", count: 64),
        ])
        #expect(unknown.status == 2 && unknown.stderr.contains("NOT_FOUND"), "\(unknown.stderr)")
        try await ProverNetClient.withClient(endpoint: endpoint) { (client) async throws -> Void in
            #expect(try await client.listProvers().first { $0.id.rawValue == key.id }?.allowed == false)
        }

        // One gateway per data directory: a second one refuses to start.
        let second = try Self.run(["gateway", "--data-dir", data, "--port", "0", "--dev-tls"])
        #expect(second.status != 0 && second.stderr.contains("is in use"), "\(second.stderr)")

        // With the gateway stopped, the change goes to the database under the directory's lock.
        try await network.terminateGateway()
        let offline = try Self.run([
            "admin", "allow-prover", "--data-dir", data, "--public-key", key.publicKey, "--name", "op",
        ])
        #expect(
            offline.status == 0 && offline.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":true}\n",
            "\(offline.stderr)")
        try await network.startGateway()
        try await ProverNetClient.withClient(endpoint: await network.endpoint) { (client) async throws -> Void in
            #expect(try await client.listProvers().first { $0.id.rawValue == key.id }?.allowed == true)
        }
        // A new start writes a new token.
        let newToken = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(newToken != token)
        await network.clean()
    }
}

extension [UInt8] {
    /// Bytes from hex digits, or nil.
    init?(hexString: String) {
        let digits = Array(hexString.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        self = bytes
    }
}
