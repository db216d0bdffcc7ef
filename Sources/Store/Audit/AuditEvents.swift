import ProverNetCore

/// What each write records in the audit log, whatever the database: both stores derive their entries here,
/// from the row being written and what the database held before, so that the chain is the same on SQLite
/// and on PostgreSQL.
package enum AuditEvents {
    /// The columns of a stored job that an audit entry compares.
    package struct JobBefore: Equatable, Sendable {
        package var state: String
        package var epoch: Int64
        package var proverID: String?
        package var attempts: Int

        package init(state: String, epoch: Int64, proverID: String?, attempts: Int) {
            self.state = state
            self.epoch = epoch
            self.proverID = proverID
            self.attempts = attempts
        }
    }

    package static func circuitRegistered(_ circuit: CircuitDescriptor) -> AuditEvent {
        AuditEvent(
            actor: "client", action: "circuit.registered", subject: circuit.id.rawValue,
            details: [
                "name": circuit.name, "kind": circuit.kind.rawValue, "domain_size": String(circuit.domainSize),
                "artifacts": circuit.artifacts.map { "\($0.role.rawValue)=\($0.sha256)" }.joined(separator: ","),
            ])
    }

    package static func proverAllowed(
        _ id: ProverID, publicKeyHex: String, name: String, actor: String
    ) -> AuditEvent {
        AuditEvent(
            actor: actor, action: "prover.allowed", subject: id.rawValue,
            details: ["public_key": publicKeyHex, "name": name])
    }

    package static func proverRevoked(_ id: ProverID, actor: String) -> AuditEvent {
        AuditEvent(actor: actor, action: "prover.revoked", subject: id.rawValue)
    }

    /// What a request row's upsert records: its creation, or a change of state (not its other columns).
    /// `oldState` is the stored row's state, nil when there is none.
    package static func request(_ request: RequestRow, oldState: String?, actor: String) -> AuditEvent? {
        guard oldState != request.state else { return nil }
        var details = ["state": request.state, "paid_units": String(request.paid)]
        if oldState == nil {
            details["circuit"] = request.circuitID
            details["inputs"] = String(request.jobsTotal)
            details["max_price_per_job_units"] = String(request.maxPricePerJob)
            if let owner = request.owner { details["owner"] = owner }
        }
        if let reason = request.reason { details["reason"] = reason }
        return AuditEvent(
            actor: actor, action: oldState == nil ? "request.submitted" : "request.\(request.state)",
            subject: request.id, details: details)
    }

    /// What a job row's upsert records: its creation, a lease, a verdict, a return to the market or an end;
    /// not a heartbeat's renewal or a progress report. `old` is the stored row, nil when there is none.
    package static func job(_ job: JobRow, old: JobBefore?, actor: String) -> AuditEvent? {
        if let old {
            let same =
                old.state == job.state && old.epoch == job.epoch && old.proverID == job.proverID
                && old.attempts == job.attempts
            if same { return nil }
        }
        var details = ["state": job.state, "epoch": String(job.epoch), "attempts": String(job.attempts)]
        if let prover = job.proverID { details["prover"] = prover }
        if job.proverID != nil, job.state != "verified" { details["price_units"] = String(job.price) }
        if let error = job.lastError, job.proverID == nil || job.state == "failed" { details["reason"] = error }
        if old == nil { details["class"] = job.jobClass }
        return AuditEvent(
            actor: actor, action: old == nil ? "job.created" : "job.\(job.state)", subject: job.id, details: details)
    }

    package static func ledger(_ entry: LedgerEntry, actor: String) -> AuditEvent {
        var details = ["amount_units": String(entry.amount.units), "request": entry.requestID.rawValue]
        if let prover = entry.proverID { details["prover"] = prover.rawValue }
        return AuditEvent(
            actor: actor, action: "ledger.\(entry.kind.rawValue)", subject: entry.jobID.rawValue, details: details)
    }

    /// A transfer between the ledger's accounts (`Transfer`), recorded with the batch that moves it.
    package static func transfer(_ transfer: Transfer, actor: String) -> AuditEvent {
        var details = [
            "amount_units": String(transfer.amount.units), "from": transfer.from.rawValue, "to": transfer.to.rawValue,
        ]
        if let job = transfer.jobID { details["job"] = job.rawValue }
        if !transfer.note.isEmpty { details["note"] = transfer.note }
        return AuditEvent(
            actor: actor, action: "ledger.\(transfer.reason.rawValue)",
            subject: transfer.requestID?.rawValue ?? transfer.to.rawValue, details: details)
    }

    /// An administrator's credit to the client whose API key is `keyID` (`EconomicsStore.credit`).
    package static func credit(keyID: String, amount: Amount, actor: String) -> AuditEvent {
        AuditEvent(
            actor: actor, action: "ledger.credit", subject: keyID, details: ["amount_units": String(amount.units)])
    }

    /// An epoch settled (`SettlementStore.settle`): its range, root and totals.
    package static func settled(_ report: SettlementReport, actor: String) -> AuditEvent {
        AuditEvent(
            actor: actor, action: "ledger.settled", subject: String(report.epoch),
            details: [
                "until_millis": String(report.untilMillis),
                "transfers": "\(report.firstTransferID)-\(report.lastTransferID)",
                "fee_bps": String(report.feeBps), "merkle_root": report.merkleRoot,
                "client_payments_units": String(report.clientPaymentsUnits),
                "payouts_units": String(report.payoutsUnits),
                "network_revenue_units": String(report.networkRevenueUnits),
                "operators": String(report.operators.count),
            ])
    }

    // MARK: Keys and operators

    /// The audit entry of a new key: its id, name, role, binding and expiry, never its secret or hash.
    package static func keyCreated(_ key: APIKeyRecord, actor: String) -> AuditEvent {
        var details = [
            "name": key.name, "role": key.role.rawValue, "second_factor": key.totpSealed == nil ? "no" : "totp",
        ]
        if let address = key.operatorAddress { details["operator"] = address }
        if let expires = key.expiresMillis { details["expires_millis"] = String(expires) }
        return AuditEvent(actor: actor, action: "key.created", subject: key.id, details: details)
    }

    package static func keyRevoked(id: String, role: String, actor: String) -> AuditEvent {
        AuditEvent(actor: actor, action: "key.revoked", subject: id, details: ["role": role])
    }

    /// A one-time code of `keyID` accepted (its time step, and the action it allowed).
    package static func oneTimeCodeAccepted(keyID: String, step: Int64, action: String) -> AuditEvent {
        AuditEvent(
            actor: "key:\(keyID)", action: "otp.accepted", subject: keyID,
            details: ["step": String(step), "for": action])
    }

    package static func operatorAllowed(address: String, name: String, actor: String) -> AuditEvent {
        AuditEvent(actor: actor, action: "operator.allowed", subject: address, details: ["name": name])
    }

    package static func operatorRevoked(address: String, actor: String) -> AuditEvent {
        AuditEvent(actor: actor, action: "operator.revoked", subject: address)
    }

    package static func operatorStake(address: String, stake: String, actor: String) -> AuditEvent {
        AuditEvent(actor: actor, action: "operator.stake", subject: address, details: ["stake": stake])
    }

    /// A queued slash moved to its state (queued, cancelled, sending, confirmed, failed).
    package static func slash(_ slash: QueuedSlash, actor: String) -> AuditEvent {
        var details = [
            "operator": slash.operator, "amount_units": String(slash.amount.units),
            "transfer": String(slash.transferID),
        ]
        if let hash = slash.txHash { details["tx_hash"] = hash }
        if let nonce = slash.nonce { details["nonce"] = String(nonce) }
        if let wad = slash.wad { details["wad"] = wad }
        if let block = slash.receiptBlock { details["block"] = String(block) }
        if let status = slash.receiptStatus { details["status"] = String(status) }
        if let reason = slash.reason { details["reason"] = reason }
        return AuditEvent(
            actor: actor, action: "slash.\(slash.state.rawValue)", subject: String(slash.id), details: details)
    }

    package static func authorizationRevoked(address: String, nonce: Int64, reason: String, actor: String)
        -> AuditEvent
    {
        AuditEvent(
            actor: actor, action: "operator.authorization-revoked", subject: address,
            details: ["nonce": "\(nonce)", "reason": reason])
    }
}
