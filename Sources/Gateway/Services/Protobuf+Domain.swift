import Foundation
import ProverNetAPI
import ProverNetCore
import SwiftProtobuf

// The one place where the gateway's domain types and the generated protobuf types meet, each way. Service
// handlers convert at the edge; the coordinator and the job book never see a protobuf type.

extension Int64 {
    /// An epoch from the wire (unsigned there): one past what any lease can have when it does not fit.
    init(wireEpoch epoch: UInt64) { self = Int64(exactly: epoch) ?? .max }
}

extension ProverAnnouncement {
    /// What a prover's hello announces. Classes are parsed here, once; entries that are not job classes
    /// (other than the `*` default ask) are ignored.
    init(_ hello: Provernet_V1_Hello, id: ProverID, name: String, operatorAddress: String? = nil) {
        var seconds: [JobClass: Double] = [:]
        for (key, value) in hello.capabilities.secondsPerJob {
            if let jobClass = JobClass(key), value.isFinite, value > 0 { seconds[jobClass] = value }
        }
        // The ask in integer units; from an older prover's floats, rounded down once, here. A negative price is
        // no price.
        let asks: [String: Amount] =
            hello.askUnits.isEmpty
            ? hello.ask.compactMapValues { $0.isFinite && $0 >= 0 ? Amount.flooring($0) : nil }
            : hello.askUnits.compactMapValues { $0 >= 0 ? Amount(units: $0) : nil }
        var askByClass: [JobClass: Amount] = [:]
        for (key, value) in asks where key != "*" {
            if let jobClass = JobClass(key) { askByClass[jobClass] = value }
        }
        let perUnit = asks["*"]
        self.init(
            id: id, name: name, slots: max(1, Int(clamping: hello.capabilities.slots)),
            maxConstraints: hello.capabilities.maxConstraints, proofSystems: Set(hello.capabilities.proofSystems),
            secondsPerJob: seconds, askPerUnit: perUnit, askByClass: askByClass, operatorAddress: operatorAddress)
    }
}

extension ProgressReport {
    init(_ p: Provernet_V1_Progress) {
        self.init(
            job: JobID(p.jobID), epoch: Int64(wireEpoch: p.epoch), fraction: p.fraction,
            stage: String(p.stage.prefix(200)))
    }
}

extension HeartbeatReport {
    init(_ beat: Provernet_V1_Heartbeat) {
        self.init(
            freeSlots: Int(clamping: beat.freeSlots), cpuLoad: beat.cpuLoad.isFinite ? beat.cpuLoad : 0,
            memoryUsed: beat.memoryUsedBytes, jobs: beat.jobs.map(ProgressReport.init))
    }
}

extension ProofPayload {
    /// A result's proof as the job's kind reads it: an aggregate's bytes, or a proof and its signals.
    init(_ bundle: Provernet_V1_ProofBundle, kind: JobKind) {
        switch kind {
        case .aggregate: self.init(aggregate: [UInt8](bundle.aggregate))
        case .prove: self.init(proofJSON: bundle.proofJson, publicJSON: bundle.publicJson)
        }
    }
}

extension ArtifactDescriptor {
    /// The reference to the artifact that an assignment carries.
    var proto: Provernet_V1_ArtifactRef {
        .with {
            $0.role = role.rawValue
            $0.sha256 = sha256
            $0.size = size
        }
    }
}

extension RequestPhase {
    var proto: Provernet_V1_RequestState {
        switch self {
        case .queued: .queued
        case .proving: .proving
        case .done: .done
        case .failed: .failed
        case .expired: .expired
        case .cancelled: .cancelled
        case .aggregating: .aggregating
        }
    }
}

extension JobPhase {
    var proto: Provernet_V1_JobState {
        switch self {
        case .pending: .pending
        case .assigned: .assigned
        case .proving: .proving
        case .verified: .verified
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }
}

extension RequestUpdate {
    var proto: Provernet_V1_RequestEvent {
        var e = Provernet_V1_RequestEvent()
        e.requestID = request.rawValue
        e.state = state.proto
        e.jobsTotal = UInt32(clamping: inputsTotal)
        e.jobsVerified = UInt32(clamping: inputsVerified)
        e.kind = kind.rawValue
        e.message = message
        e.unixMillis = atMillis
        if let job {
            e.jobID = job.id.rawValue
            e.jobIndex = UInt32(clamping: job.index)
            e.proverID = job.prover?.rawValue ?? ""
            e.progress = job.progress
        }
        return e
    }
}
