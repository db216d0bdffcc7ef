import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore
import Testing

@testable import ProverNetClient

@Suite struct ConnectionTests {
    @Test(arguments: ["gateway", "gateway:", ":7443", "gateway:0", "gateway:65536", "gateway:port", "[::1]"])
    func malformedAddressesAreRefused(address: String) {
        #expect(throws: ProverNetClientError.invalidGatewayAddress(address)) {
            try ProverNetClient.endpoint(gateway: address, ca: nil)
        }
    }

    @Test func addressesParse() throws {
        let endpoint = try ProverNetClient.endpoint(gateway: "127.0.0.1:7443", ca: "ca.pem")
        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.port == 7443)
        #expect(endpoint.caCertificatePath == "ca.pem")
        let v6 = try ProverNetClient.endpoint(gateway: "[::1]:7443", ca: nil)
        #expect(v6.host == "::1")
        #expect(v6.description == "[::1]:7443")
    }

    @Test func aMissingCACertificateIsNamed() throws {
        let endpoint = try ProverNetClient.endpoint(gateway: "127.0.0.1:7443", ca: "/nonexistent/ca.pem")
        #expect(
            throws: ProverNetClientError.unreadableCACertificate(path: "/nonexistent/ca.pem", reason: "no such file")
        ) {
            try ProverNetClient(endpoint: endpoint)
        }
    }

    /// Nothing listens on the port: the call fails at once with `unavailable`, not after a timeout.
    @Test(.timeLimit(.minutes(1))) func anUnreachableGatewayIsUnavailable() async throws {
        let endpoint = try ProverNetClient.endpoint(gateway: "127.0.0.1:1", ca: nil)
        let started = ContinuousClock.now
        await #expect {
            try await ProverNetClient.withClient(endpoint: endpoint) { client in
                try await client.request("req-0000000000000000")
            }
        } throws: { error in
            guard case ProverNetClientError.gateway(let call, let status, _) = error else { return false }
            return call == "GetRequest" && status == .unavailable
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    /// `--gateway A,B --gateway C --gateway A`: three endpoints in order, the repeat dropped; none, or a bad
    /// one among them, is refused naming it.
    @Test func aListOfGatewaysParses() throws {
        let endpoints = try ProverNetClient.endpoints(
            gateways: ["127.0.0.1:7443, 127.0.0.2:7443", "[::1]:7444", "127.0.0.1:7443"], ca: "ca.pem")
        #expect(endpoints.map(\.description) == ["127.0.0.1:7443", "127.0.0.2:7443", "[::1]:7444"])
        #expect(endpoints.allSatisfy { $0.caCertificatePath == "ca.pem" })
        #expect(throws: ProverNetClientError.invalidGatewayAddress(",")) {
            try ProverNetClient.endpoints(gateways: [","], ca: nil)
        }
        #expect(throws: ProverNetClientError.invalidGatewayAddress("gateway")) {
            try ProverNetClient.endpoints(gateways: ["127.0.0.1:7443,gateway"], ca: nil)
        }
        #expect(throws: ProverNetClientError.self) { try ProverNetClient(endpoints: []) }
    }

    /// Every gateway of the list unreachable: a call that may be repeated goes round them for `failoverTime`
    /// and then fails with `unavailable`, naming the last one tried; one that may not is tried once.
    @Test(.timeLimit(.minutes(1))) func aCallGoesRoundTheGatewaysForTheFailoverTimeThenFails() async throws {
        let endpoints = try ProverNetClient.endpoints(gateways: ["127.0.0.1:1", "127.0.0.1:2"], ca: nil)
        var configuration = ProverNetClient.Configuration()
        configuration.failoverTime = .seconds(1)
        let started = ContinuousClock.now
        try await ProverNetClient.withClient(endpoints: endpoints, configuration: configuration) { client in
            await #expect {
                try await client.request("req-0000000000000000")
            } throws: { error in
                guard case ProverNetClientError.gateway(let call, let status, _) = error else { return false }
                return call == "GetRequest" && status == .unavailable
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .seconds(1) && elapsed < .seconds(20), "\(elapsed)")
            // An administrative change is not repeated: one try, at once.
            let once = ContinuousClock.now
            await #expect(throws: ProverNetClientError.self) { try await client.listProvers() }
            #expect(ContinuousClock.now - once < .seconds(1))
        }
    }

    @Test func explicitStartAndCloseEndTheConnection() async throws {
        let client = try ProverNetClient(endpoint: try ProverNetClient.endpoint(gateway: "127.0.0.1:1", ca: nil))
        client.start()
        client.start()
        await #expect(throws: ProverNetClientError.self) { try await client.cancel("req-0000000000000000") }
        await client.close()
    }

    @Test func callArgumentsAreCheckedBeforeSending() async throws {
        let client = try ProverNetClient(endpoint: try ProverNetClient.endpoint(gateway: "127.0.0.1:1", ca: nil))
        await #expect(throws: ProverNetClientError.noInputs) {
            try await client.submit(circuit: "c", inputs: [], maxPricePerJob: 10)
        }
        await #expect {
            try await client.submit(circuit: "c", inputs: ["{}"], maxPricePerJob: 0)
        } throws: { error in
            guard case ProverNetClientError.invalidArgument(let name, _, _) = error else { return false }
            return name == "max price per job"
        }
        await #expect {
            try await client.submit(circuit: "c", inputs: ["{}"], maxPricePerJob: 10, redundancy: 0)
        } throws: { error in
            guard case ProverNetClientError.invalidArgument(let name, _, _) = error else { return false }
            return name == "redundancy"
        }
        await #expect(throws: ProverNetClientError.self) { try await client.registerSyntheticCircuit(constraints: 0) }
        await #expect {
            try await client.registerCircuit(
                name: "n", wasm: URL(fileURLWithPath: "/nonexistent/c.wasm"),
                zkey: URL(fileURLWithPath: "/nonexistent/c.zkey"))
        } throws: { error in
            guard case ProverNetClientError.file(let path, _) = error else { return false }
            return path == "/nonexistent/c.wasm"
        }
        await client.close()
    }

    @Test func gatewayErrorsKeepTheGatewaysStatusAndMessage() {
        let notFound = ProverNetClientError(
            RPCError(code: .notFound, message: "unknown circuit abc"), call: "SubmitRequest")
        #expect(notFound == .gateway(call: "SubmitRequest", status: .notFound, message: "unknown circuit abc"))
        #expect(notFound.description == "SubmitRequest failed (NOT_FOUND): unknown circuit abc")
        let input = ProverNetClientError(
            RPCError(code: .invalidArgument, message: "input 2: \"x\" is missing"), call: "SubmitRequest")
        #expect(
            input == .gateway(call: "SubmitRequest", status: .invalidArgument, message: "input 2: \"x\" is missing"))
        // An error of ours thrown inside a request stream comes back out as itself.
        let ours = ProverNetClientError.artifactChanged(path: "c.zkey", hashedSize: 10, sentSize: 8)
        #expect(
            ProverNetClientError(
                RPCError(code: .unknown, message: "write failed", cause: ours), call: "RegisterCircuit") == ours)
    }
}
