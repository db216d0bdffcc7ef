import Ethereum
import Foundation
import Gateway
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests one after another: these start whole networks.
extension NetworkTests {
    /// Operators as a user meets them, with real `provernet` processes: an operator's key (`operator key`), its
    /// EIP-712 authorization of a prover's key (`operator authorize`), the prover presenting it, the gateway's
    /// refusals naming what failed, the standalone registry set by `admin`, and suspension following stake.
    @Suite struct OperatorTests {
        static func run(_ arguments: [String], key: String? = nil) throws -> CommandRun {
            var environment = ProcessInfo.processInfo.environment
            environment["PROVERNET_GATEWAY"] = nil
            environment["PROVERNET_CA"] = nil
            environment["PROVERNET_API_KEY_FILE"] = nil
            environment["PROVERNET_API_KEY"] = key
            return try CommandRun.run(BuiltBinary.provernet, arguments, environment: environment)
        }

        /// Runs a command that must succeed; returns its standard output.
        @discardableResult
        static func succeed(_ arguments: [String], key: String? = nil) throws -> String {
            let result = try run(arguments, key: key)
            guard result.status == 0 else {
                throw NetworkTestError("provernet \(arguments.joined(separator: " ")): \(result.stderr)")
            }
            return result.stdout
        }

        /// A new operator key file under the network's directory, and its address (from `operator key`).
        static func operatorKey(_ network: ProcessNetwork, _ name: String) throws -> (path: String, address: String) {
            let path = network.root.appendingPathComponent("\(name).operator.key").path
            let printed = try succeed(["operator", "key", "--key", path])
            let object = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: String]
            guard let address = object?["address"] else { throw NetworkTestError("operator key printed \(printed)") }
            return (path, address)
        }

        /// Makes a prover's key (not allowlisted) and returns its public key's hex.
        static func proverKey(_ network: ProcessNetwork, _ name: String) async throws -> String {
            let (path, _) = try await network.makeProverKey(name, allow: false)
            let printed = try succeed(["prover", "key", "--key", path])
            let object = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: String]
            guard let key = object?["public_key"] else { throw NetworkTestError("prover key printed \(printed)") }
            return key
        }

        /// Signs an authorization with the operator's key file; returns the file's path.
        static func authorize(
            _ network: ProcessNetwork, operatorKey: String, proverKey: String, networkName: String = "testnet",
            file: String, extra: [String] = []
        ) throws -> String {
            let path = network.root.appendingPathComponent(file).path
            try succeed(
                [
                    "operator", "authorize", "--key", operatorKey, "--prover-public-key", proverKey, "--network",
                    networkName, "-o", path,
                ] + extra)
            return path
        }

        /// An administrative change through the running gateway: the admin key and a fresh one-time code.
        static func admin(_ network: ProcessNetwork, _ arguments: [String]) async throws {
            guard let command = arguments.first else { return }
            let code = await network.oneTimeCode()
            try succeed(
                ["admin", command, "--data-dir", network.gatewayDirectory.path, "--otp", code] + arguments.dropFirst(),
                key: await network.keys?.admin)
        }

        static func operators(_ network: ProcessNetwork) async throws -> [OperatorListing] {
            try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.listOperators()
            }
        }

        /// Waits until `address`'s status starts with `prefix`; returns the listing.
        @discardableResult
        static func waitForStatus(
            _ network: ProcessNetwork, _ address: String, _ prefix: String, timeout: Double = 30
        ) async throws -> OperatorListing {
            let deadline = Date().addingTimeInterval(timeout)
            var last: OperatorListing?
            while true {
                last = try await operators(network).first { $0.address.lowercased() == address.lowercased() }
                if let last, last.status.hasPrefix(prefix) { return last }
                if Date() >= deadline { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            throw NetworkTestError(
                "operator \(address) did not become '\(prefix)…' in \(timeout) s; last: \(String(describing: last))")
        }

        /// Starts a prover with an authorization (or none) and waits for the gateway to refuse it: the prover
        /// exits, and its log says why. Returns the log.
        static func refusal(_ network: ProcessNetwork, _ name: String, authorization: String?) async throws -> String {
            let process = try await network.startProver(
                name, extra: authorization.map { ["--authorization", $0] } ?? [])
            guard await process.waitForExit(timeout: .seconds(90)) else {
                throw NetworkTestError("prover \(name) was not refused: \(network.logText(of: name).suffix(1500))")
            }
            return network.logText(of: name)
        }

        /// Starts a prover whose operator is suspended and waits for the gateway to refuse it for now: the prover
        /// says why, keeps retrying (it is still running), and is then stopped. Returns its log.
        static func suspension(_ network: ProcessNetwork, _ name: String, authorization: String) async throws
            -> String
        {
            let process = try await network.startProver(name, extra: ["--authorization", authorization])
            try await waitForLog(network, name, "the gateway refused this prover for now")
            #expect(process.isRunning, "\(name) stopped instead of retrying")
            try await network.killProver(name)
            return network.logText(of: name)
        }

        /// Waits until the prover's log contains `text`.
        static func waitForLog(_ network: ProcessNetwork, _ name: String, _ text: String, timeout: Double = 90)
            async throws
        {
            let deadline = Date().addingTimeInterval(timeout)
            while !network.logText(of: name).contains(text) {
                guard Date() < deadline else {
                    throw NetworkTestError("\(name)'s log has no '\(text)': \(network.logText(of: name).suffix(1500))")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }

        /// Proves a request of `count` synthetic inputs to its end; returns its final state.
        static func prove(_ network: ProcessNetwork, _ count: Int, timeout: Double = 240) async throws -> RequestPhase {
            try await ProverNetClient.withClient(endpoint: await network.endpoint) {
                (client) async throws -> RequestPhase in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "operators")
                let submitted = try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(count, offset: Int.random(in: 0..<1_000_000)),
                    maxPricePerJob: 10)
                _ = try await NetworkTests().watchToEnd(client, submitted.id, timeout: timeout)
                return try await client.request(submitted.id).state
            }
        }

        @Test func aStandaloneOperatorsProverProvesAndIsSuspendedBelowTheMinimumStakeAndResumes() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: [
                    "--require-operators", "--network", "testnet", "--minimum-stake", "100",
                ]))
            let op = try Self.operatorKey(network, "acme")
            let mode = try FileManager.default.attributesOfItem(atPath: op.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            // Never overwritten.
            #expect(try Self.run(["operator", "key", "--key", op.path]).status != 0)
            try await Self.admin(network, ["allow-operator", "--address", op.address, "--name", "acme"])
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "100"])
            let key = try await Self.proverKey(network, "p1")
            let authorization = try Self.authorize(network, operatorKey: op.path, proverKey: key, file: "p1.json")
            try await network.startProver("p1", extra: ["--authorization", authorization])
            try await network.waitForProvers(1)
            #expect(try await Self.prove(network, 2) == .done, "\(network.logText(of: "gateway").suffix(3000))")

            let listed = try #require(try await Self.operators(network).first)
            #expect(listed.address == op.address && listed.name == "acme" && listed.source == "standalone")
            #expect(listed.registered && listed.stake == "100" && listed.minimum == "100" && listed.status == "active")
            let p1 = try await network.proverID("p1").rawValue
            #expect(listed.provers == [p1])
            let printed = try Self.succeed(
                ["admin", "operators", "--gateway", "127.0.0.1:\(await network.port)", "--ca", await network.caPath],
                key: await network.keys?.viewer)
            #expect(printed.contains("\"source\":\"standalone\"") && printed.contains("\"status\":\"active\""))

            // Below the minimum: suspended; a new request waits; back at the minimum it is proven.
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "99"])
            let suspended = try await Self.waitForStatus(network, op.address, "suspended")
            #expect(suspended.status.contains("below the minimum stake: 99 < 100"))
            let request = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
                (client) async throws -> RequestID in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "operators")
                return try await client.submit(
                    circuit: circuit.id, inputs: syntheticInputs(2, offset: 77), maxPricePerJob: 10
                )
                .id
            }
            try await Task.sleep(for: .seconds(3))
            let waiting = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
                try await client.request(request)
            }
            #expect(waiting.jobs.allSatisfy { $0.prover == nil }, "a suspended operator's prover got a job")
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "1000"])
            try await Self.waitForStatus(network, op.address, "active")
            let final = try await ProverNetClient.withClient(endpoint: await network.endpoint) {
                (client) async throws -> RequestPhase in
                _ = try await NetworkTests().watchToEnd(client, request)
                return try await client.request(request).state
            }
            #expect(final == .done)
            // Revoked: suspended, and listed as such.
            try await Self.admin(network, ["revoke-operator", "--address", op.address])
            let revoked = try await Self.waitForStatus(network, op.address, "suspended")
            #expect(revoked.status.contains("revoked") && !revoked.allowed)
            await network.clean()
        }

        @Test func everyRefusalNamesWhatFailed() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: [
                    "--require-operators", "--network", "testnet", "--minimum-stake", "100", "--minimum-cores",
                    "100000",
                ]))
            let good = try Self.operatorKey(network, "good")
            let stranger = try Self.operatorKey(network, "stranger")
            let poor = try Self.operatorKey(network, "poor")
            try await Self.admin(network, ["allow-operator", "--address", good.address, "--name", "good"])
            try await Self.admin(network, ["set-stake", "--address", good.address, "--stake", "100"])
            try await Self.admin(network, ["allow-operator", "--address", poor.address, "--name", "poor"])
            try await Self.admin(network, ["set-stake", "--address", poor.address, "--stake", "99"])

            var cases: [(name: String, authorization: String?, expected: String)] = []
            _ = try await Self.proverKey(network, "none")
            cases.append(("none", nil, "refused (missing)"))
            for (name, op, extra, expected) in [
                ("expired", good.path, ["--expires-at", "1000"], "refused (expired)"),
                ("wrong-network", good.path, [], "refused (wrong-network)"),
                ("stranger", stranger.path, [], "refused (not-allowlisted)"),
                ("hardware", good.path, [], "refused (hardware): "),
            ] {
                let key = try await Self.proverKey(network, name)
                let file = try Self.authorize(
                    network, operatorKey: op, proverKey: key,
                    networkName: name == "wrong-network" ? "mainnet" : "testnet",
                    file: "\(name).json", extra: extra)
                cases.append((name, file, expected))
            }
            // An authorization for another prover's key.
            let otherKey = try await Self.proverKey(network, "other-key")
            _ = otherKey
            let someoneElse = try await Self.proverKey(network, "someone-else")
            let otherFile = try Self.authorize(network, operatorKey: good.path, proverKey: someoneElse, file: "o.json")
            cases.append(("other-key", otherFile, "refused (wrong-prover-key)"))
            // Signed by another key than the operator it names: the stranger signs, the file names the good operator.
            let forgedKey = try await Self.proverKey(network, "forged")
            let forgedPath = try Self.authorize(
                network, operatorKey: stranger.path, proverKey: forgedKey, file: "f.json")
            var forged = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: forgedPath)))
                    as? [String: Any])
            forged["operator"] = good.address
            try JSONSerialization.data(withJSONObject: forged).write(to: URL(fileURLWithPath: forgedPath))
            cases.append(("forged", forgedPath, "refused (signature-of-another-key)"))

            for c in cases {
                let log = try await Self.refusal(network, c.name, authorization: c.authorization)
                #expect(log.contains(c.expected), "\(c.name): \(log.suffix(1500))")
            }
            // Below the minimum is a suspension, not a refusal for good: the prover is told why and keeps
            // knocking with its back-off (and joins once the operator is back in order: the next test).
            let poorKey = try await Self.proverKey(network, "poor")
            let poorFile = try Self.authorize(network, operatorKey: poor.path, proverKey: poorKey, file: "poor.json")
            let knocking = try await network.startProver("poor", extra: ["--authorization", poorFile])
            try await Self.waitForLog(network, "poor", "refused (below-minimum)")
            #expect(network.logText(of: "poor").contains("retrying"))
            #expect(knocking.isRunning, "a suspended operator's prover stopped instead of retrying")
            #expect(
                network.logText(of: "hardware").contains("cores, the network needs at least 100000"),
                "the refusal gives the numbers")
            await network.clean()
        }

        @Test func aSuspendedOperatorsProversKeepKnockingAndOneAuthorizationIsRevokedByItsNonce() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: [
                    "--require-operators", "--network", "testnet", "--minimum-stake", "100",
                ]))
            let op = try Self.operatorKey(network, "acme")
            let stranger = try Self.operatorKey(network, "stranger")
            try await Self.admin(network, ["allow-operator", "--address", op.address, "--name", "acme"])
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "99"])
            // Two provers, two authorizations (nonces 11 and 12), while the operator is below the minimum.
            var processes: [String: ChildProcess] = [:]
            for (name, nonce) in [("p-11", 11), ("p-12", 12)] {
                let key = try await Self.proverKey(network, name)
                let file = try Self.authorize(
                    network, operatorKey: op.path, proverKey: key, file: "\(name).json", extra: ["--nonce", "\(nonce)"])
                processes[name] = try await network.startProver(name, extra: ["--authorization", file])
            }
            for name in ["p-11", "p-12"] {
                try await Self.waitForLog(network, name, "refused (below-minimum)")
                #expect(processes[name]?.isRunning == true, "\(name) stopped instead of retrying")
            }
            // Back at the minimum: both join on their next try, without a restart.
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "100"])
            try await network.waitForProvers(2, timeout: 60)

            // The operator revokes nonce 11 with its own key and an operator API key of its own.
            let code = await network.oneTimeCode()
            let made = try Self.succeed(
                [
                    "admin", "keys", "create", "--gateway", "127.0.0.1:\(await network.port)", "--ca",
                    await network.caPath, "--otp", code, "--name", "acme-ops", "--role", "operator",
                    "--operator-address", op.address,
                ], key: await network.keys?.admin)
            let operatorKey = try #require(
                (try JSONSerialization.jsonObject(with: Data(made.utf8)) as? [String: Any])?["secret"] as? String)
            let gateway = ["--gateway", "127.0.0.1:\(await network.port)", "--ca", await network.caPath]
            let revoke = ["operator", "revoke", "--network", "testnet", "--nonce", "11", "--reason", "machine retired"]
            // Signed by another key: refused, nothing revoked.
            let forged = try Self.run(
                revoke + ["--key", stranger.path, "--operator", op.address] + gateway, key: operatorKey)
            #expect(forged.status != 0 && forged.stderr.contains("is not the address of --key"), "\(forged.stderr)")
            let viewer = try Self.run(revoke + ["--key", op.path] + gateway, key: await network.keys?.viewer)
            #expect(viewer.status != 0 && viewer.stderr.contains("role"), "\(viewer.stderr)")
            let printed = try Self.succeed(revoke + ["--key", op.path] + gateway, key: operatorKey)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
            #expect(answer["newly"] as? Bool == true)
            #expect((answer["disconnected"] as? [String])?.count == 1, "\(printed)")
            // The revoked prover is disconnected and refused for good; the other keeps proving.
            try await Self.waitForLog(network, "p-11", "refused (authorization-revoked)")
            let process = try #require(processes["p-11"])
            #expect(await process.waitForExit(timeout: .seconds(60)), "the revoked prover kept running")
            #expect(processes["p-12"]?.isRunning == true)
            #expect(try await Self.prove(network, 2) == .done)
            // Revoking again changes nothing.
            let again = try Self.succeed(revoke + ["--key", op.path] + gateway, key: operatorKey)
            #expect(again.contains(#""newly":false"#), "\(again)")
            await network.clean()
        }

        @Test(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-account): run scripts/setup"))
        func anAuthorizationSignedByEthAccountFromTheTypedDataIsAccepted() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: ["--require-operators", "--network", "testnet"]))
            let op = try Self.operatorKey(network, "wallet")
            try await Self.admin(network, ["allow-operator", "--address", op.address, "--name", "wallet"])
            // A stake that bonds its prover's jobs (docs/economics.md): with none, it would get no work.
            try await Self.admin(network, ["set-stake", "--address", op.address, "--stake", "1000"])
            let key = try await Self.proverKey(network, "p-wallet")
            let fields = [
                "--operator", op.address, "--prover-public-key", key, "--network", "testnet", "--expires-at",
                "\(Int(Date().timeIntervalSince1970) + 3600)", "--nonce", "4242",
            ]
            let typed = network.root.appendingPathComponent("typed.json")
            try Data(try Self.succeed(["operator", "authorize", "--typed-data"] + fields).utf8).write(to: typed)
            // A wallet's eth_signTypedData_v4, as eth-account computes it.
            let signed = try CommandRun.run(
                EthereumPython.python,
                [
                    "-c",
                    """
                    import json, sys
                    from eth_account import Account
                    from eth_account.messages import encode_typed_data
                    data = json.load(open(sys.argv[1]))
                    key = open(sys.argv[2]).read().strip()
                    s = Account.from_key(bytes.fromhex(key)).sign_message(encode_typed_data(full_message=data)).signature.hex()
                    print(s if s.startswith("0x") else "0x" + s)
                    """,
                    typed.path, op.path,
                ])
            try #require(signed.status == 0, "\(signed.stderr)")
            let signature = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let path = network.root.appendingPathComponent("wallet.json").path
            try Self.succeed(["operator", "authorize", "--signature", signature, "-o", path] + fields)
            // A signature of other data is refused when assembling.
            #expect(
                try Self.run(
                    ["operator", "authorize", "--signature", signature, "-o", path + ".bad"]
                        + fields.map { $0 == "4242" ? "4243" : $0 }
                ).status != 0)
            try await network.startProver("p-wallet", extra: ["--authorization", path])
            try await network.waitForProvers(1)
            #expect(try await Self.prove(network, 1) == .done)
            await network.clean()
        }
    }
}
