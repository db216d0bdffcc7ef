import Foundation
import ProverNetAPI
import ProverNetCore

// The one place where the wire's messages become the client's value types. An enum value this client
// does not know means a gateway speaking a newer protocol: a typed error, not a guess.

extension RequestPhase {
    init(_ state: Provernet_V1_RequestState, call: String) throws(ProverNetClientError) {
        switch state {
        case .queued: self = .queued
        case .proving: self = .proving
        case .done: self = .done
        case .failed: self = .failed
        case .expired: self = .expired
        case .cancelled: self = .cancelled
        case .aggregating: self = .aggregating
        case .unspecified, .UNRECOGNIZED:
            throw .unexpectedResponse(
                call: call, reason: "request state \(state.rawValue) is not one this client knows")
        }
    }
}

extension JobPhase {
    init(_ state: Provernet_V1_JobState, call: String) throws(ProverNetClientError) {
        switch state {
        case .pending: self = .pending
        case .assigned: self = .assigned
        case .proving: self = .proving
        case .verified: self = .verified
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .unspecified, .UNRECOGNIZED:
            throw .unexpectedResponse(call: call, reason: "job state \(state.rawValue) is not one this client knows")
        }
    }
}

extension Date {
    /// A date from the network's milliseconds since 1970.
    init(unixMillis: Int64) { self.init(timeIntervalSince1970: Double(unixMillis) / 1000) }
}

extension RequestEvent {
    init(_ event: Provernet_V1_RequestEvent) throws(ProverNetClientError) {
        let hasJob = !event.jobID.isEmpty
        self.init(
            request: RequestID(event.requestID), kind: Kind(event.kind),
            state: try RequestPhase(event.state, call: "WatchRequest"),
            jobsTotal: Int(event.jobsTotal), jobsVerified: Int(event.jobsVerified),
            job: hasJob ? JobID(event.jobID) : nil,
            jobIndex: hasJob ? Int(event.jobIndex) : nil,
            prover: event.proverID.isEmpty ? nil : ProverID(event.proverID),
            progress: event.progress, message: event.message,
            time: event.unixMillis > 0 ? Date(unixMillis: event.unixMillis) : Date())
    }
}

extension RequestStatus {
    init(_ response: Provernet_V1_GetRequestResponse) throws(ProverNetClientError) {
        var jobs: [JobStatus] = []
        jobs.reserveCapacity(response.jobs.count)
        for job in response.jobs {
            jobs.append(
                JobStatus(
                    id: JobID(job.jobID), index: Int(job.index), state: try JobPhase(job.state, call: "GetRequest"),
                    prover: job.proverID.isEmpty ? nil : ProverID(job.proverID), attempts: Int(job.attempts),
                    price: Amount(units: job.priceUnits),
                    proof: job.hasProof
                        ? JobProof(proofJSON: job.proof.proofJson, publicJSON: job.proof.publicJson) : nil,
                    kind: job.kind.isEmpty ? JobStatus.defaultKind : job.kind, replica: Int(job.replica)))
        }
        self.init(
            id: RequestID(response.requestID), circuit: CircuitID(response.circuitID),
            state: try RequestPhase(response.state, call: "GetRequest"),
            reason: response.reason, jobs: jobs.sorted { $0.index < $1.index },
            verificationKeyJSON: response.verificationKeyJson, paid: Amount(units: response.paidUnits),
            createdAt: Date(unixMillis: response.createdUnixMillis),
            finishedAt: response.finishedUnixMillis > 0 ? Date(unixMillis: response.finishedUnixMillis) : nil,
            aggregate: response.aggregate,
            aggregateProof: response.aggregateProof.isEmpty ? nil : [UInt8](response.aggregateProof),
            snarkpackVerifierKey: response.snarkpackVerifierKey.isEmpty ? nil : [UInt8](response.snarkpackVerifierKey))
    }
}
