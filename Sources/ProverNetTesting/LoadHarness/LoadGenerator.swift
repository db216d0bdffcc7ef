import Foundation
import ProverNetClient
import ProverNetCore
import Synchronization

/// Clients that submit requests at a set rate of jobs per second: request n (of `inputsPerRequest` inputs, taken
/// round the list of prepared inputs) is due at n × inputsPerRequest / rate seconds after the start, and is sent
/// on client n mod the number of clients, whether or not the earlier ones have been answered. Each submission is
/// written to the recorder (its time, or its refusal).
public struct LoadGenerator: Sendable {
    public let clients: [ProverNetClient]
    public let circuit: CircuitID
    public let inputs: [String]
    public let inputsPerRequest: Int
    public let maxPricePerJob: Amount
    public let recorder: LoadRecorder
    /// Submissions in flight beyond which a due request is skipped (counted), so that a gateway that stops
    /// answering does not pile up tasks here without end.
    public var maxInFlight = 4096

    public init(
        clients: [ProverNetClient], circuit: CircuitID, inputs: [String], inputsPerRequest: Int,
        maxPricePerJob: Amount, recorder: LoadRecorder
    ) {
        self.clients = clients
        self.circuit = circuit
        self.inputs = inputs
        self.inputsPerRequest = max(1, inputsPerRequest)
        self.maxPricePerJob = maxPricePerJob
        self.recorder = recorder
    }

    /// What one run of the generator did.
    public struct Outcome: Sendable {
        public var requests = 0
        /// Requests due that were not sent, because `maxInFlight` submissions were unanswered.
        public var skipped = 0
        /// How late the last due request was sent, in seconds: the generator itself falling behind.
        public var lateSeconds = 0.0
    }

    /// Submits at `rate` jobs per second for `seconds`, starting with input `offset`; returns when every
    /// submission has been answered.
    public func run(rate: Double, seconds: Double, offset: Int = 0) async -> Outcome {
        let interval = Double(inputsPerRequest) / max(rate, 1e-9)
        let count = max(1, Int((seconds / interval).rounded(.down)))
        let start = recorder.now()
        var outcome = Outcome()
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            for n in 0..<count {
                let due = start + Double(n) * interval
                let wait = due - recorder.now()
                if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(wait * 1e6))) }
                outcome.lateSeconds = max(outcome.lateSeconds, recorder.now() - due)
                guard inFlight.enter(limit: maxInFlight) else {
                    outcome.skipped += 1
                    continue
                }
                outcome.requests += 1
                let list = (0..<inputsPerRequest).map { inputs[(offset + n * inputsPerRequest + $0) % inputs.count] }
                let client = clients[n % clients.count]
                group.addTask {
                    defer { inFlight.leave() }
                    await submit(list, on: client)
                }
            }
        }
        return outcome
    }

    /// Submits one request of `list`, recording it before it is sent (its first assignment may come before the
    /// answer) and its refusal if there is one.
    public func submit(_ list: [String], on client: ProverNetClient) async {
        let id = RequestID.random()
        recorder.submitting(id, jobs: list.count, at: recorder.now())
        do {
            _ = try await client.submit(circuit: circuit, inputs: list, maxPricePerJob: maxPricePerJob, id: id)
        } catch {
            recorder.submissionRefused(id, jobs: list.count, reason: "\(error)")
        }
    }

    /// A count of submissions in flight.
    final class InFlight: Sendable {
        let count = Mutex(0)

        func enter(limit: Int) -> Bool {
            count.withLock {
                guard $0 < limit else { return false }
                $0 += 1
                return true
            }
        }

        func leave() { count.withLock { $0 -= 1 } }
    }
}
