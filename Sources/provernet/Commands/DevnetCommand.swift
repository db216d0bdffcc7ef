import ArgumentParser
import Ethereum
import Foundation
import Gateway
import HealthHTTP
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import ProverNetVerify
import ProverNode
import ServiceLifecycle
import SnarkPack
import Store
import Synchronization
import UnixSignals

/// `provernet devnet`: a whole network on one machine. A gateway on an embedded SQLite database (in this
/// process), prover processes, development TLS, a demo circuit and a demo request, and what happens to
/// it, event by event.
struct DevnetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devnet",
        abstract:
            "Start a whole network on this machine (gateway, provers, TLS, a demo circuit and request) and show it working.",
        discussion: """
            Everything lives in a fresh directory (--dir to choose it): the gateway's database and artifacts, \
            the development CA, each prover's key, cache and log, and the fetched proofs. The demo circuit is \
            a synthetic circuit (--constraints) or your own circom circuit (--wasm, --zkey, --inputs). Without \
            --exit-when-done the network keeps running after the demo until Ctrl-C, so you can submit more.
            """)

    @Option(help: "The directory for everything (default: a fresh one under the temporary directory).") var dir: String?
    @Option(help: "How many prover processes (1 to 32).") var provers: Int = 2
    @Option(help: "Constraints of the synthetic demo circuit (default 4094: a 2^12 domain).") var constraints: String =
        "4094"
    @Option(help: "Jobs in the demo request (synthetic circuit).") var jobs: Int = 6
    @Option(help: "Your circuit's witness generator (.wasm), with --zkey and --inputs.") var wasm: String?
    @Option(help: "Your circuit's proving key (.zkey).") var zkey: String?
    @Option(help: "A JSON file with an array of input objects for your circuit.") var inputs: String?
    @Option(help: "The gateway's port (default: a free one).") var port: Int = 0
    /// Read as text and checked in `run` (exit 2, as all bad input): unconditional, so that `-5` is its value.
    @Option(parsing: .unconditional, help: "The most the demo client pays per job (default 100).")
    var maxPrice: String = "100"
    @Flag(help: "Exit 0 once every proof of the demo request is verified (non-zero otherwise).") var exitWhenDone =
        false
    @Option(help: "Give up after this many seconds (with --exit-when-done).") var timeout: Double = 600
    @Option(help: "Log level of the in-process gateway (its log goes to DIR/gateway.log).") var logLevel: String =
        "info"
    @Flag(
        help:
            "Do not aggregate the demo request's proofs (by default the gateway gets an UNSAFE development SnarkPack reference string and the demo request asks for one aggregate)."
    )
    var noAggregation = false
    @Option(help: "The port of the gateway's HTTP endpoints: the dashboard, /metrics, /health (default: a free one).")
    var httpPort: Int = 0
    @Flag(help: "Do not serve the web dashboard (the HTTP endpoints still serve /metrics and /health).")
    var noDashboard = false
    @Flag(
        help:
            "Register the operator on EigenLayer's contracts on a local EVM (Vyper test doubles on eth-tester/py-evm) and read it with the gateway's EigenLayer registry, instead of the standalone registry. Needs scripts/setup's .venv-eth."
    )
    var chain = false
    @Option(help: "With --chain: the Python with eth-tester, py-evm, web3 and vyper (default: .venv-eth/bin/python).")
    var chainPython: String?
    @Option(help: "With --chain: the local chain's script (default: Tests/Chain/chain.py of this checkout).")
    var chainScript: String?

    func run() async throws {
        guard provers >= 1, provers <= 32 else { throw failure("--provers must be 1 to 32") }
        guard jobs >= 1, jobs <= 10_000 else { throw failure("--jobs must be 1 to 10000") }
        guard let n = BN254Bench.parseSize(constraints), n >= 1, n <= 1 << 20 else {
            throw failure("--constraints \(constraints) is not a count from 1 to 2^20")
        }
        let maxPrice = try badInputExits { try Amount.commandLine(self.maxPrice) }
        guard timeout > 0, timeout.isFinite else {
            throw failure("--timeout \(timeout) is not a positive number of seconds")
        }
        let ownCircuit = (wasm, zkey, inputs)
        // Your own circuit's files are checked, and its inputs read (once: --inputs may be a pipe, as with
        // `<(…)`), before anything starts.
        var ownInputs: [String] = []
        if wasm != nil || zkey != nil || inputs != nil {
            guard let wasm, let zkey, let inputs else {
                throw failure("your own circuit needs --wasm, --zkey and --inputs")
            }
            for (flag, path) in [("--wasm", wasm), ("--zkey", zkey)] {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { throw failure("\(flag) \(path): no such file") }
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw failure("\(flag) \(path): not readable")
                }
            }
            ownInputs = try badInputExits { try RequestInputs.inputs(fileAt: URL(commandLinePath: inputs)) }
        }
        let root = try makeDirectory()
        let out = DevnetOutput()
        out.line("ProverNet devnet in \(root.path)")

        guard let level = Logger.Level(rawValue: logLevel) else { throw failure("unknown log level \(logLevel)") }
        var configuration = GatewayConfiguration(dataDirectory: root.appendingPathComponent("gateway").path)
        configuration.port = port
        let aggregate = !noAggregation && (ownCircuit.0 != nil || jobs >= 2)
        if !noAggregation {
            // Room for the demo request and for requests of up to 256 inputs submitted by hand.
            let srsPath = root.appendingPathComponent("snarkpack-srs-UNSAFE.bin")
            out.line("snarkpack  making an UNSAFE development reference string (256 proofs): \(SRS.developmentWarning)")
            try Data(SRS.unsafeDevelopment(maxProofs: 256).encoded).write(to: srsPath)
            configuration.snarkpackSRSPath = srsPath.path
        }
        // The network's operator: a fresh secp256k1 key that authorizes every prover's key (EIP-712), registered
        // in the gateway's standalone registry; provers without its authorization are refused.
        configuration.operators.required = true
        let operatorKeyPath = root.appendingPathComponent("operator.key").path
        let operatorKey = try badInputExits { try OperatorKeyFile.create(at: operatorKeyPath) }
        var localChain: DevnetChain?
        if chain {
            let (python, script) = DevnetChain.locate(python: chainPython, script: chainScript)
            out.line("chain      starting a local EVM and deploying the EigenLayer doubles (\(script.path))…")
            do {
                let started = try await DevnetChain.start(
                    python: python, script: script, operator: operatorKey.address, say: { out.line($0) })
                configuration.operators.source = .eigenLayer(started.settings)
                configuration.operators.minimumStake = DevnetChain.minimumStake
                localChain = started
            } catch {
                throw failure("devnet --chain: \(error)")
            }
        }
        defer { localChain?.chain.stop() }
        let network: InProcessNetwork
        let httpPort = BoundPort()
        do {
            let (requestedPort, dashboard) = (self.httpPort, !noDashboard)
            network = try await InProcessNetwork.start(
                root: root, executable: ProverNodeConfiguration.currentExecutable, configuration: configuration,
                proofSystems: .standard(), provers: provers, logLevel: level, proverArguments: ["--health-port", "0"],
                http: { server in
                    try GatewayHTTP.service(
                        server, configuration: .init(port: requestedPort), dashboard: dashboard,
                        logger: Logger(label: "provernet.gateway.http")
                    ) { _, port in httpPort.set(port) }
                },
                operatorKey: operatorKey, say: { line in out.line(line) })
        } catch {
            throw failure("\(error)")
        }
        out.line(
            "keys       API keys in \(network.keys.directory) (mode 0600): admin.key (+ admin.totp, its second factor), "
                + "client.key, viewer.key")
        await Self.announceHTTP(network, port: httpPort, dashboard: !noDashboard, out: out)
        let (server, endpoint, names) = (network.server, network.endpoint, network.names)
        let boundPort = endpoint.port
        let ca = endpoint.caCertificatePath ?? ""
        let gatewayLog = network.gatewayLog
        configuration = server.configuration

        // A signal (Ctrl-C, SIGTERM) stops the in-process gateway, which ends the demo's watch: that is a
        // stop, not a failure, and is said as one.
        let signalled = SignalFlag()
        let signals = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                signalled.set()
                return
            }
        }
        defer { signals.cancel() }
        var exitCode: Int32 = 0
        do {
            try await ProverNetClient.withClient(endpoint: endpoint) { client in
                // The demo circuit and request.
                let circuit: RegisteredCircuit
                let inputList: [String]
                if let wasm = ownCircuit.0, let zkey = ownCircuit.1 {
                    circuit = try await client.registerCircuit(
                        name: "devnet-circom", wasm: URL(fileURLWithPath: wasm), zkey: URL(fileURLWithPath: zkey))
                    inputList = ownInputs
                } else {
                    out.line("circuit    making an UNSAFE development key for a synthetic circuit of \(n) constraints…")
                    circuit = try await client.registerSyntheticCircuit(
                        constraints: UInt64(n), name: "devnet-synthetic")
                    var generator = SystemRandomNumberGenerator()
                    inputList = (0..<jobs).map { _ in
                        "{\"x\": \"\(UInt64.random(in: 1...1_000_000, using: &generator))\", \"y\": \"\(UInt64.random(in: 1...1_000_000, using: &generator))\"}"
                    }
                }
                out.line(
                    "circuit    \(circuit.id.prefix(16))… registered (\(circuit.constraints) constraints, \(circuit.publicSignals) public signals)"
                )
                let submitted = try await client.submit(
                    circuit: circuit.id, inputs: inputList, deadlineSeconds: Int(timeout), maxPricePerJob: maxPrice,
                    aggregate: aggregate && inputList.count >= 2)
                out.line("request    \(submitted.id) submitted: \(submitted.jobs) jobs, max price \(maxPrice) per job")
                let start = Date()
                var lastProgress: [Int: Int] = [:]
                var final: RequestEvent?
                let watch = client.watch(request: submitted.id)
                let deadline = Task {
                    try await Task.sleep(for: .seconds(timeout))
                    _ = try? await client.cancel(submitted.id)
                }
                defer { deadline.cancel() }
                for try await event in watch {
                    let t = String(format: "%6.2fs", Date().timeIntervalSince(start))
                    let who = event.prover.flatMap { names[$0] } ?? ""
                    let job = event.jobIndex.map { "job \($0)" } ?? ""
                    switch event.kind {
                    case .assigned:
                        out.line("\(t)  round: \(job) → \(who) (\(event.message))")
                    case .progress:
                        let step = Int(event.progress * 4)
                        if let index = event.jobIndex, lastProgress[index] != step {
                            lastProgress[index] = step
                            out.line("\(t)  \(job) on \(who): \(Int(event.progress * 100))% \(event.message)")
                        }
                    case .verified where event.jobIndex == event.jobsTotal:
                        // The aggregation job comes after the inputs' jobs.
                        out.line("\(t)  aggregate from \(who) VERIFIED: one SnarkPack proof of all \(event.jobsTotal)")
                    case .verified:
                        out.line("\(t)  \(job) proof from \(who) VERIFIED (\(event.jobsVerified)/\(event.jobsTotal))")
                    case .rejected, .requeued:
                        out.line("\(t)  \(job) \(event.kind): \(event.message)")
                    case .other("aggregating"):
                        out.line("\(t)  every proof verified: the aggregation job goes to the market")
                    case .state:
                        // The message is the reason of a request that failed; for one that is done it only
                        // repeats the state.
                        let why =
                            event.message == event.state.rawValue || event.message.isEmpty ? "" : ": \(event.message)"
                        out.line(
                            "\(t)  request \(event.state.rawValue), \(event.jobsVerified)/\(event.jobsTotal) proofs verified\(why)"
                        )
                    case .other(let kind):
                        out.line("\(t)  \(job) \(kind): \(event.message)")
                    }
                    final = event
                }
                let status = try await client.request(submitted.id)
                let proofs = root.appendingPathComponent("proofs")
                _ = try await client.fetch(submitted.id, to: proofs)
                let verification = try ProverNetClient.verifyFetched(at: proofs)
                let done = status.state == .done && verification.allValid && !verification.checks.isEmpty
                out.line("")
                out.line(
                    "request \(submitted.id): \(status.state.rawValue), \(status.inputsVerified)/\(status.inputsTotal) proofs verified by the gateway; client paid \(status.paid) credits"
                )
                out.line(
                    "proofs in \(proofs.path): \(verification.checks.count - verification.failures.count) of \(verification.checks.count) verify locally with verification_key.json"
                )
                if let check = verification.aggregate {
                    out.line(
                        "aggregate  \(proofs.appendingPathComponent(FetchedProofs.aggregateFile).path): \(check.failure.map { "INVALID: \($0)" } ?? "one SnarkPack proof of all \(verification.checks.count), verifies locally")"
                    )
                }
                if !done { out.line("NOT DONE: \(status.reason.isEmpty ? final?.message ?? "" : status.reason)") }
                out.line("")
                out.line(
                    "Where to look next (provernet is \(ProverNodeConfiguration.currentExecutable.path); scripts/install puts it on your PATH):"
                )
                let keys = network.keys
                out.line(
                    "  export PROVERNET_GATEWAY=127.0.0.1:\(boundPort) PROVERNET_CA=\(ca) PROVERNET_API_KEY_FILE=\(keys.clientKeyPath)"
                )
                out.line("  provernet status \(submitted.id)        provernet verify \(proofs.path)")
                out.line("  provernet submit --circuit \(circuit.id) --inputs FILE.json")
                out.line(
                    "  provernet admin provers --api-key-file \(keys.viewerKeyPath)   (admin rounds, admin jobs too)")
                out.line(
                    "  provernet admin keys create --api-key-file \(keys.adminKeyPath) --name alice --role client "
                        + "--otp $(provernet admin otp --totp-file \(keys.adminTOTPPath))")
                out.line(
                    "  logs: \(gatewayLog.path), \(root.path)/prover-*/prover.log; database: \(configuration.databasePath)"
                )
                if !done { exitCode = 1 }
            }
        } catch {
            if signalled.isSet {
                out.line("devnet stopping: a signal stopped the gateway before the demo request ended")
            } else {
                out.line("devnet failed: \(error)")
            }
            exitCode = 1
        }
        if !exitWhenDone && exitCode == 0 {
            out.line("")
            out.line("The network keeps running; Ctrl-C stops it.")
            _ = try? await network.gatewayTask.value
        }
        await network.stop()
        if exitWhenDone, dir == nil {
            // A directory it chose itself: removed once everything verified; kept, for its logs, otherwise.
            if exitCode == 0 {
                try? FileManager.default.removeItem(at: root)
                out.line("removed \(root.path) (--dir DIR keeps everything)")
            } else {
                out.line("kept \(root.path) for its logs")
            }
        }
        out.line("devnet stopped")
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// Prints where the dashboard and the metrics of the gateway and of each prover are.
    static func announceHTTP(_ network: InProcessNetwork, port: BoundPort, dashboard: Bool, out: DevnetOutput) async {
        let deadline = Date().addingTimeInterval(10)
        while port.value == nil, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard let port = port.value else {
            out.line("http       the gateway's HTTP endpoints did not start; see \(network.gatewayLog.path)")
            return
        }
        if dashboard { out.line("dashboard  http://127.0.0.1:\(port)/dashboard/") }
        out.line("metrics    http://127.0.0.1:\(port)/metrics (gateway)")
        for (name, proverPort) in await network.proverHTTPPorts(timeout: 30).sorted(by: { $0.key < $1.key }) {
            out.line("metrics    http://127.0.0.1:\(proverPort)/metrics (\(name))")
        }
    }

    func makeDirectory() throws -> URL {
        let url: URL
        if let dir {
            url = URL(fileURLWithPath: dir, isDirectory: true)
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "provernet-devnet-\(UUID().uuidString.prefix(8))")
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create \(url.path): \(error)")
        }
        return url
    }
}

/// Whether a shutdown signal arrived.
final class SignalFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// The port an HTTP server bound, once it has.
final class BoundPort: Sendable {
    private let port = Mutex<Int?>(nil)

    func set(_ value: Int) { port.withLock { $0 = value } }

    var value: Int? { port.withLock { $0 } }
}

/// The devnet's own lines on standard output, flushed at once.
final class DevnetOutput: Sendable {
    func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
