import BN254
import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import SwiftProtobuf
import ProverNetCore
import Store

/// The prover service: one bidirectional stream per prover. Hello → challenge → signed response →
/// welcome, then assignments down and progress, results, failures and heartbeats up.
struct ProverServiceHandler: Provernet_V1_ProverService.SimpleServiceProtocol {
    let coordinator: Coordinator
    let circuits: CircuitRegistry
    let store: any GatewayStore
    let configuration: GatewayConfiguration
    let logger: Logger

    func connect(
        request: RPCAsyncSequence<Provernet_V1_ProverMessage, any Error>,
        response: RPCWriter<Provernet_V1_GatewayMessage>, context: ServerContext
    ) async throws {
        // Everything sent to the prover goes through one stream: the handshake's messages, then the
        // coordinator's. When the coordinator closes it (a newer connection of the same prover, or
        // shutdown), the writer ends and with it the reader and the RPC.
        let (outbound, continuation) = AsyncStream<Provernet_V1_GatewayMessage>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outbound { try await response.write(message) }
            }
            group.addTask {
                defer { continuation.finish() }
                try await session(request: request, outbound: continuation)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The handshake, then the prover's messages until its stream ends.
    func session(
        request: RPCAsyncSequence<Provernet_V1_ProverMessage, any Error>,
        outbound: AsyncStream<Provernet_V1_GatewayMessage>.Continuation
    ) async throws {
        var inbound = request.makeAsyncIterator()
        // 1. Hello.
        guard let first = try await inbound.next(), case .hello(let hello)? = first.message else {
            throw RPCError(code: .invalidArgument, message: "the first message must be a hello")
        }
        let major = hello.version.split(separator: ".").first.flatMap { Int($0) }
        guard let major, major <= ProverNetVersion.protocolMajor else {
            throw RPCError(
                code: .failedPrecondition,
                message: "prover version \(hello.version) is not supported by gateway \(ProverNetVersion.software)")
        }
        let publicKey = [UInt8](hello.publicKey)
        guard publicKey.count == 32 else {
            throw RPCError(code: .invalidArgument, message: "public_key must be a raw 32-byte Ed25519 key")
        }
        let proverID = ProverAuthentication.proverID(publicKey: publicKey)
        let record: ProverRecord?
        do {
            record = try store.prover(id: proverID)
        } catch {
            throw RPCError.from(error)
        }
        guard let record, record.allowed else {
            logger.warning("unknown prover refused", metadata: ["prover": "\(proverID.prefix(12))", "name": "\(hello.name)"])
            throw RPCError(
                code: .permissionDenied,
                message: "prover \(proverID) (public key \(publicKey.hex)) is not on this gateway's allowlist")
        }
        // 2. Challenge and its signed response.
        let nonce = ProverAuthentication.newNonce()
        outbound.yield(.with { $0.challenge = .with { $0.nonce = Data(nonce) } })
        guard let second = try await inbound.next(), case .challengeResponse(let answer)? = second.message else {
            throw RPCError(code: .unauthenticated, message: "expected the signed challenge")
        }
        guard ProverAuthentication.verify(signature: [UInt8](answer.signature), nonce: nonce, publicKey: publicKey) else {
            logger.warning("bad challenge signature", metadata: ["prover": "\(proverID.prefix(12))"])
            throw RPCError(code: .unauthenticated, message: "the challenge signature does not verify with the prover's key")
        }
        // 3. Welcome, then the session.
        outbound.yield(.with {
            $0.welcome = .with {
                $0.proverID = proverID
                $0.heartbeatIntervalMillis = UInt32(clamping: configuration.heartbeatMillis)
                $0.gatewayVersion = ProverNetVersion.software
            }
        })
        let name = hello.name.isEmpty ? record.name : hello.name
        let connection = await coordinator.connect(proverID: proverID, name: name, hello: hello, outbound: outbound)
        do {
            while let message = try await inbound.next() {
                await handle(message, proverID: proverID, connection: connection)
            }
            logger.info("prover closed its stream", metadata: ["prover": "\(proverID.prefix(12))"])
        } catch {
            logger.info("prover stream ended", metadata: ["prover": "\(proverID.prefix(12))", "error": "\(error)"])
        }
        await coordinator.disconnect(proverID: proverID, connection: connection)
    }

    func handle(_ message: Provernet_V1_ProverMessage, proverID: ProverID, connection: UInt64) async {
        switch message.message {
        case .heartbeat(let beat):
            await coordinator.heartbeat(proverID: proverID, connection: connection, beat)
        case .progress(let p):
            await coordinator.progressReport(proverID: proverID, p)
        case .result(let result):
            await handleResult(result, proverID: proverID)
        case .failure(let failure):
            let reason = String(failure.reason.prefix(2000))
            if failure.released {
                await coordinator.release(proverID: proverID, job: failure.jobID, epoch: failure.epoch, reason: reason)
                return
            }
            do {
                try await coordinator.reject(
                    proverID: proverID, job: failure.jobID, epoch: failure.epoch, reason: "prover failed: \(reason)",
                    reportedFailure: true)
            } catch {
                logger.info("failure report refused", metadata: ["job": "\(failure.jobID)", "reason": "\(error)"])
            }
        case .hello, .challengeResponse:
            logger.warning("unexpected handshake message on an open stream", metadata: ["prover": "\(proverID.prefix(12))"])
        case nil:
            break
        }
    }

    /// Verifies a result outside the coordinator (a pairing check takes milliseconds), then accepts or
    /// rejects it there, where the lease is checked again.
    func handleResult(_ result: Provernet_V1_Result, proverID: ProverID) async {
        let job: JobRecord
        do {
            job = try await coordinator.checkLease(proverID: proverID, job: result.jobID, epoch: result.epoch)
        } catch {
            // The same result again (a retry after a lost acknowledgement): accepted once, acknowledged again.
            if await coordinator.alreadyAccepted(proverID: proverID, job: result.jobID, epoch: result.epoch) {
                await sendVerdict(proverID: proverID, result: result, accepted: true, reason: "already accepted")
                return
            }
            await sendVerdict(proverID: proverID, result: result, accepted: false, reason: "\(error)")
            return
        }
        let limits = configuration.limits
        var verdict: String? = nil
        if job.isAggregation {
            verdict = await checkAggregate(result, job: job)
        } else if result.proof.proofJson.utf8.count > limits.maxProofJSONBytes || result.proof.publicJson.utf8.count > limits.maxProofJSONBytes {
            verdict = "proof or public signals over \(limits.maxProofJSONBytes) bytes"
        } else {
            do {
                let (request, _) = try await coordinator.snapshot(job.requestID)
                let (_, circuit) = try circuits.circuit(request.circuitID)
                let expected = try JSONDecoder().decode([String].self, from: Data(job.expectedPublicJSON.utf8))
                let expectedValues = try expected.map { try Fr(string: $0) }
                try circuit.check(proofJSON: result.proof.proofJson, publicJSON: result.proof.publicJson, expected: expectedValues)
            } catch {
                verdict = "\(error)"
            }
        }
        do {
            if let verdict {
                try await coordinator.reject(proverID: proverID, job: job.id, epoch: result.epoch, reason: verdict, reportedFailure: false)
                await sendVerdict(proverID: proverID, result: result, accepted: false, reason: verdict)
            } else {
                try await coordinator.accept(
                    proverID: proverID, job: job.id, epoch: result.epoch, proof: result.proof,
                    proveSeconds: result.proveSeconds.isFinite ? min(max(0, result.proveSeconds), 1e7) : 0)
                await sendVerdict(proverID: proverID, result: result, accepted: true, reason: "")
            }
        } catch {
            await sendVerdict(proverID: proverID, result: result, accepted: false, reason: "\(error)")
        }
    }

    /// Why an aggregate is refused, or nil if it verifies: it must aggregate, in order, proofs of the
    /// request's circuit with exactly the public signals its inputs imply, under the gateway's reference
    /// string.
    func checkAggregate(_ result: Provernet_V1_Result, job: JobRecord) async -> String? {
        guard let aggregation = coordinator.aggregation else { return "this gateway does not aggregate" }
        guard result.proof.aggregate.count <= configuration.limits.maxProofJSONBytes else {
            return "aggregate over \(configuration.limits.maxProofJSONBytes) bytes"
        }
        do {
            let (request, _) = try await coordinator.snapshot(job.requestID)
            let (_, circuit) = try circuits.circuit(request.circuitID)
            let expected = try await coordinator.expectedPublicSignals(job.requestID)
            try SnarkPackProofSystem.check(
                aggregate: [UInt8](result.proof.aggregate), publicSignals: expected,
                verificationKey: circuit.verificationKey, verifierKey: aggregation.verifierKey)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func sendVerdict(proverID: ProverID, result: Provernet_V1_Result, accepted: Bool, reason: String) async {
        await coordinator.send(to: proverID, .with {
            $0.verdict = .with {
                $0.jobID = result.jobID
                $0.epoch = result.epoch
                $0.accepted = accepted
                $0.reason = reason
            }
        })
    }
}

extension Coordinator {
    func send(to proverID: ProverID, _ message: Provernet_V1_GatewayMessage) {
        sessions[proverID]?.send(message)
    }
}
