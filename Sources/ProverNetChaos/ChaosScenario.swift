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
    /// The scenario itself.
    let run: @Sendable (ChaosContext) async throws -> Void

    init(
        name: String, summary: String, provers: [String], startedProvers: [String]? = nil,
        proverArguments: [String: [String]] = [:], settings: ProcessNetwork.Settings = .init(),
        run: @escaping @Sendable (ChaosContext) async throws -> Void
    ) {
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

    /// The scenario called `name`, if there is one.
    public static func named(_ name: String) -> ChaosScenario? { all.first { $0.name == name } }
}
