import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store

/// Scenarios in which a prover dies, restarts, stalls or loses its network.
extension ChaosScenario {
    static let proverKilled = ChaosScenario(
        name: "prover-killed",
        summary: """
            A prover is SIGKILLed (with its workers) while it proves a job: the job goes back to the market \
            without using an attempt and completes on the other prover.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 4)
        let proving = try await context.waitForEvent("a job being proven", in: request) { $0.isMidProof }
        let victim = await context.network.name(of: proving.prover)
        let victimID = proving.prover
        let job = proving.job ?? "?"
        try await context.network.killProver(victim)
        let verifiedBefore = context.events(of: request).contains { $0.kind == .verified && $0.job == job }
        context.fact("killed", "\(victim) while it proved \(job) (stage \(proving.message))")
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
        context.atEnd { records in
            guard let record = records.job(job) else { return ["job \(job) is not in the gateway's records"] }
            // A proof the prover sent just before it died may still count; otherwise the job went back to
            // the market and someone else proved it.
            if record.proverID == victimID {
                context.fact("raced", "the killed prover's proof of \(job) was already on its way and was accepted")
                return []
            }
            let requeued = context.events(of: request).contains { $0.kind == .requeued && $0.job == job }
            return requeued || verifiedBefore
                ? [] : ["job \(job) was never seen going back to the market after its prover died"]
        }
    }

    static let proverRestarted = ChaosScenario(
        name: "prover-restarted",
        summary: """
            The only prover is SIGKILLed while it proves a job and started again with the same key and data \
            directory: it reconnects and the request completes, without using an attempt.
            """,
        provers: proverNames(1)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 3)
        let proving = try await context.waitForEvent("a job being proven", in: request) { $0.isMidProof }
        try await context.network.killProver("prover-1")
        context.fact("killed", "prover-1 while it proved \(proving.job ?? "?") (stage \(proving.message))")
        try? await Task.sleep(for: .milliseconds(300))
        try await context.network.startProver("prover-1")
        try await context.network.waitForProvers(["prover-1"])
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }

    static let proverStalled = ChaosScenario(
        name: "prover-stalled",
        summary: """
            A prover stalls without dying (SIGSTOP, its connection left open) while it proves the only job, \
            for longer than a lease: the lease lapses, the job goes to a second, cheaper prover started \
            meanwhile. Then the stalled prover goes on (SIGCONT) and sends its late result, which is refused \
            and not paid. (Its connection goes through a forwarder that holds the gateway's messages to it \
            during the stall, so that its result goes out before it hears of the cancel.)
            """,
        provers: proverNames(2), startedProvers: [], proverArguments: ["prover-2": ["--ask", "0.5"]]
    ) { context in
        let forwarder = try await TCPForwarder.start(to: await context.network.port, logger: context.logger)
        do {
            try await stall(context, forwarder: forwarder)
        } catch {
            await forwarder.stop()
            throw error
        }
        await forwarder.stop()
    }

    private static func stall(_ context: ChaosContext, forwarder: TCPForwarder) async throws {
        try await context.network.route("prover-1", through: forwarder.address)
        try await context.network.startProver("prover-1")
        try await context.network.waitForProvers(["prover-1"])
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 1)
        let proving = try await context.waitForEvent("a job being proven", in: request) { $0.isMidProof }
        let job = proving.job ?? "?"
        let stalledID = try await context.network.proverID("prover-1")
        let rescuerID = try await context.network.proverID("prover-2")
        try await context.network.pauseProver("prover-1")
        forwarder.holdToProver()
        try await context.network.startProver("prover-2")
        let verified = try? await context.waitForEvent("the job verified while prover-1 is stalled", in: request) {
            $0.kind == .verified && $0.job == job
        }
        context.fact("stalled", "prover-1 from \(job)'s stage \(proving.message) until it was verified elsewhere")
        let verifier = await context.network.name(of: verified?.prover)
        context.expect(
            verified?.prover == rescuerID,
            "job \(job) was not verified by prover-2 while prover-1 stalled (verified by \(verifier))")
        context.expect(
            context.events(of: request).contains {
                $0.kind == .requeued && $0.job == job && $0.message.contains("lease expired")
            },
            "no \"lease expired\" requeue of \(job) was seen while its prover stalled")
        // The stalled prover goes on: its worker finished meanwhile, so it sends its (late) result.
        try await context.network.resumeProver("prover-1")
        let sent = await context.waitUntil(timeout: .seconds(10)) {
            context.log(of: "prover-1", hasLineWith: ["job proven", "\(job)"])
        }
        try? await Task.sleep(for: .milliseconds(300))
        forwarder.releaseToProver()
        _ = await context.waitUntil(timeout: .seconds(5)) {
            context.log(of: "prover-1", hasLineWith: ["proof rejected", "\(job)"])
                || context.log(of: "prover-1", hasLineWith: ["proof accepted", "\(job)"])
        }
        let outcome: String
        if context.log(of: "prover-1", hasLineWith: ["proof accepted", "\(job)"]) {
            context.fail("the stalled prover's late proof of \(job) was accepted")
            outcome = "ACCEPTED"
        } else if context.log(of: "prover-1", hasLineWith: ["proof rejected", "\(job)"]) {
            outcome = "its late result was refused"
        } else {
            context.expect(sent, "the stalled prover did not finish \(job) within 10 s of going on")
            outcome = sent ? "it sent its result but got no verdict" : "it sent no result"
        }
        context.fact("late_result", outcome)
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
        context.atEnd { records in
            records.payments(of: job).filter { $0.proverID == stalledID }.map { _ in
                "the stalled prover was paid for \(job)"
            }
        }
    }

    static let connectionDropped = ChaosScenario(
        name: "connection-dropped",
        summary: """
            One prover connects through a loopback forwarder, which is cut (both sides closed, new \
            connections refused) for 1.5 s while the prover proves a job, then restored: the prover \
            reconnects, its job goes back to the market without using an attempt, a late result is \
            refused, and a request submitted after it came back completes too.
            """,
        provers: proverNames(2), startedProvers: []
    ) { context in
        let forwarder = try await TCPForwarder.start(to: await context.network.port, logger: context.logger)
        do {
            try await dropConnection(context, forwarder: forwarder)
        } catch {
            await forwarder.stop()
            throw error
        }
        await forwarder.stop()
    }

    private static func dropConnection(_ context: ChaosContext, forwarder: TCPForwarder) async throws {
        try await context.network.route("prover-1", through: forwarder.address)
        try await context.network.startProver("prover-1")
        try await context.network.startProver("prover-2")
        try await context.network.waitForProvers(["prover-1", "prover-2"])
        let droppedID = try await context.network.proverID("prover-1")
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 4)
        let proving = try await context.waitForEvent("prover-1 proving a job", in: request) {
            $0.isMidProof && $0.prover == droppedID
        }
        forwarder.cut()
        try? await Task.sleep(for: .milliseconds(1500))
        forwarder.restore()
        context.fact(
            "dropped",
            "prover-1's connection for 1.5 s while it proved \(proving.job ?? "?") (stage \(proving.message))")
        try await context.network.waitForProvers(["prover-1"], timeout: .seconds(30))
        let connections = context.countLines(of: "prover-1", with: ["connected to the gateway"])
        context.expect(
            connections >= 2, "prover-1 logged \(connections) connection(s) to the gateway, not a reconnection")
        context.fact("connections_through_forwarder", "\(forwarder.connectionsForwarded)")
        if let job = proving.job {
            let late = await context.waitUntil(timeout: .seconds(5)) {
                context.log(of: "prover-1", hasLineWith: ["proof rejected", "\(job)"])
                    || context.log(of: "prover-1", hasLineWith: ["proof accepted", "\(job)"])
            }
            context.fact(
                "late_result",
                !late
                    ? "prover-1 sent no result for \(job) after it reconnected"
                    : context.log(of: "prover-1", hasLineWith: ["proof rejected", "\(job)"])
                        ? "prover-1's result for \(job), sent after it reconnected, was refused"
                        : "prover-1's result for \(job) was accepted (it kept the job)")
        }
        let after = try await context.submit(circuit: circuit, inputs: 4)
        await context.requests.waitForFinal(until: context.deadline)
        context.fact("second_request", after.rawValue)
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }

    static let redundancyWithOneProverDead = ChaosScenario(
        name: "redundancy-one-dead",
        summary: """
            A request with redundancy 2: each input's two replica jobs are leased to two different provers \
            at once; one of an input's two provers is SIGKILLed; the request completes and each input is \
            paid exactly once (its other replica cancelled, not paid).
            """,
        // Four one-slot provers for two inputs × two replicas: every replica is leased at once.
        provers: proverNames(4)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 2, redundancy: 2)
        _ = await context.waitUntil(timeout: .seconds(60)) {
            ChaosScenario.doublyLeased(context.events(of: request)) != nil
        }
        guard let pair = ChaosScenario.doublyLeased(context.events(of: request)), let victimID = pair.provers.first
        else {
            throw HarnessError.eventDidNotHappen(
                what: "an input leased to two provers at once", request: request, seconds: 60)
        }
        let victim = await context.network.name(of: victimID)
        try await context.network.killProver(victim)
        context.fact("killed", "\(victim), one of the two provers of \(pair.job)")
        await context.requests.waitForFinal(until: context.deadline)
        let events = context.events(of: request)
        for index in 0..<2 {
            let provers = Set(
                events.filter { ($0.kind == .assigned || $0.kind == .progress) && $0.jobIndex == index }.compactMap(
                    \.prover))
            context.expect(provers.count >= 2, "job \(index) was leased to \(provers.count) prover(s), not 2")
        }
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
        context.atEnd { records in
            // Each input once, whichever of its replicas won.
            let byInput = Dictionary(grouping: records.allJobs.filter { $0.requestID == request }, by: \.index)
            return byInput.keys.sorted().compactMap { index in
                let paid = (byInput[index] ?? []).reduce(0) { $0 + records.payments(of: $1.id).count }
                return paid == 1 ? nil : "input \(index) was paid \(paid) times, not once"
            }
        }
    }

    /// The first input whose replicas' `assigned` or `progress` events name two different provers, with
    /// them (the first assignments can come before the watch starts; progress shows who holds a job then).
    static func doublyLeased(_ events: [RequestEvent]) -> (job: JobID, provers: [ProverID])? {
        var holders: [Int: [ProverID]] = [:]
        for event in events where event.kind == .assigned || event.kind == .progress {
            guard let job = event.job, let index = event.jobIndex, let prover = event.prover else { continue }
            if !(holders[index]?.contains(prover) ?? false) { holders[index, default: []].append(prover) }
            if let list = holders[index], list.count >= 2 { return (job, list) }
        }
        return nil
    }
}
