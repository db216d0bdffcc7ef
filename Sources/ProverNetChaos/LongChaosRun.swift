import Foundation
import ProverNetTesting

/// The long form (issue 6, item 8): a few hundred requests submitted at a steady pace over several
/// minutes, first on a network left alone (the baseline), then on one where a random prover is SIGKILLed
/// every few seconds (and started again a second later) and the gateway is SIGKILLed twice (at a third and
/// two thirds of the submission window, and started again on the same port). On several gateways and one
/// PostgreSQL (issue 17) the gateway faults are those of a deployment instead, in turn every
/// `gatewayFaultEverySeconds` (`GatewayFaultCycle`): the leader SIGKILLed, a follower with provers SIGKILLed,
/// the PostgreSQL server restarted (a server of the run's own). Both runs are held to the invariants of every
/// scenario; the summary compares their completion times and counts each fault.
public struct LongChaosRun: Sendable {
    var requests: Int
    var minutes: Double
    var provers: Int
    var killEverySeconds: Double
    /// Gateways: more than 1 on one PostgreSQL (the first is killed twice: the leader, then, restarted, a
    /// follower).
    var gateways: Int
    /// How long a killed process stays down before it is started again.
    var downSeconds = 1.0
    /// On several gateways: seconds between two gateway faults, and how long a killed gateway stays down.
    var gatewayFaultEverySeconds = 30.0
    var gatewayDownSeconds = 5.0

    /// The submission window in seconds.
    public var window: Double { minutes * 60 }

    /// `requests` over `minutes`, with `provers` provers, one killed every `killEverySeconds`.
    public init(
        requests: Int, minutes: Double, provers: Int, killEverySeconds: Double, gateways: Int = 1,
        gatewayFaultEverySeconds: Double = 30
    ) {
        self.gatewayFaultEverySeconds = gatewayFaultEverySeconds
        self.gateways = gateways
        self.requests = requests
        self.minutes = minutes
        self.provers = provers
        self.killEverySeconds = killEverySeconds
    }

    /// The run as a scenario: `faults` false for the baseline.
    public func scenario(faults: Bool) -> ChaosScenario {
        let run = self
        return ChaosScenario(
            name: faults ? "long-chaos" : "long-baseline",
            summary: (faults
                ? "\(requests) requests over \(minutes) min while a random prover is killed every \(killEverySeconds) s and "
                    + (gateways > 1
                        ? "every \(gatewayFaultEverySeconds) s in turn the leader is killed, a follower with provers is killed, the database restarts"
                        : "the gateway twice")
                : "\(requests) requests over \(minutes) min without faults")
                + (gateways > 1 ? " on \(gateways) gateways and one PostgreSQL" : ""),
            provers: ChaosScenario.proverNames(provers), gateways: gateways,
            // Its own server, to restart.
            restartsDatabase: faults && gateways > 1
        ) { context in
            let circuit = try await context.registerCircuit()
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                if faults {
                    group.addTask { try await run.killProvers(context, from: start) }
                    if run.gateways > 1 {
                        let cycle = GatewayFaultCycle(
                            everySeconds: run.gatewayFaultEverySeconds, downSeconds: run.gatewayDownSeconds,
                            window: run.window,
                            gateways: ["gateway"] + (2...run.gateways).map { "gateway-\($0)" })
                        group.addTask { try await cycle.run(context, from: start) }
                    } else {
                        group.addTask { try await run.killGateway(context, from: start) }
                    }
                }
                group.addTask {
                    // Request i goes at i × window / requests, with 1 to 3 jobs.
                    for index in 0..<run.requests {
                        try? await Task.sleep(
                            until: start + .milliseconds(Int(run.window * 1000 / Double(run.requests) * Double(index))))
                        await context.requests.submit(circuit: circuit, inputs: 1 + index % 3, until: context.deadline)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Every `killEverySeconds` during the submission window: SIGKILL a random prover (and its workers),
    /// start it again `downSeconds` later.
    func killProvers(_ context: ChaosContext, from start: ContinuousClock.Instant) async throws {
        let names = ChaosScenario.proverNames(provers)
        var kills = 0
        var at = killEverySeconds
        while at < window {
            try await Task.sleep(until: start + .milliseconds(Int(at * 1000)))
            guard let name = names.randomElement() else { break }
            try await context.network.killProver(name)
            kills += 1
            context.fact("prover_kills", "\(kills)")
            try await Task.sleep(for: .milliseconds(Int(downSeconds * 1000)))
            try await context.network.startProver(name)
            at += killEverySeconds
        }
    }

    /// SIGKILL the gateway at a third and at two thirds of the submission window, start it again
    /// `downSeconds` later on the same port and database.
    func killGateway(_ context: ChaosContext, from start: ContinuousClock.Instant) async throws {
        for (index, fraction) in [1.0 / 3, 2.0 / 3].enumerated() {
            try await Task.sleep(until: start + .milliseconds(Int(window * fraction * 1000)))
            await context.network.killGateway()
            context.fact("gateway_kills", "\(index + 1)")
            try await Task.sleep(for: .milliseconds(Int(downSeconds * 1000)))
            try await context.network.startGateway()
        }
    }

    /// The summary line the issue asks for, from the two runs' reports.
    public func summary(baseline: ScenarioReport?, chaos: ScenarioReport) -> LongSummary {
        let counts = chaos.invariants
        let ratio = (chaos.completionSeconds ?? .nan) / (baseline?.completionSeconds ?? .nan)
        func count(_ key: String) -> Int { Int(chaos.facts[key] ?? "0") ?? 0 }
        return LongSummary(
            requests: requests, minutes: minutes, provers: provers, gateways: gateways,
            killEverySeconds: killEverySeconds, completed: counts.done,
            failedWithReason: counts.failed + counts.expired + counts.cancelled + counts.submitFailed,
            reasons: chaos.reasons, lost: counts.lost, jobsAcceptedTwice: counts.jobsPaidTwice,
            ledgerBalanced: counts.ledgerBalanced, proverKills: count("prover_kills"),
            gatewayKills: count("gateway_kills"), leaderKills: count("leader_kills"),
            followerKills: count("follower_kills"), databaseRestarts: count("database_restarts"),
            gatewayRestarts: count("gateway_restarts"),
            gatewaysStoppedByThemselves: count("gateways_stopped_by_themselves"),
            faultsPostponed: count("faults_postponed"),
            completionSeconds: chaos.completionSeconds, baselineCompletionSeconds: baseline?.completionSeconds,
            completionRatio: ratio.isFinite ? (ratio * 1000).rounded() / 1000 : nil,
            latencySeconds: chaos.latencySeconds, baselineLatencySeconds: baseline?.latencySeconds,
            passed: (baseline?.passed ?? true) && chaos.passed)
    }
}

/// The long form's summary: requests completed, failed with a reason, lost (must be 0), jobs accepted
/// twice (must be 0), and the completion time against the run without faults.
public struct LongSummary: Encodable, Sendable {
    var summary = "long"
    var requests: Int
    var minutes: Double
    var provers: Int
    var gateways: Int
    var killEverySeconds: Double
    var completed: Int
    var failedWithReason: Int
    /// The reasons of the requests that did not complete, with how many ended so.
    var reasons: [String: Int]
    var lost: Int
    var jobsAcceptedTwice: Int
    var ledgerBalanced: Bool
    var proverKills: Int
    /// Gateways SIGKILLed: on one gateway, the gateway; on several, the leaders and followers killed.
    var gatewayKills: Int
    /// On several gateways (`GatewayFaultCycle`): each fault, the killed gateways started again, the gateways that
    /// stopped by themselves (a leader that lost its lock) and were started again, and the faults put off for a
    /// moment (no leader known yet, no follower with provers).
    var leaderKills: Int
    var followerKills: Int
    var databaseRestarts: Int
    var gatewayRestarts: Int
    var gatewaysStoppedByThemselves: Int
    var faultsPostponed: Int
    /// From the first request's submission to the last one's end, with faults and without.
    var completionSeconds: Double?
    var baselineCompletionSeconds: Double?
    var completionRatio: Double?
    /// Request latency (submission to end) with faults and without.
    var latencySeconds: ScenarioReport.Latency?
    var baselineLatencySeconds: ScenarioReport.Latency?
    public var passed: Bool

    /// The summary as one line of JSON (snake_case keys, sorted).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"summary\":\"long\",\"passed\":false}" }
        return String(decoding: data, as: UTF8.self)
    }
}
