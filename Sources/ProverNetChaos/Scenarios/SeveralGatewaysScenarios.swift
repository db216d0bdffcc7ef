import Foundation
import ProverNetClient
import ProverNetCore
import ProverNetTesting
import TestSupport

/// Scenarios on several gateways and one PostgreSQL (issue 17, item 3): the leader or a follower dies, or the
/// database restarts, while requests flow. Every prover and the client are given all the gateways; the
/// invariants are those of every scenario, read from the shared database.
extension ChaosScenario {
    /// How long after a fault a follower must lead: well above the takeover measured (0.3–0.5 s after a
    /// SIGKILL, docs/deployment.md), for a loaded 2-core machine.
    static let takeoverBound: Duration = .seconds(20)

    static let leaderKilled = ChaosScenario(
        name: "leader-killed",
        summary: """
            Three gateways on one PostgreSQL: the leader (gateway) is SIGKILLed mid-round, right after a \
            verdict, while provers hold leases through every gateway; a follower takes over, the provers \
            on the dead one reconnect to the next of their list and keep their leases, and every request \
            completes without using an attempt.
            """,
        provers: proverNames(3), gateways: 3
    ) { context in
        let circuit = try await context.registerCircuit()
        let first = try await context.submit(circuit: circuit, inputs: 6)
        _ = try await context.submit(circuit: circuit, inputs: 4)
        let verified = try await context.waitForEvent("a verified proof", in: first) { $0.kind == .verified }
        let killed = ContinuousClock.now
        await context.network.killGateway()
        context.fact("killed", "the leader right after \(verified.job ?? "?") was verified")
        let leader = await context.waitForNewLeader(since: killed)
        // Submitted after the kill: the client goes on through the followers.
        _ = try await context.submit(circuit: circuit, inputs: 3)
        context.expect(leader != nil, "no follower took over within \(takeoverBound) of the leader's death")
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }

    static let followerKilled = ChaosScenario(
        name: "follower-killed",
        summary: """
            Three gateways on one PostgreSQL: a follower (gateway-2) with a prover attached is SIGKILLed \
            while that prover proves; the prover reconnects to the next gateway of its list and keeps its \
            lease, the leader goes on, and every request completes without using an attempt.
            """,
        provers: proverNames(3), gateways: 3
    ) { context in
        let circuit = try await context.registerCircuit()
        let first = try await context.submit(circuit: circuit, inputs: 6)
        _ = try await context.submit(circuit: circuit, inputs: 4)
        // prover-1 is given gateway-2 first (ChaosRunner spreads the provers round-robin).
        let prover1 = try await context.network.proverID("prover-1")
        let proving = try await context.waitForEvent("prover-1 proving", in: first) {
            $0.isMidProof && $0.prover == prover1
        }
        await context.network.killPeerGateway("gateway-2")
        context.fact("killed", "gateway-2 while prover-1 proved \(proving.job ?? "?")")
        let moved = await context.waitUntil(timeout: .seconds(30)) {
            context.log(of: "prover-1", hasLineWith: ["connected to the gateway", "127.0.0.1"])
                && context.countLines(of: "prover-1", with: ["connected to the gateway"]) >= 2
        }
        context.expect(moved, "prover-1 did not reconnect to another gateway within 30 s")
        context.expectEveryRequestDone()
        context.expectNoAttemptUsed()
    }

    static let databaseRestarted = ChaosScenario(
        name: "database-restarted",
        summary: """
            Two gateways on a PostgreSQL server of the scenario's own: the server is restarted (fast \
            shutdown, every session cut) while requests are submitted and proven; the leader loses its lock \
            and stops, a gateway leads again once the server is back, and every request completes (attempts \
            may be used: leases can end while nothing can be written).
            """,
        provers: proverNames(2), gateways: 2, restartsDatabase: true
    ) { context in
        guard let cluster = context.cluster else {
            context.fail("the scenario has no PostgreSQL server of its own to restart")
            return
        }
        let circuit = try await context.registerCircuit()
        let first = try await context.submit(circuit: circuit, inputs: 4)
        _ = try await context.waitForEvent("a verified proof", in: first) { $0.kind == .verified }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Requests keep coming while the server restarts.
            group.addTask {
                for index in 0..<6 {
                    try await Task.sleep(for: .milliseconds(300))
                    _ = try await context.submit(circuit: circuit, inputs: 1 + index % 2)
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(500))
                let restarted = ContinuousClock.now
                do {
                    try cluster.restart()
                } catch {
                    context.fail("pg_ctl restart failed: \(error)")
                    return
                }
                context.fact(
                    "restarted",
                    "the PostgreSQL server, in \(ProcessNetwork.seconds(ContinuousClock.now - restarted)) s")
            }
            try await group.waitForAll()
        }
        // What the restart did to the gateways, for the report: whether the leader kept its lock or stopped.
        let lost = context.log(of: "gateway", hasLineWith: ["this gateway no longer leads the market"])
        let tookOver = context.log(of: "gateway-2", hasLineWith: ["this gateway now leads the market"])
        context.fact(
            "leadership",
            "gateway \(lost ? "lost its lock" : "kept leading"); gateway-2 \(tookOver ? "took over" : "followed")")
        context.expectEveryRequestDone()
    }
}

extension ChaosContext {
    /// Waits until a follower's log says it leads and ran its first round after `since`; returns its name.
    func waitForNewLeader(since: ContinuousClock.Instant) async -> String? {
        let limit = ContinuousClock.now + ChaosScenario.takeoverBound
        while ContinuousClock.now < limit {
            for peer in peerGateways where log(of: peer, hasLineWith: ["the market's first round ran"]) {
                fact(
                    "takeover",
                    "\(peer) ran its first round \(ProcessNetwork.seconds(ContinuousClock.now - since)) s after the kill"
                )
                return peer
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
