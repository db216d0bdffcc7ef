import Foundation
import ProverNetCore
import ProverNode
import Synchronization
import Testing

/// The worker runs as a child process of the node: the real `provernet prover worker` for proofs, and
/// small scripts standing in for a worker that crashes, is killed, or leaves nothing behind.
@Suite struct WorkerProcessTests {
    @Test func theRealWorkerProvesASyntheticCircuitAndReportsItsStages() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 250, in: dir)
        let input = #"{"x": "5", "y": "7"}"#
        try Data(input.utf8).write(to: dir.file("input.json"))
        let invocation = WorkerInvocation(
            executable: Binary.provernet, zkey: fixture.zkey, witness: .synthetic(constraints: fixture.constraints),
            input: dir.file("input.json"), outputDirectory: dir.file("out"), threads: 2)
        let stages = Mutex<[WorkerProgress]>([])
        let outcome = await WorkerProcess.run(invocation) { progress in stages.withLock { $0.append(progress) } }
        guard case .proved(let proofJSON, let publicJSON, let seconds) = outcome else {
            Issue.record("the worker failed: \(outcome)")
            return
        }
        #expect(seconds > 0)
        let expected = try fixture.circuit.publicSignals(inputJSON: input)
        #expect(throws: Never.self) { try fixture.circuit.check(proofJSON: proofJSON, publicJSON: publicJSON, expected: expected) }
        let seen = stages.withLock { $0 }
        #expect(seen.first?.stage == "witness")
        #expect(seen.last == WorkerProgress(stage: "done", fraction: 1))
        #expect(seen.map(\.fraction) == seen.map(\.fraction).sorted())
    }

    @Test func aBadInputIsAFailureWithTheWorkersReason() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 20, in: dir)
        try Data(#"{"x": "5"}"#.utf8).write(to: dir.file("input.json"))
        let invocation = WorkerInvocation(
            executable: Binary.provernet, zkey: fixture.zkey, witness: .synthetic(constraints: fixture.constraints),
            input: dir.file("input.json"), outputDirectory: dir.file("out"), threads: 1)
        let outcome = await WorkerProcess.run(invocation) { _ in }
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("status 1"))
        #expect(reason.contains("\"y\" is missing"))
    }

    @Test func aWorkerKilledBySIGKILLIsAFailureThatSuggestsMemory() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let worker = try dir.script("oom-worker", #"echo '{"stage":"witness","fraction":0.1}'; echo 'allocating' >&2; kill -9 $$"#)
        let outcome = await WorkerProcess.run(Self.invocation(worker, dir)) { _ in }
        #expect(outcome == .failed(reason: "the worker was killed by signal 9 (out of memory?): allocating"))
    }

    @Test func aWorkerStoppedThroughItsHandleEndsAtOnce() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        // The worker would sleep for 10 minutes; the test only checks that it ended long before, not how
        // soon (under a loaded test run the cooperative pool may read the progress file late).
        let worker = try dir.script("slow-worker", #"echo '{"stage":"proving","fraction":0.3}'; exec sleep 600"#)
        let handle = WorkerHandle()
        let started = ContinuousClock.now
        async let outcome = WorkerProcess.run(Self.invocation(worker, dir), handle: handle) { progress in
            if progress.stage == "proving" { handle.kill() }
        }
        #expect(await outcome == .failed(reason: "the worker was stopped"))
        #expect(ContinuousClock.now - started < .seconds(300))
        #expect(handle.killRequested)
    }

    @Test func theWorkerRunsAtALowerPriority() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        // The script reports the niceness that its children inherit from it.
        let worker = try dir.script(
            "nice-worker", #"echo "{\"stage\":\"nice $(cut -d' ' -f19 /proc/self/stat)\",\"fraction\":0.1}""#)
        let stages = Mutex<[String]>([])
        var invocation = Self.invocation(worker, dir)
        invocation.niceness = 7
        _ = await WorkerProcess.run(invocation) { progress in stages.withLock { $0.append(progress.stage) } }
        #expect(stages.withLock { $0 } == ["nice 7"])
    }

    @Test func aCrashOrAMissingOutputIsAFailure() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let crashing = try dir.script("crashing-worker", "echo 'Fatal error: index out of range' >&2; exit 3")
        #expect(
            await WorkerProcess.run(Self.invocation(crashing, dir)) { _ in }
                == .failed(reason: "the worker exited with status 3: Fatal error: index out of range"))
        let silent = try dir.script("silent-worker", "exit 0")
        guard case .failed(let reason) = await WorkerProcess.run(Self.invocation(silent, dir), progress: { _ in }) else {
            Issue.record("a worker that leaves no proof must fail")
            return
        }
        #expect(reason.contains("left no proof.json"))
        let absent = dir.file("no-such-binary")
        guard case .failed(let reason) = await WorkerProcess.run(Self.invocation(absent, dir), progress: { _ in }) else {
            Issue.record("a worker that cannot start must fail")
            return
        }
        #expect(reason.contains("cannot start the worker"))
    }

    static func invocation(_ executable: URL, _ dir: ScratchDirectory) -> WorkerInvocation {
        WorkerInvocation(
            executable: executable, zkey: dir.file("absent.zkey"), witness: .synthetic(constraints: 4),
            input: dir.file("input.json"), outputDirectory: dir.file("out-\(UUID().uuidString)"), threads: 1)
    }
}
