import GRPCCore
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store
import SwiftProtobuf

/// Listings for administrators (provers, jobs, rounds), the prover allowlist, API keys and the audit log.
/// `AuthorizationInterceptor` has checked the caller's role (and, for a change, its one-time code) before a
/// call reaches this handler; the caller is `Principal.current`.
struct AdminServiceHandler: Provernet_V1_AdminService.SimpleServiceProtocol {
    let coordinator: Coordinator
    let store: any GatewayStore
    let keyRing: KeyRing
    /// The operators, when the store keeps them (`AdminServiceHandler+Operators.swift`).
    var operators: OperatorRegistry? = nil
    /// The network's fee when an epoch settles (`GatewayConfiguration.settlementFeeBps`).
    var settlementFeeBps: Int = SettlementBuilder.defaultFeeBps

    /// How the audit log names the caller.
    var actor: String { Principal.current?.actor ?? "admin" }

    /// The provers the caller may see: an operator key only those its operator authorized (connected since
    /// this gateway started), every other role that may list, all (nil).
    func visibleProvers() async -> Set<ProverID>? {
        guard let principal = Principal.current, principal.role == .operator else { return nil }
        guard let address = principal.operatorAddress else { return [] }
        return await operators?.provers(of: address) ?? []
    }

    func allowProver(request: Provernet_V1_AllowProverRequest, context: ServerContext) async throws
        -> Provernet_V1_AllowProverResponse
    {
        guard request.publicKey.count == 32 else {
            throw RPCError(
                code: .invalidArgument,
                message: "a prover's public key is 32 bytes (a raw Ed25519 key), not \(request.publicKey.count)")
        }
        let key = [UInt8](request.publicKey)
        let record: ProverRecord
        do {
            record = try await store.allowProver(
                id: ProverAuthentication.proverID(publicKey: key), publicKeyHex: key.hex, name: request.name,
                actor: actor, atMillis: Clock.nowMillis())
        } catch {
            throw RPCError.from(error)
        }
        return .with { $0.proverID = record.id.rawValue }
    }

    func revokeProver(request: Provernet_V1_RevokeProverRequest, context: ServerContext) async throws
        -> Provernet_V1_RevokeProverResponse
    {
        do {
            try await store.revokeProver(id: ProverID(request.proverID), actor: actor)
            // Off the allowlist means off the network at once: its connection is closed (its leases lapse and
            // go back to the market), and it cannot say hello again.
            await coordinator.revoked(ProverID(request.proverID))
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no prover \(request.proverID) on the allowlist")
        } catch {
            throw RPCError.from(error)
        }
        return .init()
    }

    func listProvers(request: Provernet_V1_ListProversRequest, context: ServerContext) async throws
        -> Provernet_V1_ListProversResponse
    {
        let connected = await coordinator.connectedProvers()
        let visible = await visibleProvers()
        let records: [ProverRecord]
        do { records = try await store.provers() } catch { throw RPCError.from(error) }
        let reputation = await coordinator.reputations(provers: records.map(\.id), operators: []).provers
        return .with { r in
            r.provers = records.filter { visible?.contains($0.id) ?? true }.map { p in
                .with {
                    $0.proverID = p.id.rawValue
                    $0.name = p.name
                    $0.allowed = p.allowed
                    $0.connected = connected[p.id] != nil
                    $0.slots = UInt32(connected[p.id]?.announcement.slots ?? 0)
                    $0.running = UInt32(connected[p.id]?.running.count ?? 0)
                    $0.jobsVerified = UInt64(p.jobsVerified)
                    $0.jobsRejected = UInt64(p.jobsRejected)
                    $0.jobsFailed = UInt64(p.jobsFailed)
                    $0.jobsLost = UInt64(p.jobsLost)
                    $0.earned = p.earned.wholeUnits
                    $0.earnedUnits = p.earned.units
                    $0.lastSeenUnixMillis = connected[p.id]?.lastHeartbeatMillis ?? p.lastSeenMillis ?? 0
                    $0.reputation = reputation[p.id] ?? 0
                }
            }
        }
    }

    func listJobs(request: Provernet_V1_ListJobsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListJobsResponse
    {
        let limit = request.limit == 0 ? 100 : Int(min(request.limit, 10_000))
        let visible = await visibleProvers()
        let list: [Job]
        do {
            list =
                request.requestID.isEmpty
                ? try await store.recentJobs(limit: limit)
                : try await coordinator.snapshot(RequestID(request.requestID)).1
        } catch {
            throw RPCError.from(error)
        }
        return .with { r in
            r.jobs = list.filter { job in visible.map { set in job.state.prover.map(set.contains) ?? false } ?? true }
                .prefix(limit).map { job in
                    .with {
                        $0.jobID = job.id.rawValue
                        $0.requestID = job.requestID.rawValue
                        $0.index = UInt32(clamping: job.index)
                        $0.state = job.state.phase.proto
                        $0.proverID = job.state.prover?.rawValue ?? ""
                        $0.epoch = UInt64(clamping: job.epoch)
                        $0.attempts = UInt32(clamping: job.attempts)
                        let price = job.state.lease?.price ?? job.state.verified?.lease.price ?? .zero
                        $0.priceUnits = price.units
                        $0.jobClass = job.jobClass.description
                    }
                }
        }
    }

    func listRounds(request: Provernet_V1_ListRoundsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListRoundsResponse
    {
        let limit = request.limit == 0 ? 50 : Int(min(request.limit, 10_000))
        let rounds: [RoundRecord]
        do { rounds = try await store.rounds(limit: limit) } catch { throw RPCError.from(error) }
        return .with { r in
            r.rounds = rounds.map { round in
                .with {
                    $0.roundID = UInt64(round.id ?? 0)
                    $0.jobClass = round.jobClass
                    $0.unixMillis = round.atMillis
                    $0.bids = UInt32(round.bids)
                    $0.asks = UInt32(round.asks)
                    $0.jobsMatched = UInt32(round.jobsMatched)
                    $0.welfare = round.welfare
                    $0.surplus = round.surplus
                }
            }
        }
    }

    // MARK: Keys

    func createKey(request: Provernet_V1_CreateKeyRequest, context: ServerContext) async throws
        -> Provernet_V1_CreateKeyResponse
    {
        guard let role = AccessRole(rawValue: request.role) else {
            throw RPCError(
                code: .invalidArgument,
                message:
                    "role \(request.role) is not one of \(AccessRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            let made = try await keyRing.create(
                name: request.name, role: role,
                operatorAddress: request.operatorAddress.isEmpty ? nil : request.operatorAddress,
                expiresMillis: request.expiresUnixMillis == 0 ? nil : request.expiresUnixMillis, actor: actor)
            return .with {
                $0.key = made.record.proto
                $0.secret = made.secret.text
                if let totp = made.totp {
                    $0.totpSecret = Base32.encode(totp.secret)
                    $0.totpUri = totp.uri(account: "\(made.record.name) (\(made.record.id))", issuer: "ProverNet")
                }
            }
        } catch {
            throw RPCError.from(error)
        }
    }

    func listKeys(request: Provernet_V1_ListKeysRequest, context: ServerContext) async throws
        -> Provernet_V1_ListKeysResponse
    {
        .with { $0.keys = keyRing.all.map(\.proto) }
    }

    func revokeKey(request: Provernet_V1_RevokeKeyRequest, context: ServerContext) async throws
        -> Provernet_V1_RevokeKeyResponse
    {
        do {
            let record = try await keyRing.revoke(id: request.keyID, actor: actor)
            return .with { $0.key = record.proto }
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no API key \(request.keyID)")
        } catch {
            throw RPCError.from(error)
        }
    }

    // MARK: Audit

    func listAuditEntries(request: Provernet_V1_ListAuditEntriesRequest, context: ServerContext) async throws
        -> Provernet_V1_ListAuditEntriesResponse
    {
        let limit = request.limit == 0 ? 1_000 : Int(min(request.limit, 10_000))
        do {
            let entries = try await store.auditEntries(after: request.afterSeq, limit: limit)
            let heads = request.afterSeq == 0 ? try await store.auditHeads() : []
            return .with { r in
                r.entries = entries.map { e in
                    .with {
                        $0.seq = e.seq
                        $0.unixMillis = e.atMillis
                        $0.actor = e.actor
                        $0.action = e.action
                        $0.subject = e.subject
                        $0.details = e.details
                        $0.detailsHash = e.detailsHash
                        $0.hash = e.hash
                    }
                }
                r.heads = heads.map { h in
                    .with {
                        $0.seq = h.seq
                        $0.hash = h.hash
                        $0.unixMillis = h.atMillis
                        $0.signature = h.signature
                        $0.publicKey = h.publicKey
                    }
                }
            }
        } catch {
            throw RPCError.from(error)
        }
    }
}

extension APIKeyRecord {
    var proto: Provernet_V1_KeyInfo {
        .with {
            $0.keyID = id
            $0.name = name
            $0.role = role.rawValue
            $0.operatorAddress = operatorAddress ?? ""
            $0.createdUnixMillis = createdMillis
            $0.createdBy = createdBy
            $0.expiresUnixMillis = expiresMillis ?? 0
            $0.revokedUnixMillis = revokedMillis ?? 0
            $0.secondFactor = totpSealed != nil
        }
    }
}
