import Foundation
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport
import Testing

/// What a user is told by a running gateway (issue 19): a price that can never trade, an artifact that is
/// not what it claims, a devnet stopped by a signal. Real processes, real TLS.
@Suite(.serialized) struct UserFacingGatewayTests {
    @Test func aRequestBelowTheReservePriceIsRefusedWithTheNumbersAndTheGatewaysPathsStayItsOwn() async throws {
        let network = try await ProcessNetwork.started(executable: BuiltBinary.provernet)
        let endpoint = await network.endpoint
        let circuit = try await ProverNetClient.withClient(endpoint: endpoint) { client in
            try await client.registerSyntheticCircuit(constraints: 500, name: "cheap")
        }
        let input = network.root.appendingPathComponent("input.json")
        try Data(#"{"x": "3", "y": "11"}"#.utf8).write(to: input)
        let gateway = ["--gateway", "127.0.0.1:\(endpoint.port)", "--ca", await network.caPath]
        let cheap = try CommandRun.run(
            BuiltBinary.provernet,
            ["submit", "--circuit", circuit.id.rawValue, "--input", input.path, "--max-price", "0.0001"] + gateway)
        #expect(cheap.status == 2, "\(cheap.stdout) \(cheap.stderr)")
        // The reserve is 2.0 per unit of work, and a 2^9 proof is under one unit: the numbers are the gateway's.
        #expect(cheap.stderr.contains("the maximum price 0.000100 per job is below the network's reserve price of"))
        #expect(cheap.stderr.contains("offer at least --max-price"), "\(cheap.stderr)")
        let fair = try CommandRun.run(
            BuiltBinary.provernet,
            ["submit", "--circuit", circuit.id.rawValue, "--input", input.path, "--max-price", "5"] + gateway)
        #expect(fair.status == 0, "\(fair.stderr)")

        // A zkey that is not one: refused, and the message names no file of the gateway's.
        let wasm = network.root.appendingPathComponent("c.wasm")
        let zkey = network.root.appendingPathComponent("c.zkey")
        try Data([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0]).write(to: wasm)
        try Data("not a zkey at all".utf8).write(to: zkey)
        let error = await #expect(throws: ProverNetClientError.self) {
            try await ProverNetClient.withClient(endpoint: endpoint) { client in
                _ = try await client.registerCircuit(name: "broken", wasm: wasm, zkey: zkey)
            }
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(!message.isEmpty)
        #expect(!message.contains(network.gatewayDirectory.path), "\(message)")
        #expect(!message.contains("/artifacts/"), "\(message)")
        await network.clean()
    }
}
