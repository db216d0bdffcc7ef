import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import Store

/// Scenarios about load and clients: more work than the provers can take, and a client that cancels.
extension ChaosScenario {
    static let burst = ChaosScenario(
        name: "burst",
        summary: """
            A burst of 10 requests of 3 jobs at once for 2 provers of 1 slot each: the jobs wait their turn, \
            none is assigned to a prover without a free slot, both provers work, and everything completes.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        try await withThrowingTaskGroup(of: RequestID.self) { group in
            for _ in 0..<10 {
                group.addTask { try await context.submit(circuit: circuit, inputs: 3) }
            }
            try await group.waitForAll()
        }
        await context.requests.waitForFinal(until: context.deadline)
        for name in ["prover-1", "prover-2"] {
            let refused = context.countLines(of: name, with: ["assignment refused"])
            context.expect(
                refused == 0, "\(name) refused \(refused) assignment(s): the gateway gave it more than its slots")
        }
        let ids = [try await context.network.proverID("prover-1"), try await context.network.proverID("prover-2")]
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
        context.atEnd { records in
            let verified = records.allJobs.filter { $0.state == .verified }
            context.fact(
                "jobs_by_prover", ids.map { id in "\(verified.count { $0.proverID == id })" }.joined(separator: "/"))
            return ids.filter { id in !verified.contains { $0.proverID == id } }.map {
                "prover \($0.prefix(12)) proved none of the burst's \(verified.count) jobs"
            }
        }
    }

    static let cancelWhileProving = ChaosScenario(
        name: "cancel-while-proving",
        summary: """
            A request is cancelled while its jobs are being proven: it ends cancelled with a reason, the \
            provers holding its jobs are told to stop, nothing is assigned after the cancel, and nobody is \
            paid for a cancelled job.
            """,
        provers: proverNames(2)
    ) { context in
        let circuit = try await context.registerCircuit()
        let request = try await context.submit(circuit: circuit, inputs: 6)
        _ = try await context.waitForEvent("a job being proven", in: request) { $0.isMidProof }
        // Who holds which job when the cancel goes out: from the gateway's answer just before it, and from
        // the events seen until it is answered (the first assignments can come before the watch starts).
        var holders: [JobID: ProverID] = [:]
        let snapshot = try? await context.client.call("GetRequest", until: context.deadline) { client in
            try await client.request(request)
        }
        for job in snapshot?.jobs ?? [] where job.state.isLeased {
            if let prover = job.prover { holders[job.id] = prover }
        }
        let state = try await context.client.call("CancelRequest", until: context.deadline) { client in
            try await client.cancel(request)
        }
        context.expect(state == .cancelled, "cancel answered \(state.rawValue), not cancelled")
        let before = context.events(of: request)
        for event in before {
            guard let job = event.job else { continue }
            switch event.kind {
            case .assigned, .progress: if let prover = event.prover { holders[job] = prover }
            case .verified, .requeued, .rejected, .other("failed"): holders[job] = nil
            default: break
            }
        }
        await context.requests.waitForFinal(until: context.deadline)
        let status = await context.requests.status(request)
        context.expect(
            status?.state == .cancelled, "the request ended \(status?.state.rawValue ?? "unknown"), not cancelled")
        context.expect(!(status?.reason.isEmpty ?? true), "the cancelled request has no reason")
        let after = context.events(of: request).dropFirst(before.count)
        context.expect(
            !after.contains { $0.kind == .assigned }, "a job of the cancelled request was assigned after the cancel")
        // Each prover that held a job is told to stop it (its log says so, whether or not it still held it).
        let names = await context.network.namesByID
        for (job, prover) in holders.sorted(by: { $0.key < $1.key }) {
            let name = names[prover] ?? prover.rawValue
            let told = await context.waitUntil(timeout: .seconds(5)) {
                context.log(of: name, hasLineWith: ["cancel", "\(job)"])
            }
            let finished = status?.jobs.first { $0.id == job }?.state == .verified
            context.expect(told || finished, "\(name) held \(job) at the cancel but was not told to stop it")
        }
        context.fact("jobs_held_at_cancel", "\(holders.count)")
        context.atEnd { records in
            records.allJobs.filter { ![.cancelled, .verified].contains($0.state) }.map {
                "job \($0.id) of the cancelled request ended \($0.state.rawValue)"
            }
        }
    }
}
