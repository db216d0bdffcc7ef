import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

/// One connection of the prover's stream: hello, the signed challenge, welcome, then assignments,
/// cancels and verdicts down, and progress, results, failures and heartbeats up through the outbox.
struct GatewaySession: Sendable {
    let identity: ProverIdentity
    let configuration: ProverNodeConfiguration
    let capabilities: Capabilities
    let jobs: JobTable
    let outbox: Outbox
    let connectionState: ConnectionState
    let assignments: AsyncStream<(JobAssignment, WorkerHandle)>.Continuation
    let proofSystems: ProofSystemRegistry
    let metrics: ProverMetrics
    let logger: Logger

    /// The heartbeat interval used when the gateway names none.
    static let defaultHeartbeatInterval = Duration.seconds(5)

    /// Runs one connection until it ends. Returns whether the gateway welcomed the prover; throws the
    /// RPC's error if it ended with one.
    func run<Transport: ClientTransport>(client: GRPCClient<Transport>, gateway: GatewayEndpoint) async throws -> Bool {
        let (stream, connection) = AsyncStream<Provernet_V1_ProverMessage>.makeStream()
        connection.yield(
            ProverMessages.hello(
                identity: identity, name: configuration.name, capabilities: capabilities,
                ask: configuration.askTable,
                heldJobs: Array(Set(jobs.jobs.map(\.id) + outbox.unacknowledgedJobs)).sorted(),
                operatorAuthorization: configuration.operatorAuthorization))
        let prover = Provernet_V1_ProverService.Client(wrapping: client)
        return try await prover.connect(options: .provernet()) { writer in
            for await message in stream { try await writer.write(message) }
        } onResponse: { response in
            defer {
                outbox.detach()
                connection.finish()
            }
            let (welcomes, welcomed) = AsyncStream<Duration>.makeStream()
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await sendHeartbeats(after: welcomes)
                    return false
                }
                group.addTask {
                    defer { welcomed.finish() }
                    return try await receive(
                        response.messages, connection: connection, welcomed: welcomed, gateway: gateway)
                }
                // The receiving task ends the session; the heartbeats end with it.
                var result = false
                while let finished = try await group.next() {
                    result = result || finished
                    group.cancelAll()
                }
                return result
            }
        }
    }

    private func receive(
        _ messages: RPCAsyncSequence<Provernet_V1_GatewayMessage, any Error>,
        connection: AsyncStream<Provernet_V1_ProverMessage>.Continuation,
        welcomed: AsyncStream<Duration>.Continuation, gateway: GatewayEndpoint
    ) async throws -> Bool {
        var isWelcomed = false
        for try await message in messages {
            switch message.message {
            case .challenge(let challenge):
                guard !isWelcomed else { throw ProverNodeError.protocolViolation("a challenge after the welcome") }
                let signature = try identity.sign(nonce: Array(challenge.nonce))
                connection.yield(ProverMessages.challengeResponse(signature: signature))
            case .welcome(let welcome):
                guard !isWelcomed else { throw ProverNodeError.protocolViolation("a second welcome") }
                isWelcomed = true
                if welcome.proverID != identity.proverID.rawValue {
                    logger.warning(
                        "the gateway names this prover differently",
                        metadata: ["gateway_prover_id": "\(welcome.proverID)"])
                }
                let interval =
                    welcome.heartbeatIntervalMillis > 0
                    ? Duration.milliseconds(max(100, Int(welcome.heartbeatIntervalMillis)))
                    : Self.defaultHeartbeatInterval
                logger.info(
                    "connected to the gateway",
                    metadata: [
                        "gateway": "\(gateway)", "gateway_version": "\(welcome.gatewayVersion)",
                        "heartbeat": "\(interval)", "held_jobs": "\(jobs.jobs.count)",
                    ])
                outbox.attach(connection)
                connectionState.welcomed(heartbeatInterval: interval)
                welcomed.yield(interval)
                welcomed.finish()
            case .assignment(let assignment):
                guard isWelcomed else { throw ProverNodeError.protocolViolation("an assignment before the welcome") }
                take(assignment)
            case .verdict(let verdict):
                outbox.acknowledge(job: verdict.jobID, epoch: verdict.epoch)
                metrics.verdict(accepted: verdict.accepted)
                let metadata: Logger.Metadata = ["job": "\(verdict.jobID)", "epoch": "\(verdict.epoch)"]
                if verdict.accepted {
                    logger.info("proof accepted", metadata: metadata)
                } else {
                    logger.warning("proof rejected", metadata: metadata.merging(["reason": "\(verdict.reason)"]) { $1 })
                }
            case .cancel(let cancel):
                let held = jobs.cancel(job: JobID(cancel.jobID), epoch: cancel.epoch)
                logger.info(
                    held ? "cancelling job" : "cancel for a job not held",
                    metadata: ["job": "\(cancel.jobID)", "epoch": "\(cancel.epoch)", "reason": "\(cancel.reason)"])
            case nil:
                continue
            }
        }
        return isWelcomed
    }

    /// Admits an assignment and hands it to the jobs' task group, or refuses it with a failure.
    private func take(_ message: Provernet_V1_Assignment) {
        let assignment: JobAssignment
        do {
            assignment = try JobAssignment(message, systems: proofSystems)
        } catch {
            logger.warning("assignment refused", metadata: ["job": "\(message.jobID)", "reason": "\(error)"])
            outbox.send(
                ProverMessages.failure(job: JobID(message.jobID), epoch: message.epoch, reason: "\(error)"), keep: true)
            return
        }
        switch jobs.admit(job: assignment.job, epoch: assignment.epoch, jobClass: assignment.jobClass) {
        case .admitted(let handle):
            assignments.yield((assignment, handle))
        case .renewed:
            logger.info("job renewed", metadata: ["job": "\(assignment.job)", "epoch": "\(assignment.epoch)"])
        case .refused(let reason):
            logger.warning(
                "assignment refused",
                metadata: ["job": "\(assignment.job)", "epoch": "\(assignment.epoch)", "reason": "\(reason)"])
            // Handed back, not failed: a node that is shutting down or full costs the job no attempt.
            outbox.send(
                ProverMessages.failure(job: assignment.job, epoch: assignment.epoch, reason: reason, released: true),
                keep: true)
        }
    }

    /// Sends a heartbeat at once after the welcome, then every interval, until cancelled. The node does no
    /// proving of its own (that is in niced child processes), so nothing starves this loop.
    private func sendHeartbeats(after welcomes: AsyncStream<Duration>) async {
        for await interval in welcomes {
            while !Task.isCancelled {
                outbox.send(
                    ProverMessages.heartbeat(metrics: .current(), jobs: jobs.jobs, freeSlots: jobs.freeSlots),
                    keep: false)
                connectionState.heartbeatSent()
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}
