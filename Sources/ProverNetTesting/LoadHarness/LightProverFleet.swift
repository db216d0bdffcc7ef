import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import SwiftProtobuf
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A proof made beforehand for one input, as snarkjs writes it.
public struct PreparedProof: Sendable, Codable, Equatable {
    public var proofJSON: String
    public var publicJSON: String

    public init(proofJSON: String, publicJSON: String) {
        self.proofJSON = proofJSON
        self.publicJSON = publicJSON
    }
}

/// The proofs the light provers answer with, by input (the input JSON's `x`, as a decimal string).
public final class ProofBook: Sendable {
    let proofs = Mutex<[String: PreparedProof]>([:])

    public init() {}

    public func install(_ more: [String: PreparedProof]) {
        proofs.withLock { $0.merge(more) { $1 } }
    }

    public var count: Int { proofs.withLock { $0.count } }

    /// The proof of an input, and (for a prover told to cheat) the proof of another input: a valid proof of
    /// another statement, which the gateway must refuse.
    func proof(forInput inputJSON: String, wrong: Bool) -> PreparedProof? {
        guard let key = Self.key(ofInput: inputJSON) else { return nil }
        return proofs.withLock { proofs in
            guard wrong else { return proofs[key] }
            return proofs.first { $0.key != key }?.value
        }
    }

    /// The `x` of a synthetic circuit's input `{"x": "…", "y": "…"}`, as a decimal string.
    public static func key(ofInput inputJSON: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(inputJSON.utf8))) as? [String: Any] else {
            return nil
        }
        switch object["x"] {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}

/// Many light provers in one process, each a real prover identity on its own TLS connection to a gateway: it says
/// hello, signs the gateway's challenge, sends heartbeats, and answers each assignment at once with the proof
/// prepared for its input (so that the gateway verifies real proofs while no one proves). An assignment whose
/// input has no proof yet is parked until `answerParked` (the first one tells the harness which proving key to
/// prepare proofs with). The `wrong` provers answer with the proof of another input, which the gateway must refuse.
public struct LightProverFleet: Sendable {
    /// What each light prover announces.
    public struct Settings: Sendable {
        /// The job class it claims to prove (`groth16-bn254/2^4`) and how fast.
        public var jobClass: String
        public var secondsPerJob = 0.001
        /// Jobs it takes at once.
        public var slots = 4
        /// Its price per job of that class, in units of 10^-6 credit.
        public var askUnits: Int64 = 1
        public var proofSystem = "groth16-bn254"
        public var maxConstraints: UInt64 = 1 << 20

        public init(jobClass: String) { self.jobClass = jobClass }
    }

    /// An assignment that came before its input's proof was prepared.
    public struct Parked: Sendable {
        public var job: String
        public var epoch: UInt64
        public var inputJSON: String
        public var artifacts: [Provernet_V1_ArtifactRef]
        public var prover: Int
        let answer: @Sendable (Provernet_V1_ProverMessage) -> Void
    }

    public let endpoints: [GatewayEndpoint]
    public let identities: [ProverIdentity]
    public let settings: Settings
    public let proofs: ProofBook
    public let recorder: LoadRecorder
    /// Indices of the provers that answer with a wrong proof.
    public let wrong: Set<Int>
    let parked = ParkedList()

    /// Prover `i` connects to `endpoints[i % endpoints.count]`.
    public init(
        endpoints: [GatewayEndpoint], identities: [ProverIdentity], settings: Settings, proofs: ProofBook,
        recorder: LoadRecorder, wrong: Set<Int> = []
    ) {
        self.endpoints = endpoints
        self.identities = identities
        self.settings = settings
        self.proofs = proofs
        self.recorder = recorder
        self.wrong = wrong
    }

    /// Raises this process's limit of open files to its hard limit (a light prover is a socket; a process started
    /// after this, such as the gateway, inherits the limit); returns the limit now.
    @discardableResult
    public static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return UInt64(limit.rlim_cur)
    }

    /// Runs every light prover until cancelled: each connects (`stagger` apart, so that a thousand TLS handshakes
    /// do not all start in one instant), and connects again a second after its stream ends.
    public func run(stagger: Duration = .microseconds(500)) async throws {
        let transports = try identities.indices.map { try endpoints[$0 % endpoints.count].makeTransport() }
        await withDiscardingTaskGroup { group in
            for (index, transport) in transports.enumerated() {
                group.addTask {
                    let client = GRPCClient(transport: transport)
                    await withDiscardingTaskGroup { connection in
                        connection.addTask {
                            try? await client.runConnections()
                        }
                        while !Task.isCancelled {
                            do {
                                try await session(index, client: client)
                                recorder.disconnected(refusal: nil)
                            } catch is CancellationError {
                                break
                            } catch let error as RPCError {
                                let refused = [
                                    .permissionDenied, .unauthenticated, .invalidArgument, .failedPrecondition,
                                ]
                                .contains(error.code)
                                recorder.disconnected(refusal: refused ? "\(error.code): \(error.message)" : nil)
                                if refused { break }
                            } catch {
                                recorder.disconnected(refusal: nil)
                            }
                            try? await Task.sleep(for: .seconds(1))
                        }
                        client.beginGracefulShutdown()
                    }
                }
                try? await Task.sleep(for: stagger)
            }
        }
    }

    /// Answers every parked assignment whose proof is now in the book (the others stay parked); returns how many.
    @discardableResult
    public func answerParked() -> Int {
        let waiting = parked.list.withLock { list in
            defer { list.removeAll() }
            return list
        }
        var answered = 0
        var still: [Parked] = []
        for item in waiting {
            if let proof = proofs.proof(forInput: item.inputJSON, wrong: wrong.contains(item.prover)) {
                item.answer(Self.result(job: item.job, epoch: item.epoch, proof: proof))
                answered += 1
            } else {
                still.append(item)
            }
        }
        parked.list.withLock { $0.append(contentsOf: still) }
        return answered
    }

    /// The first parked assignment, when there is one.
    public var firstParked: Parked? { parked.list.withLock { $0.first } }

    /// One connection of light prover `index`: hello, the signed challenge, then heartbeats up and assignments
    /// answered as they come, until the stream ends.
    func session<Transport: ClientTransport>(_ index: Int, client: GRPCClient<Transport>) async throws {
        let identity = identities[index]
        let cheats = wrong.contains(index)
        let (stream, outbound) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        outbound.yield(hello(index))
        let service = Provernet_V1_ProverService.Client(wrapping: client)
        try await service.connect(options: .provernet()) { writer in
            for await message in stream { try await writer.write(message) }
        } onResponse: { response in
            defer { outbound.finish() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (welcomes, welcomed) = AsyncStream<Duration>.makeStream()
                group.addTask {
                    for await interval in welcomes {
                        while !Task.isCancelled {
                            outbound.yield(heartbeat())
                            try await Task.sleep(for: interval)
                        }
                    }
                }
                group.addTask {
                    defer { welcomed.finish() }
                    for try await message in response.messages {
                        switch message.message {
                        case .challenge(let challenge):
                            var answer = Provernet_V1_ChallengeResponse()
                            answer.signature = Data(try identity.sign(nonce: Array(challenge.nonce)))
                            outbound.yield(.with { $0.message = .challengeResponse(answer) })
                        case .welcome(let welcome):
                            recorder.welcomed()
                            welcomed.yield(.milliseconds(max(100, Int(welcome.heartbeatIntervalMillis))))
                            welcomed.finish()
                        case .assignment(let assignment):
                            recorder.assigned(job: assignment.jobID, request: assignment.requestID)
                            if let proof = proofs.proof(forInput: assignment.inputJson, wrong: cheats) {
                                outbound.yield(
                                    Self.result(job: assignment.jobID, epoch: assignment.epoch, proof: proof))
                            } else {
                                parked.list.withLock {
                                    $0.append(
                                        Parked(
                                            job: assignment.jobID, epoch: assignment.epoch,
                                            inputJSON: assignment.inputJson, artifacts: assignment.artifacts,
                                            prover: index, answer: { outbound.yield($0) }))
                                }
                            }
                        case .verdict(let verdict):
                            recorder.verdict(job: verdict.jobID, accepted: verdict.accepted, reason: verdict.reason)
                        case .cancel, nil:
                            continue
                        }
                    }
                }
                // The receiving task ends the session; the heartbeats end with it.
                try await group.next()
                group.cancelAll()
            }
        }
    }

    func hello(_ index: Int) -> Provernet_V1_ProverMessage {
        var capabilities = Provernet_V1_Capabilities()
        capabilities.proofSystems = [settings.proofSystem]
        capabilities.maxConstraints = settings.maxConstraints
        capabilities.slots = UInt32(settings.slots)
        capabilities.cores = 1
        capabilities.memoryBytes = 1 << 30
        capabilities.secondsPerJob = [settings.jobClass: settings.secondsPerJob]
        var hello = Provernet_V1_Hello()
        hello.publicKey = Data(identities[index].publicKey)
        hello.version = ProverNetVersion.software
        hello.capabilities = capabilities
        hello.askUnits = [settings.jobClass: settings.askUnits]
        hello.name = "light-\(index + 1)"
        return .with { $0.message = .hello(hello) }
    }

    func heartbeat() -> Provernet_V1_ProverMessage {
        var beat = Provernet_V1_Heartbeat()
        beat.cpuLoad = 0
        beat.memoryTotalBytes = 1 << 30
        beat.freeSlots = UInt32(settings.slots)
        return .with { $0.message = .heartbeat(beat) }
    }

    /// The assignments parked until their proofs are prepared.
    final class ParkedList: Sendable {
        let list = Mutex<[Parked]>([])
    }

    static func result(job: String, epoch: UInt64, proof: PreparedProof) -> Provernet_V1_ProverMessage {
        var result = Provernet_V1_Result()
        result.jobID = job
        result.epoch = epoch
        result.proof.proofJson = proof.proofJSON
        result.proof.publicJson = proof.publicJSON
        result.proveSeconds = 0
        return .with { $0.message = .result(result) }
    }
}
