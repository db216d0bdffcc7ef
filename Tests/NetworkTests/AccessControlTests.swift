import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Gateway
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import ProverNetTesting
import TestSupport
import Testing

/// API keys with roles, one-time codes for administrative changes, ownership of requests, revocation and the
/// limits, with real processes: `provernet admin …` commands against a running `provernet gateway`.
@Suite(.serialized) struct AccessControlTests {
    static func run(_ arguments: [String], key: String? = nil) throws -> CommandRun {
        var environment = Self.environment
        if let key { environment["PROVERNET_API_KEY"] = key }
        return try CommandRun.run(BuiltBinary.provernet, arguments, environment: environment)
    }

    /// This process's environment without the client's gateway settings, so that the data directory decides.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in [
            "PROVERNET_GATEWAY", "PROVERNET_CA", "PROVERNET_API_KEY", "PROVERNET_API_KEY_FILE", "PROVERNET_OTP",
        ] {
            environment[name] = nil
        }
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

    /// The gRPC status of a failed client call.
    static func status(_ body: () async throws -> Void) async -> GatewayStatus? {
        do {
            try await body()
            return nil
        } catch let error as ProverNetClientError {
            if case .gateway(_, let status, _) = error { return status }
            return nil
        } catch {
            return nil
        }
    }

    @Test func allowlistChangesNeedAnAdminKeyAndAOneTimeCodeThatWorksOnce() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let data = network.gatewayDirectory.path
        let keys = try #require(await network.keys)
        // The key files are this user's only, and the gateway keeps no secret in its data directory but the
        // sealing key.
        for path in [keys.adminKeyPath, keys.adminTOTPPath, keys.clientKeyPath, keys.viewerKeyPath] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("admin.token")))

        let key = try Self.makeKey(at: network.root.appendingPathComponent("operator.key").path)
        let allow = ["admin", "allow-prover", "--data-dir", data, "--public-key", key.publicKey, "--name", "op"]
        // No key: refused before anything.
        let anonymous = try Self.run(allow + ["--otp", "123456"])
        #expect(anonymous.status == 2 && anonymous.stderr.contains("admin API key"), "\(anonymous.stderr)")
        // A viewer key may not change anything.
        let viewer = try Self.run(allow + ["--otp", "123456"], key: keys.viewer)
        #expect(viewer.status == 2 && viewer.stderr.contains("PERMISSION_DENIED"), "\(viewer.stderr)")
        // The admin key without a code, and with a wrong code: UNAUTHENTICATED.
        let noCode = try Self.run(allow, key: keys.admin)
        #expect(noCode.status == 2 && noCode.stderr.contains("--otp"), "\(noCode.stderr)")
        let totp = TOTP(secret: keys.adminTOTP)
        let now = Int64(Date().timeIntervalSince1970)
        let wrong = (Int(totp.code(atUnixSeconds: now))! + 1) % 1_000_000
        let wrongCode = try Self.run(allow + ["--otp", String(format: "%06d", wrong)], key: keys.admin)
        #expect(wrongCode.status == 2 && wrongCode.stderr.contains("UNAUTHENTICATED"), "\(wrongCode.stderr)")
        // With a current code: done. The same code again: refused as replayed.
        let code = await network.oneTimeCode()
        let allowed = try Self.run(allow + ["--otp", code], key: keys.admin)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":true}\n")
        let replayed = try Self.run(allow + ["--otp", code], key: keys.admin)
        #expect(replayed.status == 2 && replayed.stderr.contains("already used"), "\(replayed.stderr)")

        let endpoint = await network.endpoint
        try await ProverNetClient.withClient(endpoint: await network.viewerEndpoint) { (client) async throws -> Void in
            #expect(try await client.listProvers().first { $0.id.rawValue == key.id }?.allowed == true)
        }
        // A client key may not list provers.
        let clientListing = await Self.status {
            try await ProverNetClient.withClient(endpoint: await network.clientEndpoint) { client in
                _ = try await client.listProvers()
            }
        }
        #expect(clientListing == .permissionDenied)

        // A raw call without any key is UNAUTHENTICATED.
        let publicKey = try #require([UInt8](hexString: key.publicKey))
        var request = Provernet_V1_AllowProverRequest()
        request.publicKey = Data(publicKey)
        request.name = "stranger"
        let message = request
        let code2 = try await withGRPCClient(transport: try endpoint.makeTransport()) { client -> RPCError.Code? in
            do {
                _ = try await Provernet_V1_AdminService.Client(wrapping: client).allowProver(message)
                return nil
            } catch let error as RPCError {
                return error.code
            }
        }
        #expect(code2 == .unauthenticated)

        let revoked = try Self.run(
            ["admin", "revoke-prover", "--data-dir", data, "--prover", key.id, "--otp", await network.oneTimeCode()],
            key: keys.admin)
        #expect(
            revoked.status == 0 && revoked.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":false}\n",
            "\(revoked.stderr)")

        // One gateway per data directory: a second one refuses to start.
        let second = try Self.run(["gateway", "--data-dir", data, "--port", "0", "--dev-tls"])
        #expect(second.status != 0 && second.stderr.contains("is in use"), "\(second.stderr)")
        // `admin init` refuses while the gateway runs, and once there is an admin key.
        let initRunning = try Self.run(["admin", "init", "--data-dir", data])
        #expect(initRunning.status == 2 && initRunning.stderr.contains("stop it first"), "\(initRunning.stderr)")

        // With the gateway stopped, the change goes to the database under the directory's lock, no key needed
        // (whoever holds the data directory holds the database).
        try await network.terminateGateway()
        let initAgain = try Self.run(["admin", "init", "--data-dir", data])
        #expect(initAgain.status == 2 && initAgain.stderr.contains("already has an admin key"), "\(initAgain.stderr)")
        let offline = try Self.run(allow)
        #expect(
            offline.status == 0 && offline.stdout == "{\"prover_id\":\"\(key.id)\",\"allowed\":true}\n",
            "\(offline.stderr)")
        try await network.startGateway()
        try await ProverNetClient.withClient(endpoint: await network.endpoint) { (client) async throws -> Void in
            #expect(try await client.listProvers().first { $0.id.rawValue == key.id }?.allowed == true)
        }
        // Every change is in the audit log with its actor; no secret is.
        let tail = try Self.run(["admin", "audit", "tail", "--data-dir", data, "--limit", "1000"])
        let adminActor = "key:\(keys.admin.dropFirst(4).prefix(16))"
        #expect(tail.stdout.contains("\(adminActor)  prover.allowed"), "\(tail.stdout)")
        #expect(tail.stdout.contains("\(adminActor)  otp.accepted"))
        #expect(tail.stdout.contains("local-admin  prover.allowed"))
        #expect(tail.stdout.contains("key.created"))
        for secret in [keys.admin, keys.client, keys.viewer, Base32.encode(keys.adminTOTP)] {
            #expect(!tail.stdout.contains(secret))
        }
        await network.clean()
    }

    @Test func aClientSeesOnlyItsOwnRequestsAndAViewerChangesNothing() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let keys = try #require(await network.keys)
        let admin = await network.endpoint
        // A second client key, made by the admin through the API.
        let other = try await ProverNetClient.withClient(endpoint: admin) { client in
            try await client.createKey(name: "bob", role: "client", otp: await network.oneTimeCode())
        }
        #expect(other.key.role == "client" && other.totpSecret == nil && other.secret.hasPrefix("pnk_"))
        let alice = await network.clientEndpoint
        let bob = admin.presenting(other.secret)
        let (circuit, request) = try await ProverNetClient.withClient(endpoint: alice) { client in
            let circuit = try await client.registerSyntheticCircuit(constraints: 1000)
            let request = try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
            return (circuit, request)
        }
        // Bob cannot see, watch or cancel it: NOT_FOUND, as for an id that does not exist.
        for call in ["get", "cancel", "watch"] {
            let code = await Self.status {
                try await ProverNetClient.withClient(endpoint: bob) { client in
                    switch call {
                    case "get": _ = try await client.request(request.id)
                    case "cancel": _ = try await client.cancel(request.id)
                    default: for try await _ in client.watch(request: request.id) {}
                    }
                }
            }
            #expect(code == .notFound, "\(call)")
        }
        let unknown = await Self.status {
            try await ProverNetClient.withClient(endpoint: bob) { client in
                _ = try await client.request(RequestID(String(repeating: "0", count: 32)))
            }
        }
        #expect(unknown == .notFound)
        // Bob may submit on the same circuit (circuits are public, requests are not), once his key holds what
        // the request escrows: refused with the numbers before, taken after an administrator's credit.
        let unfunded: String
        do {
            _ = try await ProverNetClient.withClient(endpoint: bob) { client in
                try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
            }
            unfunded = "taken"
        } catch let error as ProverNetClientError {
            unfunded = "\(error)"
        }
        #expect(unfunded.contains("FAILED_PRECONDITION") && unfunded.contains("10.000000"), "\(unfunded)")
        let credited = try await ProverNetClient.withClient(endpoint: admin) { client in
            try await client.credit(keyID: other.key.id, amount: 10, otp: await network.oneTimeCode())
        }
        #expect(credited == 10)
        _ = try await ProverNetClient.withClient(endpoint: bob) { client in
            try await client.submit(circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
        }
        let (_, left) = try await ProverNetClient.withClient(endpoint: bob) { client in try await client.balance() }
        #expect(left == .zero)
        // The viewer sees it, but may not cancel it, submit or register.
        let viewer = await network.viewerEndpoint
        try await ProverNetClient.withClient(endpoint: viewer) { (client) async throws -> Void in
            #expect(try await client.request(request.id).id == request.id)
        }
        let viewerCancel = await Self.status {
            try await ProverNetClient.withClient(endpoint: viewer) { client in _ = try await client.cancel(request.id) }
        }
        #expect(viewerCancel == .permissionDenied)
        let viewerSubmit = await Self.status {
            try await ProverNetClient.withClient(endpoint: viewer) { client in
                _ = try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
            }
        }
        #expect(viewerSubmit == .permissionDenied)
        // Its owner cancels it.
        try await ProverNetClient.withClient(endpoint: alice) { (client) async throws -> Void in
            #expect(try await client.cancel(request.id) == .cancelled)
        }
        // Keys are listed without secrets.
        let listed = try Self.run(
            ["admin", "keys", "list", "--gateway", "127.0.0.1:\(admin.port)", "--ca", await network.caPath],
            key: keys.viewer)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").count == 4)
        for secret in [keys.admin, keys.client, keys.viewer, other.secret] {
            #expect(!listed.stdout.contains(secret.dropFirst(21)))
        }
        await network.clean()
    }

    @Test func aRevokedKeyStopsAtOnceAndItsOpenWatchStreamEnds() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let admin = await network.endpoint
        let made = try await ProverNetClient.withClient(endpoint: admin) { client in
            try await client.createKey(name: "carol", role: "client", otp: await network.oneTimeCode())
        }
        let carol = admin.presenting(made.secret)
        _ = try await ProverNetClient.withClient(endpoint: admin) { client in
            try await client.credit(keyID: made.key.id, amount: 10, otp: await network.oneTimeCode())
        }
        // No prover: the request stays queued, and its watch stream stays open.
        let request = try await ProverNetClient.withClient(endpoint: carol) { client in
            let circuit = try await client.registerSyntheticCircuit(constraints: 1000)
            return try await client.submit(
                circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
        }
        let watch = Task { () -> GatewayStatus? in
            await Self.status {
                try await ProverNetClient.withClient(endpoint: carol) { client in
                    for try await _ in client.watch(request: request.id) {}
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let revokedAt = ContinuousClock.now
        let revoked = try await ProverNetClient.withClient(endpoint: admin) { client in
            try await client.revokeKey(made.key.id, otp: await network.oneTimeCode())
        }
        #expect(revoked.revokedUnixMillis != nil)
        let ended = await watch.value
        #expect(ended == .unauthenticated)
        #expect(ContinuousClock.now - revokedAt < .seconds(5))
        let after = await Self.status {
            try await ProverNetClient.withClient(endpoint: carol) { client in _ = try await client.request(request.id) }
        }
        #expect(after == .unauthenticated)
        await network.clean()
    }

    @Test func limitsAnswerResourceExhaustedNamingTheLimitAndWhenToRetry() async throws {
        var settings = ProcessNetwork.Settings()
        settings.keyLimitArguments = [
            "--key-submissions-per-second", "0.5", "--key-submission-burst", "3", "--key-max-open-requests", "2",
            "--auth-failures-per-minute", "3",
        ]
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
        let client = await network.clientEndpoint
        // No prover: requests stay open. Two open at most; the burst of three submissions, then none too soon.
        let refusals: [String] = try await ProverNetClient.withClient(endpoint: client) { client in
            let circuit = try await client.registerSyntheticCircuit(constraints: 1000)
            var refusals: [String] = []
            for _ in 0..<4 {
                do {
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: Amount(whole: 10))
                    refusals.append("accepted")
                } catch let error as ProverNetClientError {
                    refusals.append("\(error)")
                }
            }
            return refusals
        }
        #expect(refusals[0] == "accepted" && refusals[1] == "accepted", "\(refusals)")
        #expect(
            refusals[2].contains("RESOURCE_EXHAUSTED") && refusals[2].contains("has 2 requests open"), "\(refusals)")
        #expect(
            refusals[3].contains("RESOURCE_EXHAUSTED") && refusals[3].contains("submissions per second"), "\(refusals)")
        #expect(refusals[3].contains("retry after"))
        // The audit log, over the admin API: intact, and readable for people.
        let gateway = ["--gateway", "127.0.0.1:\(client.port)", "--ca", await network.caPath]
        let keys = try #require(await network.keys)
        let verify = try Self.run(["admin", "audit", "verify"] + gateway, key: keys.admin)
        #expect(verify.status == 0 && verify.stdout.contains("intact"), "\(verify.stdout) \(verify.stderr)")
        let tail = try Self.run(["admin", "audit", "tail", "--limit", "100"] + gateway, key: keys.admin)
        #expect(tail.status == 0 && tail.stdout.contains("request.submitted"), "\(tail.stderr)")
        let viewerTail = try Self.run(["admin", "audit", "tail"] + gateway, key: keys.viewer)
        #expect(viewerTail.status == 2 && viewerTail.stderr.contains("PERMISSION_DENIED"), "\(viewerTail.stderr)")
        // A stranger's address waits after 3 calls without a valid key, even with a valid key then.
        let stranger = (await network.endpoint).presenting("pnk_0000000000000000_" + String(repeating: "1", count: 64))
        var codes: [GatewayStatus?] = []
        for _ in 0..<5 {
            codes.append(
                await Self.status {
                    try await ProverNetClient.withClient(endpoint: stranger) { client in _ = try await client.listKeys()
                    }
                })
        }
        #expect(codes.prefix(3).allSatisfy { $0 == .unauthenticated }, "\(codes)")
        #expect(codes.last == .resourceExhausted, "\(codes)")
        let blocked = await Self.status {
            try await ProverNetClient.withClient(endpoint: await network.viewerEndpoint) { client in
                _ = try await client.listKeys()
            }
        }
        #expect(blocked == .resourceExhausted)
        await network.clean()
    }

    @Test func aStrangerProversRefusedHellosCountAgainstItsAddress() async throws {
        var settings = ProcessNetwork.Settings()
        settings.keyLimitArguments = ["--auth-failures-per-minute", "2"]
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
        let endpoint = (await network.endpoint).presenting(nil)
        // A key nobody allowlisted: each hello is refused (PERMISSION_DENIED) and counted; past two in a
        // minute, the address must wait (RESOURCE_EXHAUSTED) before its hello is even read.
        var codes: [RPCError.Code?] = []
        for _ in 0..<4 {
            let code = try await withGRPCClient(transport: try endpoint.makeTransport()) { client -> RPCError.Code? in
                do {
                    try await Provernet_V1_ProverService.Client(wrapping: client).connect { writer in
                        var hello = Provernet_V1_Hello()
                        hello.version = "1.0.0"
                        hello.publicKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
                        var message = Provernet_V1_ProverMessage()
                        message.hello = hello
                        try await writer.write(message)
                    } onResponse: { response in
                        for try await _ in response.messages {}
                    }
                    return nil
                } catch let error as RPCError {
                    return error.code
                }
            }
            codes.append(code)
        }
        #expect(codes.prefix(3) == [.permissionDenied, .permissionDenied, .permissionDenied], "\(codes)")
        #expect(codes.last == .resourceExhausted, "\(codes)")
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
