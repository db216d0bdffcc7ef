import Foundation
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto

/// The messages a node sends, built from its own values.
enum ProverMessages {
    static func hello(
        identity: ProverIdentity, name: String, capabilities: Capabilities, ask: [String: Amount], heldJobs: [JobID],
        operatorAuthorization: Data = Data()
    ) -> Provernet_V1_ProverMessage {
        var hello = Provernet_V1_Hello()
        hello.publicKey = Data(identity.publicKey)
        hello.version = ProverNetVersion.software
        hello.capabilities = capabilities.message
        hello.askUnits = ask.mapValues(\.units)
        hello.ask = ask.mapValues(\.wholeUnits)
        hello.heldJobs = heldJobs.map(\.rawValue)
        hello.name = name
        hello.operatorAuthorization = operatorAuthorization
        return message(.hello(hello))
    }

    static func challengeResponse(signature: [UInt8]) -> Provernet_V1_ProverMessage {
        var response = Provernet_V1_ChallengeResponse()
        response.signature = Data(signature)
        return message(.challengeResponse(response))
    }

    static func progress(job: JobID, epoch: UInt64, stage: String, fraction: Double) -> Provernet_V1_Progress {
        var progress = Provernet_V1_Progress()
        progress.jobID = job.rawValue
        progress.epoch = epoch
        progress.stage = stage
        progress.fraction = fraction
        return progress
    }

    static func result(job: JobID, epoch: UInt64, payload: ProofPayload, seconds: Double) -> Provernet_V1_ProverMessage
    {
        var bundle = Provernet_V1_ProofBundle()
        if let proofJSON = payload.proofJSON { bundle.proofJson = proofJSON }
        if let publicJSON = payload.publicJSON { bundle.publicJson = publicJSON }
        if let aggregate = payload.aggregate { bundle.aggregate = Data(aggregate) }
        return result(job: job, epoch: epoch, bundle: bundle, seconds: seconds)
    }

    private static func result(job: JobID, epoch: UInt64, bundle: Provernet_V1_ProofBundle, seconds: Double)
        -> Provernet_V1_ProverMessage
    {
        var result = Provernet_V1_Result()
        result.jobID = job.rawValue
        result.epoch = epoch
        result.proof = bundle
        result.proveSeconds = seconds
        return message(.result(result))
    }

    static func failure(job: JobID, epoch: UInt64, reason: String, released: Bool = false) -> Provernet_V1_ProverMessage
    {
        var failure = Provernet_V1_Failure()
        failure.jobID = job.rawValue
        failure.epoch = epoch
        failure.reason = reason
        failure.released = released
        return message(.failure(failure))
    }

    /// Instead of a result: the job's declared statement is not what this node's witness gives.
    static func statementMismatch(job: JobID, epoch: UInt64, publicJSON: String) -> Provernet_V1_ProverMessage {
        var mismatch = Provernet_V1_StatementMismatch()
        mismatch.jobID = job.rawValue
        mismatch.epoch = epoch
        mismatch.publicJson = publicJSON
        return message(.statementMismatch(mismatch))
    }

    static func heartbeat(metrics: SystemMetrics, jobs: [JobTable.Job], freeSlots: Int) -> Provernet_V1_ProverMessage {
        var heartbeat = Provernet_V1_Heartbeat()
        heartbeat.cpuLoad = metrics.cpuLoad
        heartbeat.memoryUsedBytes = metrics.memoryUsedBytes
        heartbeat.memoryTotalBytes = metrics.memoryTotalBytes
        heartbeat.jobs = jobs.map { progress(job: $0.id, epoch: $0.epoch, stage: $0.stage, fraction: $0.fraction) }
        heartbeat.freeSlots = UInt32(clamping: freeSlots)
        return message(.heartbeat(heartbeat))
    }

    static func message(_ body: Provernet_V1_ProverMessage.OneOf_Message) -> Provernet_V1_ProverMessage {
        var message = Provernet_V1_ProverMessage()
        message.message = body
        return message
    }
}
