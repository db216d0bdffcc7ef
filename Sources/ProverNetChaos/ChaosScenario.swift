import Foundation
import ProverNetTesting

/// One chaos scenario: a network of real processes, a fault injected while it works, and what must
/// hold afterwards beyond the invariants that every scenario keeps (`Invariants`).
public struct ChaosScenario: Sendable {
    /// The name `--scenario` takes.
    public let name: String
    /// What it does and what it checks, in a sentence or two (`provernet-chaos --list`).
    public let summary: String
    /// The provers, allowlisted before the gateway starts.
    var provers: [String]
    /// The provers started (and connected) before `run`; the others are the scenario's to start.
    var startedProvers: [String]
    /// More `provernet prover` arguments, by prover.
    var proverArguments: [String: [String]]
    var settings: ProcessNetwork.Settings
    /// How many gateways: 1 (on SQLite), or several on one PostgreSQL database (the first, `gateway`, leads at
    /// the start; the others are `gateway-2` … `gateway-N`), every prover and the client given all of them.
    var gateways: Int
    /// Whether the scenario restarts the PostgreSQL server: then it runs on a throwaway server of its own,
    /// never on one given with `--database`, whose other databases may be in use.
    var restartsDatabase: Bool
    /// The scenario itself.
    let run: @Sendable (ChaosContext) async throws -> Void

    init(
        name: String, summary: String, provers: [String], startedProvers: [String]? = nil,
        proverArguments: [String: [String]] = [:], settings: ProcessNetwork.Settings = .init(), gateways: Int = 1,
        restartsDatabase: Bool = false, run: @escaping @Sendable (ChaosContext) async throws -> Void
    ) {
        self.gateways = max(1, gateways)
        self.restartsDatabase = restartsDatabase
        self.name = name
        self.summary = summary
        self.provers = provers
        self.startedProvers = startedProvers ?? provers
        self.proverArguments = proverArguments
        self.settings = settings
        self.run = run
    }

    /// `prover-1` … `prover-N`.
    static func proverNames(_ count: Int) -> [String] { (1...max(1, count)).map { "prover-\($0)" } }

    /// Every short scenario, in the order they run.
    public static let all: [ChaosScenario] = [
        proverKilled, proverRestarted, gatewayKilled, gatewayKilledWithResultInFlight, proverStalled,
        connectionDropped, redundancyWithOneProverDead, burst, cancelWhileProving, gracefulShutdown,
    ]

    /// The scenarios on several gateways and one PostgreSQL (issue 17, item 3), in the order they run.
    public static let onPostgreSQL: [ChaosScenario] = [leaderKilled, followerKilled, databaseRestarted]

    /// Whether it runs on PostgreSQL.
    public var needsPostgreSQL: Bool { gateways > 1 || restartsDatabase }

    /// The scenario called `name`, if there is one.
    public static func named(_ name: String) -> ChaosScenario? {
        (all + onPostgreSQL).first { $0.name == name }
    }

    /// The names of the peer gateways: `gateway-2` … `gateway-N`.
    var peerGateways: [String] { gateways > 1 ? (2...gateways).map { "gateway-\($0)" } : [] }
}
