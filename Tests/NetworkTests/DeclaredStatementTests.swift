import Foundation
import Gateway
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNetVerify
import Store
import TestSupport
import Testing

// Nested in NetworkTests, whose `.serialized` runs its tests one after another: these start whole networks.
extension NetworkTests {
    /// Declared statements (issue 18, item 2) with real gateway and prover processes and real proofs: a true
    /// declaration is proven and verified against it while the gateway runs no witness; a false one fails its
    /// request and the honest prover that found it is paid by the client and not slashed; a prover that lies
    /// about a mismatch is slashed as for an invalid proof and the job is proven elsewhere; the gateway never
    /// accepts a proof of any other statement.
    @Suite struct DeclaredStatementTests {
        typealias Slashing = SlashingTests

        /// A network with operators (so that a slash shows) and a health port (for its metrics).
        static func network() async throws -> (ProcessNetwork, operatorKey: String, port: Int) {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet,
                settings: .init(gatewayArguments: [
                    "--require-operators", "--network", "testnet", "--health-port", "0", "--max-attempts", "10",
                ]))
            let op = try OperatorTests.operatorKey(network, "acme")
            try await OperatorTests.admin(network, ["allow-operator", "--address", op.address, "--name", "acme"])
            try await OperatorTests.admin(network, ["set-stake", "--address", op.address, "--stake", "1000"])
            let port = try #require(await network.healthPort, "the gateway's first line has no health_port")
            return (network, op.path, port)
        }

        /// The public signals of `inputs` of a registered synthetic circuit, computed on the client's side.
        static func statements(_ inputs: [String], of circuit: RegisteredCircuit) throws -> [[String]] {
            try DeclaredStatements.publicSignals(
                of: inputs, kind: .synthetic, constraints: circuit.constraints,
                verificationKeyJSON: circuit.verificationKeyJSON)
        }

        /// The same signals with the first one changed: a statement no input of the request implies.
        static func falsified(_ signals: [String]) -> [String] {
            [signals[0] == "5" ? "6" : "5"] + signals.dropFirst()
        }

        /// Every proof of a finished request verifies against the public signals it was declared with.
        static func expectProofs(_ status: RequestStatus, carry statements: [[String]]) throws {
            for job in status.jobs {
                let proof = try #require(job.proof, "job \(job.index) has no proof")
                let signals = try JSONDecoder().decode([String].self, from: Data(proof.publicJSON.utf8))
                #expect(signals == statements[job.index], "job \(job.index): \(signals) vs \(statements[job.index])")
            }
        }

        @Test func aTrueDeclarationIsProvenWithoutAGatewayWitnessAndAFalseOneFailsWithoutPenalisingTheProver()
            async throws
        {
            let (network, operatorKey, port) = try await Self.network()
            try await Slashing.startProver(network, "honest", operatorKey: operatorKey)
            let honest = try await network.proverID("honest")
            try await network.waitForProvers(1)
            let inputs = syntheticInputs(3)
            let (good, bad, mixed, statements) = try await ProverNetClient.withClient(
                endpoint: await network.clientEndpoint
            ) { client in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "declared")
                let statements = try Self.statements(inputs, of: circuit)
                // A declaration that is not one is refused before anything is stored, naming the input and signal.
                let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617"
                await #expect {
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: Array(inputs.prefix(2)), maxPricePerJob: 10,
                        declaredStatements: [statements[0], [r] + statements[1].dropFirst()])
                } throws: { error in
                    "\(error)".contains("input 1: declared public signal 0 \(r) is not below")
                }
                await #expect {
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: Array(inputs.prefix(2)), maxPricePerJob: 10,
                        declaredStatements: [statements[0] + ["1"], statements[1]])
                } throws: { error in
                    "\(error)".contains("input 0: declared \(statements[0].count + 1) public signals")
                }
                // Two inputs, both declared truly.
                let good = try await client.submit(
                    circuit: circuit.id, inputs: Array(inputs.prefix(2)), maxPricePerJob: 10,
                    declaredStatements: statements.prefix(2).map { $0 })
                _ = try await NetworkTests().watchToEnd(client, good.id)
                // One input declared falsely.
                let bad = try await client.submit(
                    circuit: circuit.id, inputs: [inputs[2]], maxPricePerJob: 10,
                    declaredStatements: [Self.falsified(statements[2])])
                _ = try await NetworkTests().watchToEnd(client, bad.id)
                // Undeclared beside declared: the undeclared input is the gateway's own, as before.
                let mixed = try await client.submit(
                    circuit: circuit.id, inputs: Array(inputs.prefix(2)), maxPricePerJob: 10,
                    declaredStatements: [nil, statements[1]])
                _ = try await NetworkTests().watchToEnd(client, mixed.id)
                return (
                    try await client.request(good.id), try await client.request(bad.id),
                    try await client.request(mixed.id), statements
                )
            }
            let log = network.logText(of: "gateway")
            #expect(good.state == .done, "\(good.reason) gateway log: \(log)")
            try Self.expectProofs(good, carry: statements)
            #expect(mixed.state == .done, "\(mixed.reason)")
            try Self.expectProofs(mixed, carry: statements)
            // The false declaration: failed with the reason, both statements named.
            #expect(bad.state == .failed)
            #expect(bad.reason.contains("declared the public signals"), "\(bad.reason)")
            #expect(bad.reason.contains(statements[2][0]), "\(bad.reason)")
            #expect(bad.jobs.allSatisfy { $0.proof == nil })
            // The client paid the job's charge, all of it to the honest prover and the network; no slash at all.
            #expect(bad.paid > .zero)
            let store = try SQLiteStore(path: await network.databasePath)
            let transfers = try await store.transfers(after: 0, limit: 10_000)
            try await store.close()
            #expect(!transfers.contains { $0.reason == .slash }, "\(transfers.filter { $0.reason == .slash })")
            let badJob = try #require(bad.jobs.first)
            let paid = transfers.filter { $0.jobID?.rawValue == badJob.id.rawValue && $0.reason == .payment }
            #expect(paid.count == 1 && paid.first?.to == .earnings(honest), "\(paid)")
            // The gateway ran no witness for the 4 declared inputs, one for the undeclared one, and one to judge.
            let metrics = try await MetricsTests.scrape(port)
            #expect(metrics.value("provernet_gateway_statements_total", ["source": "declared"]) == 4)
            #expect(metrics.value("provernet_gateway_statements_total", ["source": "computed"]) == 1)
            #expect(metrics.value("provernet_gateway_statement_mismatches_total", ["wrong": "client"]) == 1)
            await network.clean()
        }

        @Test func aProverThatLiesAboutAMismatchIsSlashedAndTheJobIsProvenElsewhere() async throws {
            let (network, operatorKey, port) = try await Self.network()
            // The liar asks less, so it wins the job first; the honest prover proves it once the liar is refused.
            try await Slashing.startProver(
                network, "liar", operatorKey: operatorKey, extra: ["--misbehave", "lie-statement"])
            try await Slashing.startProver(network, "honest", operatorKey: operatorKey, extra: ["--ask", "1.5"])
            let liar = try await network.proverID("liar")
            let honest = try await network.proverID("honest")
            try await network.waitForProvers(2)
            let inputs = syntheticInputs(1, offset: 40)
            let (status, events, statements) = try await ProverNetClient.withClient(
                endpoint: await network.clientEndpoint
            ) { client in
                let circuit = try await client.registerSyntheticCircuit(constraints: 300, name: "liar")
                let statements = try Self.statements(inputs, of: circuit)
                let submitted = try await client.submit(
                    circuit: circuit.id, inputs: inputs, maxPricePerJob: 10, declaredStatements: statements)
                let events = try await NetworkTests().watchToEnd(client, submitted.id)
                return (try await client.request(submitted.id), events, statements)
            }
            #expect(status.state == .done, "\(status.reason) gateway log: \(network.logText(of: "gateway"))")
            #expect(status.jobs.allSatisfy { $0.prover == honest })
            try Self.expectProofs(status, carry: statements)
            let rejections = events.filter { $0.kind == .rejected }
            #expect(rejections.contains { $0.message.contains("statement mismatch") }, "\(rejections.map(\.message))")
            let slashes = try await Slashing.waitForSlashes(network) { found in
                found.contains { $0.1.kind == .invalidProof && $0.1.prover == liar.rawValue }
            }
            #expect(!slashes.contains { $0.1.prover == honest.rawValue })
            let metrics = try await MetricsTests.scrape(port)
            #expect(metrics.value("provernet_gateway_statement_mismatches_total", ["wrong": "prover"]) ?? 0 >= 1)
            #expect(metrics.value("provernet_gateway_statements_total", ["source": "computed"]) == 0)
            await network.clean()
        }

        @Test(.enabled(if: SharedTestData.isPresent, "needs ../shared/testdata"))
        func theCommandLineDeclaresTheStatementsOfACircomCircuitItComputesItself() async throws {
            let network = try await ProcessNetwork.started(
                executable: BuiltBinary.provernet, settings: .init(gatewayArguments: ["--health-port", "0"]))
            let port = try #require(await network.healthPort)
            try await network.startNewProver("prover")
            try await network.waitForProvers(1)
            let endpoint = await network.endpoint
            let zkKit = SharedTestData.root.appendingPathComponent("zk-kit-groth16")
            let gateway = [
                "--gateway", "127.0.0.1:\(endpoint.port)", "--ca", await network.caPath, "--api-key-file",
                try #require(await network.keys).clientKeyPath,
            ]
            let key = network.root.appendingPathComponent("vk.json").path
            let registered = try CommandRun.run(
                BuiltBinary.provernet,
                [
                    "circuit", "register", "--name", "zk-kit", "--wasm",
                    zkKit.appendingPathComponent("index.wasm").path,
                    "--zkey", zkKit.appendingPathComponent("index.zkey").path, "--verification-key", key,
                ] + gateway)
            try #require(registered.status == 0, "\(registered.stderr)")
            let circuitID = try #require(
                (try JSONSerialization.jsonObject(with: Data(registered.stdout.utf8)) as? [String: Any])?["circuit_id"]
                    as? String)
            let inputs = network.root.appendingPathComponent("inputs.json")
            try Data(#"[{"message": 12, "scope": 122}, {"message": 13, "scope": 122}]"#.utf8).write(to: inputs)
            let submit = ["submit", "--circuit", circuitID, "--inputs", inputs.path, "--max-price", "50"] + gateway
            // Asked without the files it needs: refused before anything is sent.
            let incomplete = try CommandRun.run(BuiltBinary.provernet, submit + ["--declare-statements"])
            #expect(incomplete.status != 0 && incomplete.stderr.contains("--wasm"), "\(incomplete.stderr)")
            let submitted = try CommandRun.run(
                BuiltBinary.provernet,
                submit + [
                    "--declare-statements", "--wasm", zkKit.appendingPathComponent("index.wasm").path,
                    "--verification-key", key,
                ])
            try #require(submitted.status == 0, "\(submitted.stderr)")
            let requestID = try #require(
                (try JSONSerialization.jsonObject(with: Data(submitted.stdout.utf8)) as? [String: Any])?["request_id"]
                    as? String)
            let status = try await ProverNetClient.withClient(endpoint: endpoint) { client in
                _ = try await NetworkTests().watchToEnd(client, RequestID(requestID))
                return try await client.request(RequestID(requestID))
            }
            #expect(status.state == .done, "\(status.reason) gateway log: \(network.logText(of: "gateway"))")
            #expect(status.jobs.count == 2 && status.jobs.allSatisfy { $0.proof != nil })
            let metrics = try await MetricsTests.scrape(port)
            #expect(metrics.value("provernet_gateway_statements_total", ["source": "declared"]) == 2)
            #expect(metrics.value("provernet_gateway_statements_total", ["source": "computed"]) == 0)
            await network.clean()
        }
    }
}
