import Ethereum
import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store
import SwiftProtobuf

/// The prover service: one bidirectional stream per prover. Hello → challenge → signed response →
/// welcome, then assignments down and progress, results, failures and heartbeats up. Protobuf stays here:
/// the coordinator is told domain events and answers with `ProverInstruction`s, which this turns into
/// messages.
struct ProverServiceHandler: Provernet_V1_ProverService.SimpleServiceProtocol {
    let coordinator: Coordinator
    let circuits: CircuitRegistry
    let checker: ResultChecker
    let store: any GatewayStore
    let configuration: GatewayConfiguration
    let logger: Logger
    /// The operators, when the store keeps them: a hello's authorization is checked here first.
    var operators: OperatorRegistry? = nil
    /// On a gateway that follows the market's leader (several gateways on one database): the provers it serves,
    /// whose slots are rows and whose instructions come by NOTIFY (`SharedMarket.swift`). Nil on the leader.
    var following: FollowerProvers? = nil

    func connect(
        request: RPCAsyncSequence<Provernet_V1_ProverMessage, any Error>,
        response: RPCWriter<Provernet_V1_GatewayMessage>, context: ServerContext
    ) async throws {
        // Everything sent to the prover goes through one stream: the handshake's messages, then the
        // coordinator's instructions, converted. When the coordinator ends its stream (a newer connection of
        // the same prover, or shutdown), the writer ends and with it the reader and the RPC.
        let (outbound, continuation) = AsyncStream<Provernet_V1_GatewayMessage>.makeStream()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await message in outbound { try await response.write(message) }
                return false
            }
            group.addTask {
                defer { continuation.finish() }
                try await session(request: request, outbound: continuation)
                return true
            }
            defer { group.cancelAll() }
            if try await group.next() == false {
                // The writer ended first: either the session ended (its refusal, if it threw one, must still reach
                // the prover: a lost PERMISSION_DENIED would read as a normal end), or the coordinator closed the
                // stream (a newer connection, shutdown), and the session, stopped here, ends the RPC normally.
                group.cancelAll()
                do {
                    _ = try await group.next()
                } catch is CancellationError {
                } catch let error as RPCError where error.code == .cancelled {
                }
            }
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
        // The operator's authorization and standing, and the network's minimum hardware, before anything else.
        let authorization = try await admitOperator(hello, publicKey: publicKey, proverID: proverID)
        let operatorAddress = authorization?.operator
        let record: ProverRecord?
        do {
            record = try await store.prover(id: proverID)
        } catch {
            throw RPCError.from(error)
        }
        // A prover its operator authorized needs no allowlisting of its own (unless it was revoked by name).
        let firstSeen = record == nil && operatorAddress != nil
        guard let record = record ?? (operatorAddress == nil ? nil : authorizedRecord(proverID, hello, publicKey)),
            record.allowed
        else {
            logger.warning(
                "unknown prover refused", metadata: ["prover": "\(proverID.prefix(12))", "name": "\(hello.name)"])
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
        guard ProverAuthentication.verify(signature: [UInt8](answer.signature), nonce: nonce, publicKey: publicKey)
        else {
            logger.warning("bad challenge signature", metadata: ["prover": "\(proverID.prefix(12))"])
            throw RPCError(
                code: .unauthenticated, message: "the challenge signature does not verify with the prover's key")
        }
        // Only the database's writer records a prover; a gateway that follows leaves it to the leader.
        if firstSeen, following == nil {
            do {
                _ = try await store.allowProver(
                    id: proverID, publicKeyHex: publicKey.hex, name: record.name, atMillis: Clock.nowMillis())
            } catch {
                throw RPCError.from(error)
            }
        }
        // 3. Welcome, then the session.
        outbound.yield(
            .with {
                $0.welcome = .with {
                    $0.proverID = proverID.rawValue
                    $0.heartbeatIntervalMillis = UInt32(clamping: configuration.heartbeatMillis)
                    $0.gatewayVersion = ProverNetVersion.software
                }
            })
        let name = hello.name.isEmpty ? record.name : hello.name
        if let following {
            try await serveFollowing(
                following, inbound: &inbound, outbound: outbound, hello: hello, proverID: proverID, name: name,
                authorization: authorization)
            return
        }
        let (instructions, instructionSink) = AsyncStream<ProverInstruction>.makeStream()
        let connection = await coordinator.connect(
            ProverAnnouncement(hello, id: proverID, name: name, operatorAddress: operatorAddress?.lowercased),
            held: Set(hello.heldJobs.map(JobID.init)),
            outbound: instructionSink)
        if let authorization, let operatorAddress, let operators {
            await operators.attach(proverID, to: operatorAddress, nonce: authorization.nonce)
            logger.info(
                "prover authorized by operator",
                metadata: ["prover": "\(proverID.prefix(12))", "operator": "\(operatorAddress)"])
        }
        // The coordinator's instructions, as messages; its stream's end ends the RPC.
        let pump = Task {
            for await instruction in instructions {
                if let message = await message(for: instruction) { outbound.yield(message) }
            }
            outbound.finish()
        }
        defer { pump.cancel() }
        do {
            while let message = try await inbound.next() {
                await handle(message, proverID: proverID, connection: connection)
            }
            logger.info("prover closed its stream", metadata: ["prover": "\(proverID.prefix(12))"])
        } catch {
            logger.info("prover stream ended", metadata: ["prover": "\(proverID.prefix(12))", "error": "\(error)"])
        }
        await coordinator.disconnect(proverID, connection: connection)
        if operatorAddress != nil { await operators?.detach(proverID) }
    }

    /// The session of a prover on a gateway that follows: its slots published as a row at once and at each
    /// heartbeat, what else it sends passed to the leader's inbox, until its stream ends.
    func serveFollowing(
        _ following: FollowerProvers,
        inbound: inout RPCAsyncSequence<Provernet_V1_ProverMessage, any Error>.AsyncIterator,
        outbound: AsyncStream<Provernet_V1_GatewayMessage>.Continuation, hello: Provernet_V1_Hello,
        proverID: ProverID, name: String, authorization: ProverAuthorization?
    ) async throws {
        let session = await following.attach(
            proverID, hello: hello, name: name, operatorAddress: authorization?.operator.lowercased,
            operatorNonce: authorization?.nonce, outbound: outbound)
        do {
            while let message = try await inbound.next() {
                switch message.message {
                case .heartbeat(let beat): await following.heartbeat(proverID, session: session, beat)
                case .progress, .result, .failure, .statementMismatch: await following.post(proverID, message)
                case .hello, .challengeResponse:
                    logger.warning(
                        "unexpected handshake message on an open stream", metadata: ["prover": "\(proverID.prefix(12))"]
                    )
                case nil: break
                }
            }
            logger.info("prover closed its stream", metadata: ["prover": "\(proverID.prefix(12))"])
        } catch {
            logger.info("prover stream ended", metadata: ["prover": "\(proverID.prefix(12))", "error": "\(error)"])
        }
        await following.detach(proverID, session: session)
    }

    /// Checks the hello's operator authorization and the prover's hardware against the network's policy;
    /// returns the operator's authorization (nil when none was presented and none is required).
    func admitOperator(_ hello: Provernet_V1_Hello, publicKey: [UInt8], proverID: ProverID) async throws
        -> ProverAuthorization?
    {
        guard let operators else { return nil }
        do {
            let authorization = try await operators.admit(
                authorization: hello.operatorAuthorization, proverKey: publicKey,
                nowUnix: UInt64(max(0, Date().timeIntervalSince1970)))
            var seconds: [JobClass: Double] = [:]
            for (key, value) in hello.capabilities.secondsPerJob {
                if let jobClass = JobClass(key), value.isFinite, value > 0 { seconds[jobClass] = value }
            }
            if let shortfall = operators.policy.hardware.shortfall(
                cores: Int(hello.capabilities.cores), memoryBytes: hello.capabilities.memoryBytes,
                secondsPerJob: seconds)
            {
                throw OperatorRefusal.hardware(shortfall)
            }
            return authorization
        } catch let refusal as OperatorRefusal {
            logger.warning(
                "prover refused",
                metadata: ["prover": "\(proverID.prefix(12))", "reason": "\(refusal.code)", "detail": "\(refusal)"])
            // A suspension ends when the operator is back in order: UNAVAILABLE, which the prover retries with
            // its back-off (and which does not count against its address). Anything else needs the operator to
            // change the prover's authorization or hardware: PERMISSION_DENIED, and the prover stops.
            if refusal.isSuspension {
                throw RPCError(
                    code: .unavailable, message: "refused (\(refusal.code)): \(refusal)",
                    metadata: [ProtocolMetadata.suspension: .string(refusal.code)])
            }
            throw RPCError(code: .permissionDenied, message: "refused (\(refusal.code)): \(refusal)")
        }
    }

    /// The record of a prover first seen with its operator's authorization.
    func authorizedRecord(_ id: ProverID, _ hello: Provernet_V1_Hello, _ publicKey: [UInt8]) -> ProverRecord {
        ProverRecord(
            id: id, publicKeyHex: publicKey.hex, name: hello.name.isEmpty ? "prover-\(id.prefix(8))" : hello.name,
            allowed: true, addedMillis: Clock.nowMillis())
    }

    func handle(_ message: Provernet_V1_ProverMessage, proverID: ProverID, connection: UInt64) async {
        switch message.message {
        case .heartbeat(let beat):
            await coordinator.heartbeat(proverID, connection: connection, HeartbeatReport(beat))
        case .progress(let p):
            await coordinator.progressReported(proverID, ProgressReport(p))
        case .result(let result):
            await handleResult(result, proverID: proverID)
        case .failure(let failure):
            let reason = String(failure.reason.prefix(2000))
            let job = JobID(failure.jobID)
            let epoch = Int64(wireEpoch: failure.epoch)
            if failure.released {
                await coordinator.released(proverID, job: job, epoch: epoch, reason: reason)
            } else {
                await coordinator.failureReported(proverID, job: job, epoch: epoch, reason: reason)
            }
        case .statementMismatch(let mismatch):
            await handleMismatch(mismatch, proverID: proverID)
        case .hello, .challengeResponse:
            logger.warning(
                "unexpected handshake message on an open stream", metadata: ["prover": "\(proverID.prefix(12))"])
        case nil:
            break
        }
    }

    /// Verifies a result outside the coordinator (a pairing check takes milliseconds), then hands the
    /// verdict to it, where the lease is checked again.
    func handleResult(_ result: Provernet_V1_Result, proverID: ProverID) async {
        let jobID = JobID(result.jobID)
        let epoch = Int64(wireEpoch: result.epoch)
        let proveMillis =
            result.proveSeconds.isFinite ? Int64((min(max(0, result.proveSeconds), 1e7) * 1000).rounded()) : 0
        guard
            case (let job, let request)? = try? await coordinator.checkLease(prover: proverID, job: jobID, epoch: epoch)
        else {
            // Not a current lease: the coordinator says why, or acknowledges a result it already accepted.
            await coordinator.resultArrived(proverID, job: jobID, epoch: epoch, .invalid("not a current lease"))
            return
        }
        let statements = job.isAggregation ? await coordinator.statements(of: request.id) : []
        let start = ContinuousClock.now
        let checked = await checker.check(
            ProofPayload(result.proof, kind: job.kind), proveMillis: proveMillis, job: job, request: request,
            statements: statements)
        coordinator.metrics.verified(seconds: Coordinator.seconds(ContinuousClock.now - start), kind: job.kind)
        await coordinator.resultArrived(proverID, job: jobID, epoch: epoch, checked)
    }

    /// A prover says its witness of a job's input gives other public signals than the declared ones. Only now
    /// does the gateway run the input's witness (outside the coordinator, as a verification): if the
    /// prover's signals are the input's and the client declared others, the client was wrong
    /// (`Coordinator.falseDeclarationFound`); otherwise the prover lied, and its report is judged as an
    /// invalid proof (slash, reputation, one attempt), exactly as a proof of the wrong statement would be.
    func handleMismatch(_ mismatch: Provernet_V1_StatementMismatch, proverID: ProverID) async {
        let jobID = JobID(mismatch.jobID)
        let epoch = Int64(wireEpoch: mismatch.epoch)
        let reported = String(mismatch.publicJson.prefix(checker.limits.maxProofJSONBytes))
        guard
            case (let job, let request)? = try? await coordinator.checkLease(prover: proverID, job: jobID, epoch: epoch)
        else {
            await coordinator.resultArrived(proverID, job: jobID, epoch: epoch, .invalid("not a current lease"))
            return
        }
        // The gateway's own trouble loading the circuit is no one's fault: no verdict, the lease lapses.
        guard let circuit = try? await circuits.circuit(request.circuitID).circuit else {
            logger.error("cannot load the circuit to judge a statement mismatch", metadata: ["job": "\(jobID)"])
            return
        }
        let start = ContinuousClock.now
        let verdict: MismatchVerdict
        do {
            guard job.statementDeclared, !job.isAggregation else {
                throw ProverNetError.invalidProof(
                    reason: "a statement mismatch was reported for a job whose statement the gateway computed itself")
            }
            let input = job.inputJSON
            let index = job.index
            let truth = try await Task.detached { try circuit.statement(inputJSON: input, index: index) }.value
            let signals: [String]
            do {
                signals = try JSONDecoder().decode([String].self, from: Data(reported.utf8))
            } catch {
                throw ProverNetError.invalidProof(reason: "the mismatch's public signals are not a list of numbers")
            }
            // Compared in the statement's canonical form, as the circuit writes it.
            let claimed = try circuit.declaredStatement(signals, index: index)
            guard claimed == truth, truth != job.statementJSON else {
                throw ProverNetError.invalidProof(
                    reason:
                        "statement mismatch reported with public signals \(claimed), but the input implies \(truth) and the client declared \(job.statementJSON)"
                )
            }
            verdict = .clientWrong(truth)
        } catch {
            verdict = .proverWrong("\(error)")
        }
        coordinator.metrics.verified(seconds: Coordinator.seconds(ContinuousClock.now - start), kind: job.kind)
        switch verdict {
        case .clientWrong(let truth):
            coordinator.metrics.statementMismatch(wrong: "client")
            logger.info(
                "a client declared a false statement",
                metadata: ["job": "\(jobID)", "prover": "\(proverID.prefix(12))"])
            await coordinator.falseDeclarationFound(proverID, job: jobID, epoch: epoch, inputStatement: truth)
        case .proverWrong(let reason):
            coordinator.metrics.statementMismatch(wrong: "prover")
            await coordinator.resultArrived(
                proverID, job: jobID, epoch: epoch,
                .invalid(reason, proofSHA256: ContentHash.sha256Hex(Array(reported.utf8))))
        }
    }

    enum MismatchVerdict {
        /// The prover's signals are the input's, and the client declared others.
        case clientWrong(String)
        /// The prover's report is false (or it reported a mismatch on a job it cannot have one on).
        case proverWrong(String)
    }

    /// The message of an instruction; nil for an assignment whose circuit cannot be read (its lease lapses
    /// and the job returns to the market).
    func message(for instruction: ProverInstruction) async -> Provernet_V1_GatewayMessage? {
        switch instruction {
        case .assign(let assignment):
            guard let a = await self.assignment(assignment) else {
                logger.error("cannot build an assignment", metadata: ["job": "\(assignment.job.id)"])
                return nil
            }
            return .with { $0.assignment = a }
        case .stop(let job, let epoch, let reason):
            return .with {
                $0.cancel = .with {
                    $0.jobID = job.rawValue
                    $0.epoch = UInt64(clamping: epoch)
                    $0.reason = reason
                }
            }
        case .verdict(let job, let epoch, let accepted, let reason):
            return .with {
                $0.verdict = .with {
                    $0.jobID = job.rawValue
                    $0.epoch = UInt64(clamping: epoch)
                    $0.accepted = accepted
                    $0.reason = reason
                }
            }
        }
    }

    /// The assignment message of a leased job.
    func assignment(_ assignment: JobAssignment) async -> Provernet_V1_Assignment? {
        let job = assignment.job
        var a = Provernet_V1_Assignment()
        a.jobID = job.id.rawValue
        a.epoch = UInt64(clamping: assignment.lease.epoch)
        a.requestID = job.requestID.rawValue
        a.circuitID = assignment.circuitID.rawValue
        a.priceUnits = assignment.lease.price.units
        a.deadlineUnixMillis = assignment.deadlineMillis
        a.jobClass = job.jobClass.description
        guard let system = circuits.proofSystems.system(of: job.jobClass) else { return nil }
        a.jobKind = system.jobKind
        if job.isAggregation {
            guard let aggregation = coordinator.aggregation,
                let input = try? JSONDecoder().decode(AggregationInput.self, from: Data(job.inputJSON.utf8))
            else { return nil }
            a.proofs = UInt32(clamping: input.count)
            a.artifacts = [aggregation.srs, input.verificationKey, input.proofs].map(\.proto)
            return a
        }
        guard let circuit = try? await circuits.descriptor(assignment.circuitID) else { return nil }
        a.circuitKind = Provernet_V1_CircuitKind(kindName: circuit.kind.rawValue)
        a.circuitKindName = circuit.kind.rawValue
        a.constraints = circuit.constraints
        a.artifacts = circuit.artifacts.map(\.proto)
        a.inputJson = job.inputJSON
        if job.statementDeclared { a.declaredPublicJson = job.statementJSON }
        return a
    }
}
