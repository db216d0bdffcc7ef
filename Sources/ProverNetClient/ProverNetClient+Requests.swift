import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore

extension ProverNetClient {
    /// Submits a request: one job per input, each input a circom input JSON object (for synthetic
    /// circuits `{"x": "3", "y": "11"}`).
    ///
    /// - Parameters:
    ///   - circuit: a registered circuit's id (`notFound` from the gateway otherwise).
    ///   - inputs: the inputs' JSON texts (`invalidArgument` from the gateway, naming the index, for a bad one).
    ///   - deadlineSeconds: seconds from now in which the request must be done; 0 for the gateway's default.
    ///   - maxPricePerJob: the most the client pays for one job (more than 0; sent exactly, as integer units). A job costs at least
    ///     the gateway's reserve price per unit of work (one 2^12 proof is one unit).
    ///   - redundancy: how many provers prove each job at once.
    ///   - aggregate: whether the proofs are to be aggregated (SnarkPack).
    ///   - declaredStatements: empty, or one entry per input: the public signals the client declares for it
    ///     (decimal strings, as many as the circuit has), or nil to let the gateway compute them. A declared
    ///     input costs the gateway no witness; a false declaration fails the request, and the client pays
    ///     for the proof it caused.
    ///   - id: the request's id (`req-` and 16 lowercase hex digits; default: a fresh random one). The same
    ///     submit tried again with the same id (through another gateway, after this one was lost with the
    ///     answer; this client does so itself) answers with the request the first try made and makes none.
    public func submit(
        circuit: CircuitID, inputs: [String], deadlineSeconds: Int = 0, maxPricePerJob: Amount,
        redundancy: Int = 1, aggregate: Bool = false, declaredStatements: [[String]?] = [], id: RequestID = .random()
    ) async throws(ProverNetClientError) -> SubmittedRequest {
        guard !inputs.isEmpty else { throw .noInputs }
        guard declaredStatements.isEmpty || declaredStatements.count == inputs.count else {
            throw .invalidArgument(
                name: "declared statements", value: "\(declaredStatements.count)",
                reason: "must be none or one per input (\(inputs.count))")
        }
        guard (0...Int(UInt32.max)).contains(deadlineSeconds) else {
            throw .invalidArgument(
                name: "deadline seconds", value: "\(deadlineSeconds)",
                reason: "must be 0 (the gateway's default) or more")
        }
        guard maxPricePerJob > .zero else {
            throw .invalidArgument(
                name: "max price per job", value: "\(maxPricePerJob)", reason: "must be a price of more than 0 credits")
        }
        guard (1...Int(UInt32.max)).contains(redundancy) else {
            throw .invalidArgument(name: "redundancy", value: "\(redundancy)", reason: "must be 1 or more")
        }
        var message = Provernet_V1_SubmitRequestRequest()
        message.circuitID = circuit.rawValue
        message.inputsJson = inputs
        message.deadlineSeconds = UInt32(deadlineSeconds)
        message.maxPricePerJobUnits = maxPricePerJob.units
        message.redundancy = UInt32(redundancy)
        message.aggregate = aggregate
        message.declaredStatements = declaredStatements.map { signals in
            var statement = Provernet_V1_DeclaredStatement()
            statement.declared = signals != nil
            statement.publicSignals = signals ?? []
            return statement
        }
        // The id is chosen here, so that the same submit tried again (on another gateway, after this one
        // was lost with the answer) is recognised by the network and makes no second request.
        message.requestID = id.rawValue
        let request = message
        let response = try await call("SubmitRequest", retried: true) {
            try await service.submitRequest(request, options: unaryOptions)
        }
        return SubmittedRequest(id: RequestID(response.requestID), jobs: Int(response.jobs))
    }

    /// The request as the gateway holds it now, with the proofs verified so far.
    public func request(_ id: RequestID) async throws(ProverNetClientError) -> RequestStatus {
        var message = Provernet_V1_GetRequestRequest()
        message.requestID = id.rawValue
        let request = message
        let response = try await call("GetRequest", retried: true) {
            try await service.getRequest(request, options: unaryOptions)
        }
        return try RequestStatus(response)
    }

    /// Cancels a request that has not ended; returns its state afterwards.
    @discardableResult
    public func cancel(_ id: RequestID) async throws(ProverNetClientError) -> RequestPhase {
        var message = Provernet_V1_CancelRequestRequest()
        message.requestID = id.rawValue
        let request = message
        let response = try await call("CancelRequest", retried: true) {
            try await service.cancelRequest(request, options: unaryOptions)
        }
        return try RequestPhase(response.state, call: "CancelRequest")
    }

    /// The request's events: first its state, then every change; the stream finishes when the request
    /// ends (done, failed, expired or cancelled), and throws a `ProverNetClientError` if the call fails.
    /// Stopping the iteration (or cancelling its task) ends the call. With several gateways, a watch whose
    /// gateway is lost goes on through the next: it starts again with the request's state (an event that
    /// repeats what was already seen), then every change.
    public func watch(request id: RequestID) -> AsyncThrowingStream<RequestEvent, any Error> {
        var message = Provernet_V1_WatchRequestRequest()
        message.requestID = id.rawValue
        let request = message
        let options = streamingOptions
        let (stream, continuation) = AsyncThrowingStream<RequestEvent, any Error>.makeStream()
        // The task is owned by the stream: it ends with the call, and the stream's end cancels it.
        let task = Task {
            do throws(ProverNetClientError) {
                try await call("WatchRequest", retried: true) {
                    try await service.watchRequest(request, options: options) { response in
                        for try await event in response.messages {
                            continuation.yield(try RequestEvent(event))
                        }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
