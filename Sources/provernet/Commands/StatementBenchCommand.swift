import ArgumentParser
import Foundation
import Gateway
import Logging
import ProofSystems
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNetVerify
import ProverNode

#if canImport(Glibc)
    import Glibc
#endif

/// `provernet bench statements`: what a submission of many inputs of a circom circuit costs the gateway, with
/// and without declared statements (issue 18: the gateway runs the witness generator for every undeclared
/// input, and for none of the declared ones).
struct StatementBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statements",
        abstract:
            "Measure the CPU a gateway spends on a submission of N inputs of a circom circuit, with and without declared statements.",
        discussion: """
            A gateway runs in this process (SQLite, no provers, so no proving and no verification); the circuit is \
            registered, one small submission of each kind warms it up, then --repeat submissions of --inputs \
            inputs are made of each kind, alternately. For each, the process's CPU time (user + system, \
            getrusage) and the wall time of the SubmitRequest call are measured: the call returns once the \
            gateway has checked every input, computed or checked its statement and stored the request and its \
            jobs. The CPU includes this process's client side of the call (encoding the request), which is \
            larger for the declared submission (it carries the statements): the ratio is an upper bound. The \
            client's own cost of computing the declared statements (one witness per input) is printed apart. \
            Prints one JSON line per submission and a summary line with the medians and their ratio. The \
            default circuit is zk-kit's (../shared/testdata/zk-kit-groth16).
            """)

    @Option(help: "The circuit's witness generator (.wasm).") var wasm: String =
        "../shared/testdata/zk-kit-groth16/index.wasm"
    @Option(help: "The circuit's proving key (.zkey).") var zkey: String =
        "../shared/testdata/zk-kit-groth16/index.zkey"
    @Option(
        help:
            "A JSON input of the circuit with one number that the bench varies: {} stands for it (default: zk-kit's)."
    )
    var inputTemplate: String = #"{"message": {}, "scope": 122}"#
    @Option(help: "Inputs per submission.") var inputs: Int = 1000
    @Option(name: .customLong("repeat"), help: "Measured submissions of each kind.") var repeats: Int = 3

    func run() async throws {
        guard inputs >= 1, repeats >= 1 else { throw failure("--inputs and --repeat must be at least 1") }
        let wasmURL = URL(commandLinePath: wasm)
        let zkeyURL = URL(commandLinePath: zkey)
        for url in [wasmURL, zkeyURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw failure("no such file: \(url.path)")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "provernet-statement-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = GatewayConfiguration(dataDirectory: root.appendingPathComponent("gateway").path)
        configuration.port = 0
        configuration.access.callsPerSecond = 1_000_000
        configuration.access.callBurst = 1_000_000
        configuration.access.submissionsPerSecond = 1_000_000
        configuration.access.submissionBurst = 1_000_000
        let network: InProcessNetwork
        do {
            network = try await InProcessNetwork.start(
                root: root, executable: ProverNodeConfiguration.currentExecutable, configuration: configuration,
                proofSystems: .standard(), provers: 0, threadsPerProver: 1, logLevel: .warning
            ) { _ in }
        } catch {
            throw failure("\(error)")
        }
        do {
            try await measure(network: network, wasm: wasmURL, zkey: zkeyURL)
        } catch {
            await network.stop()
            throw error
        }
        await network.stop()
    }

    func measure(network: InProcessNetwork, wasm: URL, zkey: URL) async throws {
        let template = inputTemplate
        let count = inputs
        let repeats = self.repeats
        // A debug build's witness generator is slow: the computed submission may take minutes.
        var clientConfiguration = ProverNetClient.Configuration()
        clientConfiguration.callTimeout = .seconds(3600)
        try await ProverNetClient.withClient(endpoint: network.endpoint, configuration: clientConfiguration) { client in
            let circuit = try await client.registerCircuit(name: "statement-bench", wasm: wasm, zkey: zkey)
            var next = 1_000
            func batch(_ n: Int) -> [String] {
                defer { next += n }
                return (0..<n).map { template.replacingOccurrences(of: "{}", with: "\(next + $0)") }
            }
            func statements(_ list: [String]) throws -> (signals: [[String]], seconds: Double) {
                let start = ContinuousClock.now
                let signals = try DeclaredStatements.publicSignals(
                    of: list, kind: .circom, wasm: wasm, verificationKeyJSON: circuit.verificationKeyJSON)
                return (signals, Self.seconds(ContinuousClock.now - start))
            }
            // Warm up both paths (the gateway loads the circuit's wasm once).
            let warm = batch(2)
            _ = try await client.submit(circuit: circuit.id, inputs: warm, deadlineSeconds: 3600, maxPricePerJob: 10)
            _ = try await client.submit(
                circuit: circuit.id, inputs: warm, deadlineSeconds: 3600, maxPricePerJob: 10,
                declaredStatements: try statements(warm).signals.map { $0 })
            var cpu: [Bool: [Double]] = [:]
            var wall: [Bool: [Double]] = [:]
            for round in 0..<repeats {
                for declared in [false, true] {
                    let list = batch(count)
                    var declarations: [[String]?] = []
                    var clientSeconds = 0.0
                    if declared {
                        let (signals, seconds) = try statements(list)
                        declarations = signals.map { $0 }
                        clientSeconds = seconds
                    }
                    let cpuBefore = Self.processCPUSeconds()
                    let start = ContinuousClock.now
                    _ = try await client.submit(
                        circuit: circuit.id, inputs: list, deadlineSeconds: 3600, maxPricePerJob: 10,
                        declaredStatements: declarations)
                    let wallSeconds = Self.seconds(ContinuousClock.now - start)
                    let cpuSeconds = Self.processCPUSeconds() - cpuBefore
                    cpu[declared, default: []].append(cpuSeconds)
                    wall[declared, default: []].append(wallSeconds)
                    print(
                        String(
                            format:
                                #"{"op": "statements", "round": %d, "declared": %@, "inputs": %d, "gateway_cpu_seconds": %.4f, "wall_seconds": %.4f, "client_statement_seconds": %.4f}"#,
                            round, declared ? "true" : "false", count, cpuSeconds, wallSeconds, clientSeconds))
                }
            }
            let computed = Self.median(cpu[false] ?? [])
            let declared = Self.median(cpu[true] ?? [])
            print(
                String(
                    format:
                        #"{"op": "statements", "summary": true, "inputs": %d, "public_signals": %d, "computed_cpu_seconds": %.4f, "declared_cpu_seconds": %.4f, "ratio": %.4f, "computed_wall_seconds": %.4f, "declared_wall_seconds": %.4f}"#,
                    count, circuit.publicSignals, computed, declared, declared / max(computed, 1e-9),
                    Self.median(wall[false] ?? []), Self.median(wall[true] ?? [])))
        }
    }

    /// User plus system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
