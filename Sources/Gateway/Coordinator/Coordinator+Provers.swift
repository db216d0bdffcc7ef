import Foundation
import Logging
import ProverNetCore
import Store

extension Coordinator {
    /// Registers a prover's connection and its stream of instructions. A second connection of the same
    /// prover replaces the first (whose stream ends); the jobs it says it still holds stay its own.
    /// Returns the connection's token.
    public func connect(
        _ hello: ProverAnnouncement, held: Set<JobID>,
        outbound continuation: AsyncStream<ProverInstruction>.Continuation
    ) async -> UInt64 {
        let connection = token()
        outbound.removeValue(forKey: hello.id)?.continuation.finish()
        remote[hello.id] = nil
        outbound[hello.id] = (connection, continuation)
        let connected = ConnectedProver(connection: connection, announcement: hello, connectedMillis: clock())
        do {
            try await perform(actor: "prover:\(hello.id)") { book, now in
                book.proverConnected(connected, held: held, now: now)
            }
        } catch {
            // The prover record's last-seen time could not be written; the connection stands and the
            // jobs it holds are resolved again at its next connection.
            logger.error(
                "prover connection not recorded", metadata: ["prover": "\(hello.id.prefix(12))", "error": "\(error)"])
        }
        logger.info(
            "prover connected",
            metadata: ["prover": "\(hello.id.prefix(12))", "name": "\(hello.name)", "slots": "\(hello.slots)"])
        return connection
    }

    /// A prover was taken off the allowlist: its connection, if it has one, is closed now.
    public func revoked(_ prover: ProverID) async {
        guard let connection = outbound[prover]?.connection else { return }
        await disconnect(prover, connection: connection)
        logger.warning("revoked prover disconnected", metadata: ["prover": "\(prover.prefix(12))"])
    }

    /// The prover's stream ended. Its leases stand until they lapse.
    public func disconnect(_ prover: ProverID, connection: UInt64) async {
        _ = try? await perform(actor: "prover:\(prover)") { book, now in
            book.proverDisconnected(prover, connection: connection, now: now)
        }
        logger.info("prover disconnected", metadata: ["prover": "\(prover.prefix(12))"])
    }

    public func heartbeat(_ prover: ProverID, connection: UInt64, _ report: HeartbeatReport) async {
        _ = try? await perform(lazy: true) { book, now in
            book.heartbeat(prover, connection: connection, report, now: now)
        }
    }

    public func progressReported(_ prover: ProverID, _ report: ProgressReport) async {
        _ = try? await perform(lazy: true) { book, now in
            // A lazy event is applied in place (no copy of the book to compare with): the one move it can make,
            // assigned → proving, is counted here.
            let before = book.jobs[report.job]?.state.phase
            let actions = book.progressReported(prover, report, now: now)
            if before == .assigned, book.jobs[report.job]?.state.phase == .proving {
                self.metrics.jobEntered(.proving)
            }
            return actions
        }
    }

    /// Checks that `prover` holds the lease of `epoch` on the job (before its result is verified, outside
    /// the actor); returns the job and its request.
    public func checkLease(prover: ProverID, job: JobID, epoch: Int64) throws(LeaseRefusal) -> (Job, ProofRequest) {
        let (job, _, request) = try book.checkLease(prover: prover, job: job, epoch: epoch)
        return (job, request)
    }

    /// A result and its verdict. The prover is told the verdict once the outcome is stored; a result the
    /// gateway accepted before (sent again) is acknowledged again and changes nothing.
    public func resultArrived(_ prover: ProverID, job: JobID, epoch: Int64, _ result: CheckedResult) async {
        do {
            let actions = try await perform(actor: "prover:\(prover)") { book, now in
                book.resultArrived(prover, job: job, epoch: epoch, result, now: now)
            }
            guard let refusal = actions.refusal else {
                let acceptedBefore = actions.messages.contains {
                    if case .verdict(_, _, true, let reason) = $0.instruction { !reason.isEmpty } else { false }
                }
                switch result.verdict {
                case _ where acceptedBefore: metrics.verdict(accepted: true, reason: .alreadyAccepted)
                case .valid:
                    metrics.verdict(accepted: true, reason: .valid)
                    remember(RecentVerdict(prover: prover, job: job, accepted: true, reason: "", atMillis: clock()))
                case .invalid(let reason):
                    metrics.verdict(accepted: false, reason: .invalidProof)
                    remember(
                        RecentVerdict(prover: prover, job: job, accepted: false, reason: reason, atMillis: clock()))
                }
                return
            }
            if case .unknownJob = refusal, await storedAcceptance(prover: prover, job: job, epoch: epoch) {
                metrics.verdict(accepted: true, reason: .alreadyAccepted)
                send(.verdict(job: job, epoch: epoch, accepted: true, reason: "already accepted"), to: prover)
                return
            }
            metrics.verdict(accepted: false, reason: .init(refusal))
            send(.verdict(job: job, epoch: epoch, accepted: false, reason: "\(refusal)"), to: prover)
        } catch {
            metrics.verdict(accepted: false, reason: .notDurable)
            // Not durable, so not accepted: the prover's lease stands and it may send again.
            send(
                .verdict(job: job, epoch: epoch, accepted: false, reason: "\(LeaseRefusal.notDurable(job: job))"),
                to: prover)
        }
    }

    /// Whether the store holds the job as accepted from this prover under this lease (its request ended).
    func storedAcceptance(prover: ProverID, job id: JobID, epoch: Int64) async -> Bool {
        guard let stored = try? await store.job(id: id) else { return false }
        return JobBook.isAccepted(stored, prover: prover, epoch: epoch)
    }

    /// A prover's statement mismatch on a declared job, found right: the client declared a false statement
    /// (`JobBook.falseDeclarationFound`).
    public func falseDeclarationFound(_ prover: ProverID, job: JobID, epoch: Int64, inputStatement: String) async {
        let actions = try? await perform(actor: "prover:\(prover)") { book, now in
            book.falseDeclarationFound(prover, job: job, epoch: epoch, inputStatement: inputStatement, now: now)
        }
        if let refusal = actions?.refusal {
            logger.info("statement mismatch refused", metadata: ["job": "\(job)", "reason": "\(refusal)"])
            send(.verdict(job: job, epoch: epoch, accepted: false, reason: "\(refusal)"), to: prover)
        }
    }

    /// A prover failed a job: one attempt used.
    public func failureReported(_ prover: ProverID, job: JobID, epoch: Int64, reason: String) async {
        let actions = try? await perform(actor: "prover:\(prover)") { book, now in
            book.failureReported(prover, job: job, epoch: epoch, reason: reason, now: now)
        }
        if let refusal = actions?.refusal {
            logger.info("failure report refused", metadata: ["job": "\(job)", "reason": "\(refusal)"])
        }
    }

    /// A prover hands a job back (it is shutting down).
    public func released(_ prover: ProverID, job: JobID, epoch: Int64, reason: String) async {
        _ = try? await perform(actor: "prover:\(prover)") { book, now in
            book.released(prover, job: job, epoch: epoch, reason: reason, now: now)
        }
    }

    /// Sends a prover an instruction outside an event.
    func send(_ instruction: ProverInstruction, to prover: ProverID) {
        outbound[prover]?.continuation.yield(instruction)
        log(ProverMessage(prover: prover, instruction: instruction))
    }
}

extension Coordinator {
    /// Suspends a connected prover (its operator is out of order: `reason`) or resumes it (nil). A suspended
    /// prover keeps its connection and its running leases, and takes no new job.
    public func setSuspension(_ prover: ProverID, reason: String?) async {
        _ = try? await perform(lazy: true) { book, _ in
            book.setSuspension(prover, reason: reason)
        }
        if let reason {
            logger.warning("prover suspended", metadata: ["prover": "\(prover.prefix(12))", "reason": "\(reason)"])
        } else {
            logger.notice("prover resumed", metadata: ["prover": "\(prover.prefix(12))"])
        }
    }
}

extension Coordinator {
    /// An operator's stake as its registry read it, in the ledger's unit: what its provers' bonds are locked
    /// from. A larger stake may let a round trade more.
    public func setOperatorStake(_ address: String, _ stake: Amount) async {
        _ = try? await perform(lazy: true) { book, _ in
            var actions = BookActions()
            actions.wakeMarket = stake > (book.operatorStakes[address] ?? .zero)
            book.setOperatorStake(address, stake)
            return actions
        }
    }
}
