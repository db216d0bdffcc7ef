import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store

/// Scenarios in which the gateway dies or is shut down, and one in which both roles shut down gracefully.
extension ChaosScenario {
    static let gatewayKilled = ChaosScenario(
        name: "gateway-killed",
        summary: """
            The gateway is SIGKILLed while its market assigns jobs and provers hold leases, and started \
            again on the same port and database: the provers reconnect, the requests resume from what was \
            stored and complete, and no job uses an attempt.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        let first = try await context.submit(circuit: circuit, inputs: 6)
        _ = try await context.submit(circuit: circuit, inputs: 4)
        let verified = try await context.waitForEvent("a verified proof", in: first) { $0.kind == .verified }
        // Right after a verdict the market runs a round at once: the kill lands in the middle of it or of
        // the assignments it sends.
        await context.network.killGateway()
        context.fact(
            "killed",
            "the gateway right after \(verified.job ?? "?") was verified (\(verified.jobsVerified)/\(verified.jobsTotal))"
        )
        try? await Task.sleep(for: .milliseconds(500))
        try await context.network.startGateway()
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }

    static let gatewayKilledWithResultInFlight = ChaosScenario(
        name: "gateway-killed-result-in-flight",
        summary: """
            The gateway is frozen (SIGSTOP) when a prover reports the end of a proof, so that the result the \
            prover then sends is still unread in the gateway's socket, and killed (SIGKILL) there; started \
            again on the same port and database, it gets the job proven again (the result was lost with it): \
            the request completes, the job is paid once, no attempt used.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 4)
        let ending = try await context.waitForEvent("a proof near its end", in: request) {
            $0.kind == .progress && $0.progress >= 0.5
        }
        await context.network.pauseGateway()
        let prover = await context.network.name(of: ending.prover)
        let job = ending.job ?? "?"
        let sent = await context.waitUntil(timeout: .seconds(10)) {
            context.log(of: prover, hasLineWith: ["job proven", "\(job)"])
        }
        // Give the result a moment to leave the prover for the frozen gateway's socket.
        try? await Task.sleep(for: .milliseconds(200))
        await context.network.killGateway()
        context.fact(
            "result_in_flight",
            sent
                ? "\(prover) sent its proof of \(job) to the frozen gateway, which was then killed"
                : "\(prover) did not finish \(job) within 10 s of the freeze; the gateway was killed anyway")
        try? await Task.sleep(for: .milliseconds(500))
        try await context.network.startGateway()
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
        context.atEnd { records in
            guard let record = records.job(job) else { return ["job \(job) is not in the gateway's records"] }
            context.fact("in_flight_job", "\(job) ended \(record.state.rawValue) under lease epoch \(record.epoch)")
            return record.state == .verified ? [] : ["job \(job) ended \(record.state.rawValue)"]
        }
    }

    static let gracefulShutdown = ChaosScenario(
        name: "graceful-shutdown",
        summary: """
            With work in flight, a prover gets SIGTERM: it finishes its running job, reports it and exits 0, \
            and is started again; then the gateway gets SIGTERM: it stops assigning, waits for the running \
            jobs, exits 0, and is started again on the same port and database. Everything completes without \
            using an attempt.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 8)
        let proving = try await context.waitForEvent("a job being proven", in: request) { $0.isMidProof }
        let prover = await context.network.name(of: proving.prover)
        let job = proving.job ?? "?"
        let proverEnd = try await context.network.terminateProver(prover)
        context.fact("prover_stopped", "\(prover) (SIGTERM while it proved \(job)): \(proverEnd)")
        context.expect(proverEnd == "exit 0", "\(prover) ended with \(proverEnd) after SIGTERM, not exit 0")
        context.expect(
            context.events(of: request).contains {
                $0.kind == .verified && $0.job == job && $0.prover == proving.prover
            },
            "\(prover) did not finish its running job \(job) before it stopped (drain)")
        try await context.network.startProver(prover)

        let seen = context.events(of: request).count
        let second = try await context.waitForEvent("a job being proven", in: request, skipping: seen) { $0.isMidProof }
        let gatewayEnd = try await context.network.terminateGateway()
        context.fact("gateway_stopped", "SIGTERM while \(second.job ?? "?") was being proven: \(gatewayEnd)")
        context.expect(gatewayEnd == "exit 0", "the gateway ended with \(gatewayEnd) after SIGTERM, not exit 0")
        context.expect(
            context.log(of: "gateway", hasLineWith: ["gateway stopped; database closed"]),
            "the gateway's log does not say it closed its database")
        try await context.network.startGateway()
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }
}
