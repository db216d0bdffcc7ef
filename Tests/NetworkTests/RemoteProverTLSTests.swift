import Foundation
import Gateway
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

/// Provers on other machines (issue 19): the gateway and its provers on different loopback addresses
/// (127.0.0.2, 127.0.0.3: Linux routes all of 127/8 to the loopback interface), real processes, real TLS.
@Suite(.serialized) struct RemoteProverTLSTests {
    /// Waits for a process to exit; fails the test if it keeps running.
    func exitStatus(of process: ChildProcess, within seconds: Double = 120) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        return process.terminationStatus
    }

    @Test func aProverOnAnotherAddressConnectsToAGatewayWithADevelopmentCertificate() async throws {
        // The gateway listens on 127.0.0.2 only: its development certificate must name that address.
        var settings = ProcessNetwork.Settings()
        settings.host = "127.0.0.2"
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
        try await network.startNewProver("remote")
        try await network.waitForProvers(["remote"], timeout: .seconds(120))
        // A client reaches it there too, and a request is proven end to end.
        let status = try await ProverNetClient.withClient(endpoint: await network.endpoint) { client in
            let circuit = try await client.registerSyntheticCircuit(constraints: 500, name: "remote")
            let submitted = try await client.submit(circuit: circuit.id, inputs: syntheticInputs(1), maxPricePerJob: 10)
            for try await _ in client.watch(request: submitted.id) {}
            return try await client.request(submitted.id)
        }
        #expect(status.state == .done, "gateway log: \(network.logText(of: "gateway"))")
        #expect(network.logText(of: "remote").contains("connected to the gateway"))
        await network.clean()
    }

    @Test func aProverGivenTheWrongNameOrCAExitsNamingTheProblemAndTLSServerNameFixesTheName() async throws {
        // On every address, with one more name: its certificate names this machine's addresses and
        // gateway.test, not 127.0.0.3 (an address of no interface).
        var settings = ProcessNetwork.Settings(gatewayArguments: ["--tls-name", "gateway.test"])
        settings.host = "0.0.0.0"
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
        let port = await network.port
        try await network.addProvers(["wrong-name", "named", "wrong-ca"])

        // Through an address the certificate does not carry: one clear message, exit 1, no retry loop.
        try await network.route("wrong-name", through: "127.0.0.3:\(port)")
        let wrongName = try await network.startProver("wrong-name")
        #expect(try await exitStatus(of: wrongName) == 1, "it kept retrying: \(network.logText(of: "wrong-name"))")
        let wrongNameLog = network.logText(of: "wrong-name")
        #expect(wrongNameLog.contains("does not name '127.0.0.3'"), "\(wrongNameLog)")
        #expect(!wrongNameLog.contains("reconnecting"), "\(wrongNameLog)")

        // The same address with the name the certificate carries: it connects.
        try await network.route("named", through: "127.0.0.3:\(port)")
        try await network.startProver("named", extra: ["--tls-server-name", "gateway.test"])
        try await network.waitForProvers(["named"], timeout: .seconds(120))

        // Another CA: a certificate problem, said as one.
        let otherCA = network.root.appendingPathComponent("other-ca", isDirectory: true).path
        let other = try DevelopmentCertificates.ensure(in: otherCA)
        let wrongCA = try await network.startProver("wrong-ca", extra: ["--ca", other.caCertificatePath])
        #expect(try await exitStatus(of: wrongCA) == 1, "it kept retrying: \(network.logText(of: "wrong-ca"))")
        let wrongCALog = network.logText(of: "wrong-ca")
        #expect(wrongCALog.contains("is not signed by the CA in \(other.caCertificatePath)"), "\(wrongCALog)")

        // A client with the wrong CA or the wrong name is told the same, as a certificate problem.
        let endpoint = await network.endpoint
        for (wrong, expected) in [
            (
                GatewayEndpoint(host: endpoint.host, port: port, caCertificatePath: other.caCertificatePath),
                "is not signed by the CA"
            ),
            (
                GatewayEndpoint(host: "127.0.0.3", port: port, caCertificatePath: endpoint.caCertificatePath),
                "does not name '127.0.0.3'"
            ),
        ] {
            let error = await #expect(throws: ProverNetClientError.self) {
                try await ProverNetClient.withClient(endpoint: wrong) { client in _ = try await client.listProvers() }
            }
            guard case .certificate(let problem)? = error else {
                Issue.record("not a certificate problem: \(String(describing: error))")
                continue
            }
            #expect(problem.description.contains(expected), "\(problem)")
        }
        // And the command line says so, with exit status 2, naming the CA file.
        let run = try CommandRun.run(
            BuiltBinary.provernet,
            ["admin", "provers", "--gateway", "127.0.0.1:\(port)", "--ca", other.caCertificatePath])
        #expect(run.status == 2 && run.stderr.contains("is not signed by the CA in"), "\(run.stderr)")
        #expect(!run.stderr.contains("handshake.cc"), "\(run.stderr)")
        await network.clean()
    }

    @Test func theDevelopmentCertificateNamesTheListeningAddressAndTheGivenNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-certs-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let everywhere = DevelopmentCertificates.names(listeningOn: "0.0.0.0", extra: ["gateway.example.org"])
        #expect(everywhere.contains(.dns("localhost")) && everywhere.contains(.init("127.0.0.1")))
        #expect(everywhere.contains(.dns("gateway.example.org")))
        let one = DevelopmentCertificates.names(listeningOn: "192.0.2.2", extra: ["10.1.2.3"])
        #expect(one.contains(.ip([192, 0, 2, 2])) && one.contains(.ip([10, 1, 2, 3])))
        #expect(!one.contains(.ip([127, 0, 0, 3])))
        // A certificate made for fewer names is made again for more, signed by the same CA.
        let first = try DevelopmentCertificates.ensure(in: directory.path, names: [.dns("localhost")])
        let ca = try String(contentsOfFile: first.caCertificatePath, encoding: .utf8)
        let server = try String(contentsOfFile: first.serverCertificatePath, encoding: .utf8)
        _ = try DevelopmentCertificates.ensure(in: directory.path, names: [.dns("localhost")])
        #expect(try String(contentsOfFile: first.serverCertificatePath, encoding: .utf8) == server)
        _ = try DevelopmentCertificates.ensure(in: directory.path, names: one)
        #expect(try String(contentsOfFile: first.caCertificatePath, encoding: .utf8) == ca)
        #expect(try String(contentsOfFile: first.serverCertificatePath, encoding: .utf8) != server)
    }
}
