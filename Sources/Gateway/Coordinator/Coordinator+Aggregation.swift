import Foundation
import Logging
import ProverNetCore

/// What an aggregation job's `inputJSON` holds: the artifacts its prover downloads besides the reference
/// string, and how many proofs it aggregates.
struct AggregationInput: Codable, Equatable {
    var proofs: ArtifactDescriptor
    var verificationKey: ArtifactDescriptor
    var count: Int
}

extension Coordinator {
    /// Writes the artifacts of a request's aggregation (the proofs in order, and the circuit's verification
    /// key; content-addressed, so writing them again after a crash is harmless), outside the actor, then
    /// queues its job. A request whose aggregation cannot be made fails with why.
    nonisolated func prepareAggregation(_ need: AggregationNeed) async {
        let outcome: Result<(JobClass, String), any Error>
        do {
            guard let aggregation else {
                throw GatewayError.failedPrecondition("this gateway does not aggregate")
            }
            guard need.proofs.count <= aggregation.maxProofs else {
                throw GatewayError.invalidArgument(
                    "\(need.proofs.count) proofs, over the \(aggregation.maxProofs) that the aggregation setup takes")
            }
            let circuit = try await circuits.descriptor(need.circuitID)
            let bundle = try artifacts.put(try aggregation.system.bundle(need.proofs), role: .proofs)
            let key = try artifacts.put(Array(circuit.verificationKeyJSON.utf8), role: .verificationKey)
            let input = AggregationInput(proofs: bundle, verificationKey: key, count: need.proofs.count)
            outcome = .success(
                (
                    aggregation.system.jobClass(proofs: need.proofs.count),
                    String(decoding: try JSONEncoder().encode(input), as: UTF8.self)
                ))
        } catch {
            outcome = .failure(error)
        }
        await aggregationOutcome(need.request, outcome)
    }

    func aggregationOutcome(_ request: RequestID, _ outcome: Result<(JobClass, String), any Error>) async {
        do {
            switch outcome {
            case .success(let (jobClass, inputJSON)):
                try await perform { book, now in
                    book.aggregationPrepared(request, jobClass: jobClass, inputJSON: inputJSON, now: now)
                }
                logger.info("aggregation job queued", metadata: ["request": "\(request)"])
            case .failure(let error):
                logger.error(
                    "cannot make the aggregation job", metadata: ["request": "\(request)", "error": "\(error)"])
                try await perform { book, now in book.aggregationFailed(request, reason: "\(error)", now: now) }
            }
        } catch {
            // The store refused: the request stays aggregating and is prepared again at the next start.
            logger.error("aggregation job not stored", metadata: ["request": "\(request)", "error": "\(error)"])
        }
    }
}

extension Coordinator {
    /// What the gateway's health reports of the coordinator, read in one turn of the actor.
    public struct HealthCounts: Sendable, Equatable, Codable {
        public var connectedProvers: Int
        public var openRequests: Int
        /// Jobs waiting in the market for a prover.
        public var pendingJobs: Int
        /// Jobs that provers hold a lease on.
        public var leasedJobs: Int
        /// A graceful shutdown has begun: no more assignments.
        public var draining: Bool
    }

    public func healthCounts() -> HealthCounts {
        HealthCounts(
            connectedProvers: book.provers.count, openRequests: book.requests.count, pendingJobs: book.pendingJobCount,
            leasedJobs: book.leasedJobCount, draining: book.draining)
    }
}
