import Foundation
import Logging
import ProverNetTesting
import TestSupport

/// The long form's faults on several gateways and one PostgreSQL (issue 17), as a deployment sees them, in turn:
/// SIGKILL the gateway that leads now (whichever it is), SIGKILL a follower that has provers attached, restart the
/// PostgreSQL server (fast shutdown: every session cut). A killed gateway is started again `downSeconds` later; a
/// gateway that stopped by itself (a leader stops when it loses the writer's lock, as it does when the server
/// restarts) is started again at once, as a supervisor would. Each fault is counted in the run's facts.
struct GatewayFaultCycle: Sendable {
    enum Fault: String, CaseIterable, Sendable {
        case leaderKilled = "leader_kills"
        case followerKilled = "follower_kills"
        case databaseRestarted = "database_restarts"
    }

    /// Seconds between two faults.
    var everySeconds: Double
    /// How long a killed gateway stays down.
    var downSeconds: Double
    /// The submission window: no fault after it.
    var window: Double
    /// Every gateway: `gateway`, `gateway-2` … `gateway-N`.
    var gateways: [String]

    /// Injects the faults in turn until the window ends; supervises the gateways meanwhile.
    func run(_ context: ChaosContext, from start: ContinuousClock.Instant) async throws {
        var counts: [String: Int] = [:]
        var downUntil: [String: ContinuousClock.Instant] = [:]
        var next = everySeconds
        var turn = 0
        while ContinuousClock.now - start < .milliseconds(Int(window * 1000)) {
            await supervise(context, downUntil: &downUntil, counts: &counts)
            let elapsed = ProcessNetwork.seconds(ContinuousClock.now - start)
            if elapsed >= next {
                let fault = Fault.allCases[turn % Fault.allCases.count]
                if await inject(fault, context, downUntil: &downUntil) {
                    counts[fault.rawValue, default: 0] += 1
                    context.fact(fault.rawValue, "\(counts[fault.rawValue] ?? 0)")
                    context.fact(
                        "gateway_kills", "\(counts["leader_kills", default: 0] + counts["follower_kills", default: 0])")
                    turn += 1
                    next = elapsed + everySeconds
                } else {
                    // No gateway to take it out now (a takeover in progress, no follower with provers): soon again.
                    counts["faults_postponed", default: 0] += 1
                    context.fact("faults_postponed", "\(counts["faults_postponed"] ?? 0)")
                    next = elapsed + 2
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Starts again every gateway that is down and due: a killed one after `downSeconds`, one that stopped by
    /// itself at once.
    func supervise(
        _ context: ChaosContext, downUntil: inout [String: ContinuousClock.Instant], counts: inout [String: Int]
    ) async {
        for name in gateways {
            if await context.network.gatewayPID(name) != nil { continue }
            let planned = downUntil[name]
            if let planned, ContinuousClock.now < planned { continue }
            downUntil[name] = nil
            do {
                if name == "gateway" {
                    try await context.network.startGateway()
                } else {
                    try await context.network.startPeerGateway(name)
                }
            } catch {
                context.logger.warning("a gateway did not start again; trying again shortly: \(error)")
                continue
            }
            let key = planned == nil ? "gateways_stopped_by_themselves" : "gateway_restarts"
            counts[key, default: 0] += 1
            context.fact(key, "\(counts[key] ?? 0)")
        }
    }

    /// Injects one fault; false when there was nothing to inject it on now.
    func inject(_ fault: Fault, _ context: ChaosContext, downUntil: inout [String: ContinuousClock.Instant]) async
        -> Bool
    {
        switch fault {
        case .leaderKilled:
            guard let leader = await leader(context) else { return false }
            await kill(leader, context, downUntil: &downUntil)
            context.fact("last_leader_killed", leader)
            return true
        case .followerKilled:
            let leader = await leader(context)
            let withProvers = await followersWithProvers(context).filter { $0 != leader }
            guard let follower = withProvers.randomElement() else { return false }
            await kill(follower, context, downUntil: &downUntil)
            context.fact("last_follower_killed", follower)
            return true
        case .databaseRestarted:
            guard let cluster = context.cluster else {
                context.fail("the long form on several gateways has no PostgreSQL server of its own to restart")
                return false
            }
            let restarting = ContinuousClock.now
            do {
                try cluster.restart()
            } catch {
                context.fail("pg_ctl restart failed: \(error)")
                return false
            }
            context.fact(
                "last_database_restart_seconds", "\(ProcessNetwork.seconds(ContinuousClock.now - restarting))")
            return true
        }
    }

    func kill(_ name: String, _ context: ChaosContext, downUntil: inout [String: ContinuousClock.Instant]) async {
        if name == "gateway" {
            await context.network.killGateway()
        } else {
            await context.network.killPeerGateway(name)
        }
        downUntil[name] = ContinuousClock.now + .milliseconds(Int(downSeconds * 1000))
    }

    /// The gateway that holds the writer's lock now, by the process id the database names (`provernet_writer`'s
    /// holder, "HOST pid N"); nil when it is none of the running gateways (it died and none took over yet).
    func leader(_ context: ChaosContext) async -> String? {
        guard let url = context.network.settings.database,
            let holder = try? PostgresTestCluster.sql(on: url, "SELECT holder FROM provernet_writer WHERE id = 1"),
            let pid = holder.split(separator: " ").last.flatMap({ Int32($0) })
        else { return nil }
        for name in gateways {
            if await context.network.gatewayPID(name) == pid { return name }
        }
        return nil
    }

    /// The gateways whose provers' slots were published in the last 5 s (`provernet_prover_slots`: a gateway's
    /// name there is "HOST-PID-RANDOM").
    func followersWithProvers(_ context: ChaosContext) async -> [String] {
        let since = Int64(Date().timeIntervalSince1970 * 1000) - 5000
        guard let url = context.network.settings.database,
            let rows = try? PostgresTestCluster.sql(
                on: url, "SELECT DISTINCT gateway FROM provernet_prover_slots WHERE heartbeatMillis >= \(since)")
        else { return [] }
        let pids = Set(
            rows.split(separator: "\n").compactMap { row -> Int32? in
                let parts = row.split(separator: "-")
                return parts.count >= 3 ? Int32(parts[parts.count - 2]) : nil
            })
        var names: [String] = []
        for name in gateways {
            if let pid = await context.network.gatewayPID(name), pids.contains(pid) { names.append(name) }
        }
        return names
    }
}
