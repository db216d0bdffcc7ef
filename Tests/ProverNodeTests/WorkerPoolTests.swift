import Foundation
import Groth16
import ProofSystems
import ProverNetCore
import ProverNode
import Synchronization
import Testing

/// Jobs run on persistent worker processes: the real `provernet prover worker --serve` for proofs, and
/// small scripts standing in for a worker that crashes, is killed, or answers nothing.
@Suite struct WorkerPoolTests {
    @Test func oneWorkerProvesJobAfterJobAndKeepsTheKeyLoaded() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 250, in: dir)
        let pool = WorkerPool(
            command: .provernet(Binary.provernet), niceness: 10, directory: dir.file("workers"), systems: .standard())
        defer { Task { await pool.shutdown() } }
        var keyStages: [String] = []
        for n in 0..<3 {
            let input = #"{"x": "\#(n + 5)", "y": "7"}"#
            let stages = Mutex<[WorkerProgress]>([])
            let outcome = await pool.run(try Self.request(fixture, input: input, in: dir, threads: 2)) { progress in
                stages.withLock { $0.append(progress) }
            }
            guard case .proved(let payload, let seconds) = outcome, let proofJSON = payload.proofJSON,
                let publicJSON = payload.publicJSON
            else {
                Issue.record("job \(n) failed: \(outcome)")
                return
            }
            #expect(seconds > 0)
            let expected = try fixture.circuit.publicSignals(inputJSON: input)
            #expect(throws: Never.self) {
                try fixture.circuit.check(proofJSON: proofJSON, publicJSON: publicJSON, expected: expected)
            }
            let seen = stages.withLock { $0 }
            #expect(seen.first?.stage == "loading key")
            #expect(seen.contains { $0.stage == "witness" })
            #expect(seen.last == WorkerProgress(stage: "done", fraction: 1))
            #expect(seen.map(\.fraction) == seen.map(\.fraction).sorted())
            let timings = try JSONDecoder().decode(
                WorkerTimings.self,
                from: Data(contentsOf: dir.file("out-\(n)").appendingPathComponent(ProofWorker.timingsFile)))
            #expect(timings.proveSeconds > 0)
            keyStages += seen.map(\.stage).filter { $0.hasPrefix("key ") }
        }
        // The first job read the key; the others found it in memory.
        #expect(keyStages == ["key read", "key in memory", "key in memory"])
        // One process served every job: one standard-error log.
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir.file("workers").path)
        #expect(logs == ["worker-1.stderr.log"])
    }

    @Test func anInterruptedProofResumesFromItsCheckpointAndTheCheckpointGoesOnceItIsDone() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 250, in: dir)
        let input = #"{"x": "9", "y": "4"}"#
        // What a worker killed after its first MSMs leaves: the witness, h and three MSMs.
        let key = try Groth16ProofSystem.loadProvingKey(fixture.zkey)
        let witness = try fixture.circuit.witness(inputJSON: input)
        let checkpoint = ProofCheckpoint(directory: dir.file("checkpoint"))
        try checkpoint.saveWitness(witness, for: key)
        _ = try Prover.prove(key: key, witness: witness, threads: 1, checkpoint: checkpoint)
        for stage in [ProofCheckpoint.Stage.msmB2, .msmC] {
            try FileManager.default.removeItem(at: checkpoint.fileURL(for: stage))
        }

        try Data(input.utf8).write(to: dir.file("input.json"))
        let pool = WorkerPool(
            command: .provernet(Binary.provernet), niceness: 10, directory: dir.file("workers"), systems: .standard())
        defer { Task { await pool.shutdown() } }
        let request = WorkerRequest(
            task: Self.task(
                zkey: fixture.zkey, constraints: fixture.constraints, input: dir.file("input.json"),
                checkpoint: dir.file("checkpoint")),
            outputDirectory: dir.file("out"))
        let stages = Mutex<[String]>([])
        let outcome = await pool.run(request) { progress in stages.withLock { $0.append(progress.stage) } }
        guard case .proved(let payload, _) = outcome, let proofJSON = payload.proofJSON,
            let publicJSON = payload.publicJSON
        else {
            Issue.record("the resumed proof failed: \(outcome)")
            return
        }
        #expect(throws: Never.self) {
            try fixture.circuit.check(
                proofJSON: proofJSON, publicJSON: publicJSON,
                expected: try fixture.circuit.publicSignals(inputJSON: input))
        }
        let seen = stages.withLock { $0 }
        // (h is not even read: msmH, made from it, is there.)
        for stage in ["witness", "msmH", "msmA", "msmB1"] {
            #expect(seen.contains("resumed \(stage) from the checkpoint"), "\(seen)")
        }
        #expect(
            !seen.contains("resumed msmB2 from the checkpoint") && !seen.contains("resumed msmC from the checkpoint"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("checkpoint").path))
    }

    @Test func aBadInputIsAFailureWithTheWorkersReasonAndTheWorkerCarriesOn() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let fixture = try SyntheticFixture(constraints: 20, in: dir)
        let pool = WorkerPool(
            command: .provernet(Binary.provernet), niceness: 10, directory: dir.file("workers"), systems: .standard())
        defer { Task { await pool.shutdown() } }
        let bad = await pool.run(try Self.request(fixture, input: #"{"x": "5"}"#, in: dir)) { _ in }
        guard case .failed(let reason) = bad else {
            Issue.record("expected a failure, got \(bad)")
            return
        }
        #expect(reason.contains("\"y\" is missing"))
        let good = await pool.run(try Self.request(fixture, input: #"{"x": "5", "y": "6"}"#, in: dir)) { _ in }
        guard case .proved = good else {
            Issue.record("the worker did not carry on after a failed job: \(good)")
            return
        }
    }

    @Test func aWorkerKilledBySIGKILLIsAFailureThatSuggestsMemoryAndTheNextJobGetsANewProcess() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        // Each process answers its first job with progress, then dies; it counts its starts in a file.
        let worker = try dir.script(
            "oom-worker",
            #"echo start >> "\#(dir.file("starts").path)"; read line; echo '{"stage":"witness","fraction":0.1}'; echo 'allocating' >&2; kill -9 $$"#
        )
        let pool = WorkerPool(
            command: WorkerCommand(executable: worker), niceness: 0, directory: dir.file("workers"),
            systems: .standard())
        let first = await pool.run(Self.scriptRequest(dir)) { _ in }
        #expect(first == .failed(reason: "the worker was killed by signal 9 (out of memory?): allocating"))
        let second = await pool.run(Self.scriptRequest(dir)) { _ in }
        #expect(second == .failed(reason: "the worker was killed by signal 9 (out of memory?): allocating"))
        let starts = try String(contentsOf: dir.file("starts"), encoding: .utf8).split(separator: "\n").count
        #expect(starts == 2)
    }

    @Test func aWorkerStoppedThroughItsHandleEndsAtOnce() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        // The worker would sleep for 10 minutes; the test only checks that it ended long before, not how
        // soon (under a loaded test run the cooperative pool may be late).
        let worker = try dir.script(
            "slow-worker", #"read line; echo '{"stage":"proving","fraction":0.3}'; exec sleep 600"#)
        let pool = WorkerPool(
            command: WorkerCommand(executable: worker), niceness: 0, directory: dir.file("workers"),
            systems: .standard())
        let handle = WorkerHandle()
        let started = ContinuousClock.now
        async let outcome = pool.run(Self.scriptRequest(dir), handle: handle) { progress in
            if progress.stage == "proving" { handle.kill() }
        }
        #expect(await outcome == .failed(reason: "the worker was stopped"))
        #expect(ContinuousClock.now - started < .seconds(300))
        #expect(handle.killRequested)
    }

    @Test func aCancelledJobKillsItsWorker() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let worker = try dir.script(
            "slow-worker", #"read line; echo '{"stage":"proving","fraction":0.3}'; exec sleep 600"#)
        let pool = WorkerPool(
            command: WorkerCommand(executable: worker), niceness: 0, directory: dir.file("workers"),
            systems: .standard())
        let proving = Mutex(false)
        let task = Task { await pool.run(Self.scriptRequest(dir)) { _ in proving.withLock { $0 = true } } }
        while !proving.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        #expect(await task.value == .failed(reason: "the worker was stopped"))
    }

    @Test func theWorkerRunsAtALowerPriority() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        // The script reports the niceness that its children inherit from it.
        let worker = try dir.script(
            "nice-worker",
            #"read line; echo "{\"stage\":\"nice $(cut -d' ' -f19 /proc/self/stat)\",\"fraction\":0.1}"; echo '{"ok":false,"error":"done"}'"#
        )
        let pool = WorkerPool(
            command: WorkerCommand(executable: worker), niceness: 7, directory: dir.file("workers"),
            systems: .standard())
        let stages = Mutex<[String]>([])
        let outcome = await pool.run(Self.scriptRequest(dir)) { progress in
            stages.withLock { $0.append(progress.stage) }
        }
        #expect(outcome == .failed(reason: "done"))
        #expect(stages.withLock { $0 } == ["nice 7"])
    }

    @Test func aCrashAMissingOutputOrAMissingBinaryIsAFailure() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let crashing = try dir.script(
            "crashing-worker", "read line; echo 'Fatal error: index out of range' >&2; exit 3")
        #expect(
            await WorkerPool(
                command: WorkerCommand(executable: crashing), niceness: 0, directory: dir.file("w1"),
                systems: .standard()
            ).run(
                Self.scriptRequest(dir)
            ) { _ in }
                == .failed(
                    reason: "the worker exited with status 3 without finishing the job: Fatal error: index out of range"
                ))
        let silent = try dir.script("silent-worker", #"read line; echo '{"ok":true}'"#)
        let outcome = await WorkerPool(
            command: WorkerCommand(executable: silent), niceness: 0, directory: dir.file("w2"), systems: .standard()
        ).run(Self.scriptRequest(dir)) { _ in }
        guard case .failed(let reason) = outcome else {
            Issue.record("a worker that leaves no proof must fail")
            return
        }
        #expect(reason.contains("left no result.json"))
        let absent = dir.file("no-such-binary")
        let missing = await WorkerPool(
            command: WorkerCommand(executable: absent), niceness: 0, directory: dir.file("w3"), systems: .standard()
        ).run(Self.scriptRequest(dir)) { _ in }
        guard case .failed(let reason) = missing else {
            Issue.record("a worker that cannot start must fail")
            return
        }
        #expect(reason.contains("cannot start the worker"))
    }

    static func request(_ fixture: SyntheticFixture, input: String, in dir: ScratchDirectory, threads: Int = 1) throws
        -> WorkerRequest
    {
        let name = "in-\(UUID().uuidString).json"
        try Data(input.utf8).write(to: dir.file(name))
        let outputs =
            (try? FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("out-") }.count)
            ?? 0
        return WorkerRequest(
            task: task(zkey: fixture.zkey, constraints: fixture.constraints, input: dir.file(name), threads: threads),
            outputDirectory: dir.file("out-\(outputs)"))
    }

    static func scriptRequest(_ dir: ScratchDirectory) -> WorkerRequest {
        WorkerRequest(
            task: task(zkey: dir.file("absent.zkey"), constraints: 4, input: dir.file("input.json")),
            outputDirectory: dir.file("out-\(UUID().uuidString)"))
    }

    /// A Groth16 job of the synthetic circuit of `constraints` constraints.
    static func task(zkey: URL, constraints: Int, input: URL, checkpoint: URL? = nil, threads: Int = 1) -> ProvingTask {
        ProvingTask(
            jobKind: Groth16ProofSystem.jobKind, circuitKind: .synthetic, constraints: UInt64(constraints),
            files: [.zkey: zkey], input: input, proofs: 0, checkpoint: checkpoint, threads: threads)
    }
}
