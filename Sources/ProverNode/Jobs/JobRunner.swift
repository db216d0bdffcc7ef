import Foundation
import Logging
import ProverNetAPI
import ProverNetCore

/// Proves one assigned job: downloads its artifacts, proves it on one of the node's persistent workers, and reports the result or
/// the failure under the job's current epoch. It never throws: whatever goes wrong becomes a failure.
struct JobRunner: Sendable {
    let configuration: ProverNodeConfiguration
    let jobs: JobTable
    let cache: ArtifactCache
    let source: any ArtifactSource
    let outbox: Outbox
    let workers: WorkerPool
    let systems: ProofSystemRegistry
    let metrics: ProverMetrics
    let logger: Logger

    func run(_ assignment: JobAssignment, handle: WorkerHandle) async {
        var logger = logger
        logger[metadataKey: "job"] = "\(assignment.job)"
        logger[metadataKey: "epoch"] = "\(assignment.epoch)"
        logger.info(
            "job assigned",
            metadata: [
                "class": "\(assignment.jobClass)", "price": "\(assignment.price)",
            ])
        let directory = configuration.jobsDirectory.appendingPathComponent(Self.directoryName(assignment))
        let checkpoint = Self.checkpointDirectory(assignment.job, in: configuration.jobsDirectory)
        // The job's directory (with its assignment) lasts while the job runs: only a crash of the node
        // leaves it, for the restarted node to take the job up again. The checkpoint also outlives a job
        // stopped by the gateway or a shutdown, which this node may get again under a newer lease.
        var keepCheckpoint = false
        defer {
            try? FileManager.default.removeItem(at: directory)
            if !keepCheckpoint { try? FileManager.default.removeItem(at: checkpoint) }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try JSONEncoder().encode(assignment).write(
                to: directory.appendingPathComponent(Self.assignmentFile), options: .atomic)
        } catch {
            logger.warning(
                "cannot keep the assignment on disk: a crash would lose the job", metadata: ["error": "\(error)"])
        }

        let started = ContinuousClock.now
        let outcome: WorkerOutcome
        do {
            outcome = try await prove(assignment, in: directory, handle: handle, logger: logger)
        } catch {
            outcome = .failed(reason: "\(error)")
        }

        let kind = assignment.work.jobKind
        let seconds = Self.seconds(ContinuousClock.now - started)
        if case .proved = outcome, let timings = WorkerOutputs.timings(in: directory) {
            metrics.phase("witness", seconds: timings.witnessSeconds)
            metrics.phase("key", seconds: timings.keySeconds)
            metrics.phase("prove", seconds: timings.proveSeconds)
        }
        switch jobs.finish(job: assignment.job) {
        case .unknown:
            logger.warning("finished a job that is no longer held")
        case .cancelled:
            logger.info("job cancelled by the gateway")
            metrics.jobEnded(.cancelled, kind: kind, seconds: seconds)
            keepCheckpoint = true
        case .shuttingDown(let epoch):
            metrics.jobEnded(.handedBack, kind: kind, seconds: seconds)
            keepCheckpoint = true
            logger.info("job stopped: the prover is shutting down")
            outbox.send(
                ProverMessages.failure(
                    job: assignment.job, epoch: epoch, reason: "prover shutting down", released: true), keep: true)
        case .report(let epoch):
            switch outcome {
            case .proved(let payload, let seconds):
                logger.info("job proven", metadata: ["seconds": "\(seconds)"])
                metrics.jobEnded(.proved, kind: kind, seconds: seconds)
                if let declared = assignment.declaredStatement,
                    let mismatch = Self.mismatch(
                        declared: declared, proven: payload.publicJSON, misbehavior: configuration.misbehavior)
                {
                    // A proof of other signals than the declared ones would be refused as invalid: the node says
                    // which signals its witness gives instead, and the gateway decides who was wrong.
                    logger.warning(
                        "the input's public signals are not the declared ones: reporting a statement mismatch",
                        metadata: ["declared": "\(declared.prefix(200))", "witness": "\(mismatch.prefix(200))"])
                    outbox.send(
                        ProverMessages.statementMismatch(job: assignment.job, epoch: epoch, publicJSON: mismatch),
                        keep: true)
                    return
                }
                var sent = payload
                if let misbehavior = configuration.misbehavior,
                    let system = systems.system(jobKind: assignment.work.jobKind)
                {
                    sent = misbehavior.payload(payload, system: system)
                }
                outbox.send(
                    ProverMessages.result(job: assignment.job, epoch: epoch, payload: sent, seconds: seconds),
                    keep: true)
            case .failed(let reason):
                logger.warning("job failed", metadata: ["reason": "\(reason)"])
                metrics.jobEnded(.failed, kind: kind, seconds: seconds)
                outbox.send(ProverMessages.failure(job: assignment.job, epoch: epoch, reason: reason), keep: true)
            }
        }
    }

    private func prove(_ assignment: JobAssignment, in directory: URL, handle: WorkerHandle, logger: Logger)
        async throws -> WorkerOutcome
    {
        report(assignment.job, stage: "downloading", fraction: 0)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard let system = systems.system(jobKind: assignment.work.jobKind) else {
            throw ProverNodeError.invalidAssignment(
                job: assignment.job.rawValue, reason: "no proof system for jobs of kind \(assignment.work.jobKind)")
        }
        if let reason = configuration.misbehavior?.refusal(kind: assignment.work.circuitKind) {
            throw ProverNodeError.invalidAssignment(job: assignment.job.rawValue, reason: reason)
        }
        var files: [ArtifactRole: URL] = [:]
        let download = ContinuousClock.now
        for artifact in assignment.artifacts {
            files[artifact.role] = try await cache.file(for: artifact, from: source)
        }
        metrics.phase("download", seconds: Self.seconds(ContinuousClock.now - download))
        var input: URL?
        if !assignment.work.inputJSON.isEmpty {
            let url = directory.appendingPathComponent("input.json")
            let json = assignment.work.inputJSON
            let sent = configuration.misbehavior?.input(json, kind: assignment.work.circuitKind, system: system) ?? json
            try Data(sent.utf8).write(to: url)
            input = url
        }
        let task = ProvingTask(
            jobKind: assignment.work.jobKind, circuitKind: assignment.work.circuitKind,
            constraints: assignment.work.constraints, files: files, input: input, proofs: assignment.work.proofs,
            checkpoint: Self.checkpointDirectory(assignment.job, in: configuration.jobsDirectory),
            threads: configuration.threadsPerJob)
        let request = WorkerRequest(task: task, outputDirectory: directory)
        let job = assignment.job
        return await workers.run(request, handle: handle) { progress in
            report(job, stage: progress.stage, fraction: progress.fraction)
        }
    }

    /// The public signals to report in a statement mismatch (a JSON array), when the proof's are not the
    /// declared ones; nil when they are (the proof is sent). Both are JSON arrays of decimal strings, compared
    /// as lists (the gateway writes declared signals canonically, as snarkjs writes a proof's). The check
    /// runs after the proof, on the signals the proof carries: a witness-only check before proving would
    /// save the proof's work on a false declaration, at the cost of a second path through the worker.
    static func mismatch(declared: String, proven: String?, misbehavior: Misbehavior?) -> String? {
        guard let proven, let signals = try? JSONDecoder().decode([String].self, from: Data(proven.utf8)) else {
            return nil
        }
        let expected = try? JSONDecoder().decode([String].self, from: Data(declared.utf8))
        let reported = misbehavior?.mismatchSignals(signals) ?? (expected == signals ? nil : signals)
        guard let reported, let data = try? JSONEncoder().encode(reported) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private func report(_ job: JobID, stage: String, fraction: Double) {
        guard let epoch = jobs.progress(job: job, stage: stage, fraction: fraction) else { return }
        let progress = ProverMessages.progress(job: job, epoch: epoch, stage: stage, fraction: fraction)
        outbox.send(ProverMessages.message(.progress(progress)), keep: false)
    }

    /// A directory name for a job (`req-…/3` becomes `req-…_3-e2`).
    static func directoryName(_ assignment: JobAssignment) -> String {
        safeName(assignment.job) + "-e\(assignment.epoch)"
    }

    /// The file in a job's directory that holds its assignment (`JobAssignment` as JSON).
    static let assignmentFile = "assignment.json"

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    /// Where a job's proof keeps its finished stages: one directory per job whatever its lease epoch, so
    /// that a job taken up again under a newer lease also resumes.
    static func checkpointDirectory(_ job: JobID, in jobsDirectory: URL) -> URL {
        jobsDirectory.appendingPathComponent("checkpoints", isDirectory: true).appendingPathComponent(safeName(job))
    }

    static func safeName(_ job: JobID) -> String {
        String(
            job.rawValue.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_"
            })
    }

    /// The assignments of jobs that were running when the node last stopped without finishing them (it
    /// crashed or was killed), oldest lease first; their directories are removed, and unreadable ones too.
    static func interruptedAssignments(in jobsDirectory: URL, logger: Logger) -> [JobAssignment] {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: jobsDirectory.path) else { return [] }
        var found: [JobAssignment] = []
        for name in names where name != "checkpoints" {
            let directory = jobsDirectory.appendingPathComponent(name)
            defer { try? fileManager.removeItem(at: directory) }
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(assignmentFile)),
                let assignment = try? JSONDecoder().decode(JobAssignment.self, from: data)
            else { continue }
            found.append(assignment)
        }
        // One job may have left directories of several epochs: the newest lease is the one to take up.
        var newest: [JobID: JobAssignment] = [:]
        for assignment in found where (newest[assignment.job]?.epoch ?? 0) <= assignment.epoch {
            newest[assignment.job] = assignment
        }
        if !newest.isEmpty {
            logger.info("taking up jobs interrupted by the last stop", metadata: ["jobs": "\(newest.count)"])
        }
        removeStaleCheckpoints(in: jobsDirectory, keeping: Set(newest.keys.map(safeName)))
        return newest.values.sorted { $0.job < $1.job }
    }

    /// How long the checkpoint of a job this node no longer holds is kept, in case the job comes back.
    static let checkpointLifetime: TimeInterval = 3600

    /// Removes checkpoints of jobs not taken up again that have not changed for `checkpointLifetime`.
    static func removeStaleCheckpoints(in jobsDirectory: URL, keeping kept: Set<String>) {
        let fileManager = FileManager.default
        let directory = jobsDirectory.appendingPathComponent("checkpoints", isDirectory: true)
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where !kept.contains(name) {
            let url = directory.appendingPathComponent(name)
            let modified =
                (try? fileManager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date ?? .distantPast
            if Date().timeIntervalSince(modified) > checkpointLifetime { try? fileManager.removeItem(at: url) }
        }
    }
}
