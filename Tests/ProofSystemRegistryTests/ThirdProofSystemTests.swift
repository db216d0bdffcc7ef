import Foundation
import Gateway
import Logging
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetCrypto
import ProverNode
import ServiceLifecycle
import Store
import Testing

/// The gateway and the prover node do everything through the `ProofSystem`s handed to them: with only a
/// test-only third system registered (no Groth16, no SnarkPack), a request of its circuit is auctioned,
/// proven, verified and paid through a real gateway and a real prover node, over TLS on loopback.
@Suite struct ThirdProofSystemTests {
    @Test func aRequestOfATestOnlyProofSystemRunsThroughARealGatewayAndProverNode() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("third-system-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let systems = try ProofSystemRegistry([PreimageProofSystem()])

        var configuration = GatewayConfiguration(dataDirectory: root.appendingPathComponent("gateway").path)
        configuration.developmentTLS = true
        configuration.port = 0
        configuration.heartbeatInterval = .seconds(1)
        configuration.roundInterval = .milliseconds(100)
        configuration.drainSeconds = 1
        let (ports, listened) = AsyncStream<Int>.makeStream()
        let store = try SQLiteStore(path: configuration.databasePath)
        let keys = try await DevelopmentKeys.make(
            store: store, dataDirectory: configuration.dataDirectory,
            directory: root.appendingPathComponent("keys").path)
        let server = try GatewayServer(
            configuration: configuration, store: store,
            proofSystems: systems, logger: logger
        ) { _, port in
            listened.yield(port)
            listened.finish()
        }
        let gateway = ServiceGroup(services: [server], logger: logger)
        let gatewayTask = Task { try await gateway.run() }
        defer { gatewayTask.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let endpoint = GatewayEndpoint(
            host: "127.0.0.1", port: port, caCertificatePath: server.developmentCAPath, apiKey: keys.client)

        // The prover: allowlisted, calibrated with the test system, proving in its own process.
        let home = root.appendingPathComponent("prover")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let identity = try ProverIdentity.loadOrCreate(at: home.appendingPathComponent("prover.key").path)
        _ = try await server.store.allowProver(
            id: identity.proverID, publicKeyHex: identity.publicKey.hex, name: "p", atMillis: Clock.nowMillis())
        let nodeConfiguration = ProverNodeConfiguration(
            gateway: endpoint, dataDirectory: home, name: "p", drainSeconds: 1)
        let capabilities = try Calibration.run(
            systems: systems, log2Size: 0, threads: 1, slots: 1, bytesPerConstraint: 1024)
        #expect(capabilities.proofSystems == ["test-preimage-sha256"])
        let node = ProverNode(
            configuration: nodeConfiguration, identity: identity, capabilities: capabilities, proofSystems: systems,
            logger: logger)
        let prover = ServiceGroup(services: [node], logger: logger)
        let proverTask = Task { try await prover.run() }
        defer { proverTask.cancel() }

        let client = try ProverNetClient(endpoint: endpoint)
        client.start()
        // A kind of no system handed to this gateway is refused with the kinds it knows.
        await #expect(throws: ProverNetClientError.self) { try await client.registerSyntheticCircuit(constraints: 10) }
        do {
            _ = try await client.registerSyntheticCircuit(constraints: 10)
        } catch {
            #expect("\(error)".contains("it knows: test-preimage"), "\(error)")
        }
        let circuit = try await client.registerCircuit(kind: PreimageProofSystem.kind, constraints: 1, name: "preimage")
        #expect(circuit.proofSystem == "test-preimage-sha256" && circuit.domainSize == 1)
        let inputs = [#"{"secret": 1}"#, #"{"secret": 2}"#, #"{"secret": 3}"#]
        let submitted = try await client.submit(circuit: circuit.id, inputs: inputs, maxPricePerJob: 1)

        var status = try await client.request(submitted.id)
        let deadline = ContinuousClock.now + .seconds(60)
        while !status.state.isFinal, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await client.request(submitted.id)
        }
        #expect(status.state == .done, "\(status.state): \(status.reason)")
        #expect(status.inputsVerified == 3)
        for (index, input) in inputs.enumerated() {
            let proof = try #require(status.proofsByInput[index])
            #expect(proof.proofJSON == input)
            #expect(proof.publicJSON == PreimageProofSystem.hash(input))
            #expect(status.jobs.first { $0.index == index }?.prover == identity.proverID)
        }
        #expect(status.paid > .zero)
        #expect(status.jobs.allSatisfy { $0.kind == "test-preimage.prove" })

        await client.close()
        await prover.triggerGracefulShutdown()
        _ = try? await proverTask.value
        await gateway.triggerGracefulShutdown()
        _ = try? await gatewayTask.value
    }
}
