import Foundation
import Logging
import ProofSystems
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import ProverNode
import Testing

/// A job whose progress has not advanced for `seconds`.
private func silentJob(_ seconds: Double, stuckAfter threshold: Double = 60) -> ProverHealth.Job {
    ProverHealth.Job(
        id: "req-1/0", epoch: 1, jobClass: "groth16-bn254/2^12", stage: "msm", fraction: 0.5,
        secondsSinceProgress: seconds, stuckAfterSeconds: threshold)
}

/// The rules of a prover's health: its state from what it knows, when a job is stuck, when the node is
/// live and ready, and the progress timestamps they rest on.
@Suite struct ProverHealthTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var draining: Bool
        var connected: Bool
        var jobs: [ProverHealth.Job]
        var expected: ProverHealth.State
        var testDescription: String { "draining \(draining), connected \(connected), \(jobs.count) jobs → \(expected)" }
    }

    @Test(arguments: [
        Case(draining: false, connected: true, jobs: [], expected: .idle),
        Case(draining: false, connected: true, jobs: [silentJob(5)], expected: .proving),
        Case(draining: false, connected: true, jobs: [silentJob(5), silentJob(61)], expected: .stuck),
        // Exactly at the threshold is not yet stuck.
        Case(draining: false, connected: true, jobs: [silentJob(60)], expected: .proving),
        Case(draining: false, connected: false, jobs: [], expected: .disconnected),
        // Disconnected wins over a stuck job: the network cannot reach the node either way.
        Case(draining: false, connected: false, jobs: [silentJob(500)], expected: .disconnected),
        // Draining wins over everything: it is on purpose.
        Case(draining: true, connected: false, jobs: [], expected: .draining),
        Case(draining: true, connected: true, jobs: [silentJob(500)], expected: .draining),
    ])
    func stateFollowsDrainingThenConnectionThenJobs(_ c: Case) {
        let state = ProverHealth.classify(draining: c.draining, connected: c.connected, jobs: c.jobs)
        #expect(state == c.expected)
        #expect(ProverHealth.isReady(state) == (c.expected == .idle || c.expected == .proving))
    }

    @Test func aJobIsStuckAfterTheLargerOfTheFloorAndThreeTimesItsPredictedTime() {
        let policy = StuckPolicy()
        #expect(policy.threshold(predictedSeconds: nil) == 60)
        #expect(policy.threshold(predictedSeconds: 0.3) == 60)
        #expect(policy.threshold(predictedSeconds: 100) == 300)
        #expect(policy.threshold(predictedSeconds: .infinity) == 60)
        #expect(StuckPolicy(minimumSeconds: 5, predictedMultiple: 2).threshold(predictedSeconds: 4) == 8)
        #expect(!silentJob(299, stuckAfter: 300).stuck)
        #expect(silentJob(301, stuckAfter: 300).stuck)
    }

    @Test func theNodeIsLiveUnlessItsConnectionLoopEndedOrItsHeartbeatsStopped() {
        func live(
            _ connection: ProverHealth.Connection, shuttingDown: Bool = false, silence: Double? = nil,
            interval: Double? = nil
        ) -> Bool {
            ProverHealth.isLive(
                connection: connection, shuttingDown: shuttingDown, secondsSinceHeartbeat: silence,
                heartbeatIntervalSeconds: interval)
        }
        // Reconnecting is what a live node does.
        #expect(live(.backingOff) && live(.connecting))
        // The loop returned without a shutdown: dead. With one: on purpose.
        #expect(!live(.ended))
        #expect(live(.ended, shuttingDown: true))
        // Heartbeats every 2 s may be silent for 10 s (the floor), every 5 s for 15 s.
        #expect(live(.connected, silence: 9.9, interval: 2))
        #expect(!live(.connected, silence: 10.1, interval: 2))
        #expect(live(.connected, silence: 14, interval: 5))
        #expect(!live(.connected, silence: 16, interval: 5))
    }

    @Test func progressAdvancesOnANewStageOrALargerFractionOnly() async throws {
        let table = JobTable(slots: 1)
        guard case .admitted = table.admit(job: "j", epoch: 1, jobClass: "groth16-bn254/2^12") else {
            Issue.record("the job must be admitted")
            return
        }
        let admitted = try #require(table.jobs.first)
        #expect(admitted.jobClass == "groth16-bn254/2^12")
        try await Task.sleep(for: .milliseconds(20))
        _ = table.progress(job: "j", stage: "witness", fraction: 0.1)
        let advanced = try #require(table.jobs.first?.lastProgress)
        #expect(advanced > admitted.lastProgress)
        try await Task.sleep(for: .milliseconds(20))
        // The same progress again, or a smaller fraction of the same stage, is not an advance.
        _ = table.progress(job: "j", stage: "witness", fraction: 0.1)
        _ = table.progress(job: "j", stage: "witness", fraction: 0.05)
        #expect(table.jobs.first?.lastProgress == advanced)
        _ = table.progress(job: "j", stage: "witness", fraction: 0.2)
        #expect(try #require(table.jobs.first?.lastProgress) > advanced)
        // A renewed lease is not progress either.
        let beforeRenewal = try #require(table.jobs.first?.lastProgress)
        try await Task.sleep(for: .milliseconds(20))
        #expect(table.admit(job: "j", epoch: 2) == .renewed)
        #expect(table.jobs.first?.lastProgress == beforeRenewal)
    }

    @Test func aNodeThatHasNotConnectedIsDisconnectedLiveAndNotReady() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let identity = try ProverIdentity.loadOrCreate(at: scratch.file("prover.key").path)
        let capabilities = Capabilities(
            proofSystems: ["groth16-bn254"], maxConstraints: 1 << 12, slots: 1, cores: 1, memoryBytes: 1 << 30,
            secondsPerJob: [:], measuredSeconds: 0.1, measuredDomainSize: 1 << 12)
        let node = ProverNode(
            configuration: ProverNodeConfiguration(
                gateway: GatewayEndpoint(host: "127.0.0.1", port: 1), dataDirectory: scratch.url, name: "test"),
            identity: identity, capabilities: capabilities, proofSystems: .standard(), logger: .init(label: "test"))
        let health = node.health()
        #expect(health.state == .disconnected)
        #expect(health.connection == .connecting)
        #expect(health.live && !health.ready)
        #expect(
            health.gateway == "127.0.0.1:1" && health.name == "test" && health.proverId == identity.proverID.rawValue)
        #expect(health.jobs.isEmpty && health.freeSlots == 1 && health.lastHeartbeatSecondsAgo == nil)
    }
}
