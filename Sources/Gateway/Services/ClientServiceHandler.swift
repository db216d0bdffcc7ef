import Foundation
import GRPCCore
import Logging
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store
import SwiftProtobuf

/// The client service: circuits, requests, watching, cancelling.
struct ClientServiceHandler: Provernet_V1_ClientService.SimpleServiceProtocol {
    let coordinator: Coordinator
    let circuits: CircuitRegistry
    let artifacts: ArtifactStore
    let configuration: GatewayConfiguration
    let logger: Logger

    func registerCircuit(
        request: RPCAsyncSequence<Provernet_V1_RegisterCircuitChunk, any Error>, context: ServerContext
    ) async throws -> Provernet_V1_RegisterCircuitResponse {
        do {
            var iterator = request.makeAsyncIterator()
            guard let first = try await iterator.next(), case .header(let header)? = first.chunk else {
                throw GatewayError.invalidArgument("the first message of RegisterCircuit must be its header")
            }
            guard let kindName = Provernet_V1_CircuitKind.kindName(name: header.kindName, value: header.kind) else {
                throw GatewayError.invalidArgument(
                    "the circuit's kind is missing: set kind (CIRCOM or SYNTHETIC) or kind_name")
            }
            let kind = CircuitKind(rawValue: kindName)
            let system = try circuits.system(for: kind)
            let roles = system.uploadedArtifacts(for: kind)
            let uploaded = roles.isEmpty ? [] : try await receiveArtifacts(roles, header: header, iterator: &iterator)
            let descriptor = try await circuits.register(
                kind: kind, constraints: header.constraints, name: header.name, uploaded: uploaded)
            logger.info(
                "circuit registered",
                metadata: ["circuit": "\(descriptor.id.prefix(12))", "name": "\(descriptor.name)"])
            return .with {
                $0.circuitID = descriptor.id.rawValue
                $0.verificationKeyJson = descriptor.verificationKeyJSON
                $0.publicSignals = UInt32(descriptor.publicSignals)
                $0.constraints = descriptor.constraints
                $0.domainSize = descriptor.domainSize
                $0.proofSystem = system.name
            }
        } catch {
            throw RPCError.from(error, hiding: configuration)
        }
    }

    /// Receives the artifacts a circuit's kind uploads (`roles`): the header declares each once with its
    /// hash and size, then data chunks of the declared artifacts follow.
    func receiveArtifacts(
        _ roles: [ArtifactRole], header: Provernet_V1_RegisterCircuitChunk.Header,
        iterator: inout RPCAsyncSequence<Provernet_V1_RegisterCircuitChunk, any Error>.AsyncIterator
    ) async throws -> [ArtifactDescriptor] {
        let names = roles.map(\.rawValue).joined(separator: " and ")
        var declared: [ArtifactRole: ArtifactDescriptor] = [:]
        for a in header.artifacts {
            guard let role = ArtifactRole(rawValue: a.role), roles.contains(role), ContentHash.isValidHex(a.sha256)
            else {
                throw GatewayError.invalidArgument(
                    "artifact \(a.role) \(a.sha256): role must be \(names), sha256 64 hex digits")
            }
            guard a.size <= configuration.limits.maxArtifactBytes else {
                throw GatewayError.tooLarge(
                    what: "the \(role.rawValue) artifact", size: a.size, limit: configuration.limits.maxArtifactBytes)
            }
            declared[role] = ArtifactDescriptor(role: role, sha256: a.sha256, size: a.size)
        }
        guard declared.count == roles.count, header.artifacts.count == roles.count else {
            throw GatewayError.invalidArgument("this circuit's kind declares exactly one of each of \(names)")
        }
        var writers: [ArtifactRole: ArtifactStore.Writer] = [:]
        do {
            while let message = try await iterator.next() {
                guard case .data(let data)? = message.chunk, let role = ArtifactRole(rawValue: data.role),
                    let expected = declared[role]
                else {
                    throw GatewayError.invalidArgument(
                        "after the header only data chunks of a declared artifact may come")
                }
                if artifacts.url(sha256: expected.sha256) != nil, writers[role] == nil {
                    // Already stored: the bytes are skipped but still bounded.
                    continue
                }
                var writer = try writers[role] ?? artifacts.makeWriter(role: role, limit: expected.size)
                try writer.append(data.bytes)
                writers[role] = writer
            }
            for (role, writer) in writers { _ = try writer.finish(expected: declared[role]) }
        } catch {
            for writer in writers.values { writer.abandon() }
            throw error
        }
        let uploaded = roles.compactMap { declared[$0] }
        for artifact in uploaded where artifacts.url(sha256: artifact.sha256) == nil {
            throw GatewayError.invalidArgument("the \(artifact.role.rawValue) artifact was declared but not sent")
        }
        return uploaded
    }

    func submitRequest(request: Provernet_V1_SubmitRequestRequest, context: ServerContext) async throws
        -> Provernet_V1_SubmitRequestResponse
    {
        do {
            let limits = configuration.limits
            guard !request.inputsJson.isEmpty else {
                throw GatewayError.invalidArgument("a request needs at least one input")
            }
            guard request.inputsJson.count <= limits.maxInputsPerRequest else {
                throw GatewayError.invalidArgument(
                    "\(request.inputsJson.count) inputs, over the limit of \(limits.maxInputsPerRequest)")
            }
            // The client's price in integer units (10^-6 credit).
            let maxPrice = Amount(units: request.maxPricePerJobUnits)
            guard maxPrice > .zero else {
                throw GatewayError.invalidArgument(
                    "max_price_per_job_units must be a positive amount of at least \(Amount(units: 1)) credits")
            }
            guard request.redundancy <= 16 else { throw GatewayError.invalidArgument("redundancy must be 1 to 16") }
            // A client that chose the id may be retrying a submit whose answer it lost (its gateway died):
            // the request it made then is the answer, and nothing is created twice.
            let chosenID = try RequestID(chosen: request.requestID)
            if let chosenID, let existing = try await submitted(chosenID, circuit: request.circuitID) {
                coordinator.metrics.submission(refusal: nil)
                return .with {
                    $0.requestID = existing.id.rawValue
                    $0.jobs = UInt32(clamping: existing.inputCount)
                }
            }
            for (index, input) in request.inputsJson.enumerated() where input.utf8.count > limits.maxInputBytes {
                throw ProverNetError.invalidInput(
                    index: index, reason: "\(input.utf8.count) bytes, over the limit of \(limits.maxInputBytes)")
            }
            let (descriptor, system, circuit) = try await circuits.circuit(CircuitID(request.circuitID))
            if request.aggregate {
                guard let aggregation = coordinator.aggregation else {
                    throw GatewayError.failedPrecondition(
                        "this gateway does not aggregate: it was started without an aggregation setup (--snarkpack-srs)"
                    )
                }
                guard aggregation.system.aggregates == system.name else {
                    throw GatewayError.failedPrecondition(
                        "this gateway aggregates \(aggregation.system.aggregates) proofs, not the \(system.name) proofs of this circuit"
                    )
                }
                guard request.inputsJson.count >= 2 else {
                    throw GatewayError.invalidArgument(
                        "an aggregate needs at least 2 inputs, not \(request.inputsJson.count)")
                }
                guard request.inputsJson.count <= aggregation.maxProofs else {
                    throw GatewayError.invalidArgument(
                        "\(request.inputsJson.count) inputs, over the \(aggregation.maxProofs) proofs that this gateway's aggregation setup can aggregate"
                    )
                }
            }
            // The statement each input implies: a proof is accepted only if it proves exactly this. A declared
            // statement is only checked (its count, each signal in the field): no witness is run for it.
            let declarations = request.declaredStatements
            guard declarations.isEmpty || declarations.count == request.inputsJson.count else {
                throw GatewayError.invalidArgument(
                    "\(declarations.count) declared statements for \(request.inputsJson.count) inputs: give none or one per input"
                )
            }
            let inputs = request.inputsJson
            let computing = ContinuousClock.now
            let newJobs = try await Task.detached {
                try inputs.enumerated().map { index, input in
                    if index < declarations.count, declarations[index].declared {
                        return NewJob(
                            inputJSON: input,
                            statementJSON: try circuit.declaredStatement(
                                declarations[index].publicSignals, index: index),
                            declared: true)
                    }
                    return NewJob(
                        inputJSON: input, statementJSON: try circuit.statement(inputJSON: input, index: index))
                }
            }.value
            coordinator.metrics.statementsComputed(seconds: Coordinator.seconds(ContinuousClock.now - computing))
            let deadline =
                request.deadlineSeconds == 0 ? configuration.defaultDeadlineSeconds : Int(request.deadlineSeconds)
            let record: ProofRequest
            do {
                record = try await coordinator.submit(
                    id: chosenID ?? .random(), circuit: descriptor, jobClass: system.jobClass(of: descriptor),
                    aggregationClass: request.aggregate
                        ? coordinator.aggregation?.system.jobClass(proofs: newJobs.count) : nil,
                    jobs: newJobs,
                    deadlineSeconds: deadline, maxPricePerJob: maxPrice,
                    redundancy: max(1, Int(request.redundancy)), aggregate: request.aggregate,
                    owner: Principal.current?.keyID,
                    ownerLimits: JobBook.OwnerLimits(
                        maxOpenRequests: configuration.access.maxOpenRequestsPerKey,
                        maxInputsInFlight: configuration.access.maxInputsInFlightPerKey))
            } catch {
                // The same id submitted twice at once (the first attempt still in flight when the retry
                // came): the one that was stored answers both.
                guard let chosenID, let existing = try await submitted(chosenID, circuit: request.circuitID) else {
                    throw error
                }
                record = existing
            }
            coordinator.metrics.submission(refusal: nil)
            let declaredCount = newJobs.count { $0.declared }
            coordinator.metrics.statements(computed: newJobs.count - declaredCount, declared: declaredCount)
            return .with {
                $0.requestID = record.id.rawValue
                $0.jobs = UInt32(clamping: record.inputCount)
            }
        } catch {
            let refusal = RPCError.from(error, hiding: configuration)
            coordinator.metrics.submission(refusal: refusal.code.metricLabel)
            throw refusal
        }
    }

    /// The request `id` if it exists, was submitted by the caller's key and is for `circuit`; nil if there
    /// is none; `alreadyExists` if it is another key's or another circuit's.
    private func submitted(_ id: RequestID, circuit: String) async throws -> ProofRequest? {
        let existing: ProofRequest
        do {
            existing = try await coordinator.snapshot(id).0
        } catch GatewayError.unknownRequest {
            return nil
        }
        guard existing.owner == Principal.current?.keyID, existing.circuitID.rawValue == circuit else {
            throw GatewayError.alreadyExists(
                "request \(id) exists already and is not this key's submission of circuit \(circuit.prefix(12)): a client-chosen id must be fresh (req-<16 random hex digits>)"
            )
        }
        return existing
    }

    func watchRequest(
        request: Provernet_V1_WatchRequestRequest, response: RPCWriter<Provernet_V1_RequestEvent>,
        context: ServerContext
    ) async throws {
        let stream: AsyncStream<RequestUpdate>
        do {
            try await checkAccess(RequestID(request.requestID))
            stream = try await coordinator.watch(RequestID(request.requestID))
        } catch {
            throw RPCError.from(error, hiding: configuration)
        }
        for await update in stream {
            try await response.write(update.proto)
        }
    }

    func getRequest(request: Provernet_V1_GetRequestRequest, context: ServerContext) async throws
        -> Provernet_V1_GetRequestResponse
    {
        do {
            let (record, jobList) = try await coordinator.snapshot(RequestID(request.requestID))
            guard Principal.current?.mayAccess(requestOwnedBy: record.owner) ?? false else {
                throw GatewayError.unknownRequest(request.requestID)
            }
            let descriptor = try? await circuits.descriptor(record.circuitID)
            return .with { r in
                r.requestID = record.id.rawValue
                r.circuitID = record.circuitID.rawValue
                r.state = record.state.phase.proto
                r.reason = record.state.reason ?? ""
                r.verificationKeyJson = descriptor?.verificationKeyJSON ?? ""
                r.paid = record.paid.wholeUnits
                r.paidUnits = record.paid.units
                r.createdUnixMillis = record.createdMillis
                r.finishedUnixMillis = record.state.finishedMillis ?? 0
                r.aggregate = record.aggregate
                if let aggregate = jobList.first(where: { $0.isAggregation })?.state.verified?.proof.aggregate {
                    r.aggregateProof = Data(aggregate)
                    r.snarkpackVerifierKey = Data(coordinator.aggregation?.verifierKeyBytes ?? [])
                }
                r.jobs = jobList.map { job in
                    .with { j in
                        j.jobID = job.id.rawValue
                        j.kind = circuits.proofSystems.system(of: job.jobClass)?.jobKind ?? ""
                        j.index = UInt32(clamping: job.index)
                        j.replica = UInt32(clamping: job.replica)
                        j.state = job.state.phase.proto
                        j.proverID = job.state.prover?.rawValue ?? ""
                        j.attempts = UInt32(clamping: job.attempts)
                        let charge = job.state.lease?.charge ?? job.state.verified?.lease.charge ?? .zero
                        j.priceUnits = charge.units
                        if let verified = job.state.verified, let proof = verified.proof.proofJSON,
                            let publics = verified.proof.publicJSON
                        {
                            j.proof = .with {
                                $0.proofJson = proof
                                $0.publicJson = publics
                            }
                        }
                    }
                }
            }
        } catch {
            throw RPCError.from(error, hiding: configuration)
        }
    }

    func cancelRequest(request: Provernet_V1_CancelRequestRequest, context: ServerContext) async throws
        -> Provernet_V1_CancelRequestResponse
    {
        do {
            try await checkAccess(RequestID(request.requestID))
            let state = try await coordinator.cancel(
                RequestID(request.requestID), actor: Principal.current?.actor ?? "client")
            return .with { $0.state = state.proto }
        } catch {
            throw RPCError.from(error, hiding: configuration)
        }
    }

    func getBalance(request: Provernet_V1_GetBalanceRequest, context: ServerContext) async throws
        -> Provernet_V1_GetBalanceResponse
    {
        guard let principal = Principal.current else { throw RPCError(code: .unauthenticated, message: "no key") }
        let keyID = request.keyID.isEmpty ? principal.keyID : request.keyID
        // A client sees its own balance only; viewers and administrators any key's.
        guard keyID == principal.keyID || principal.role == .viewer || principal.role == .admin else {
            throw RPCError(code: .permissionDenied, message: "a client key sees its own balance only")
        }
        do {
            let balance = try await coordinator.store.balance(of: .client(keyID))
            return .with {
                $0.keyID = keyID
                $0.balanceUnits = balance.units
                $0.balance = balance.description
            }
        } catch {
            throw RPCError.from(error, hiding: configuration)
        }
    }

    /// Refuses a request the caller may not see as if it did not exist (NOT_FOUND, the same answer as for an
    /// unknown id), so that one client cannot learn which ids another has.
    func checkAccess(_ id: RequestID) async throws {
        let owner = try await coordinator.owner(of: id)
        guard Principal.current?.mayAccess(requestOwnedBy: owner) ?? false else {
            throw GatewayError.unknownRequest(id.rawValue)
        }
    }
}

extension RequestID {
    /// The id a client chose for its request (nil when it sent none), checked to be of the form the
    /// gateway's own ids have (`req-` and 16 lowercase hex digits), so that it cannot pose as a job's id or
    /// carry anything into logs and paths.
    init?(chosen text: String) throws(GatewayError) {
        guard !text.isEmpty else { return nil }
        let digits = text.utf8.dropFirst(4)
        guard text.hasPrefix("req-"), digits.count == 16,
            digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw .invalidArgument("request_id '\(text.prefix(40))' is not req-<16 lowercase hex digits>")
        }
        self.init(text)
    }
}
