import GRPCCore
import ProverNetAPI
import ProverNetCore
import ProverNetCrypto
import Store
import SwiftProtobuf

/// Listings for administrators (provers, jobs, rounds) and the prover allowlist. The allowlist calls are
/// held to the local admin token by `AdminAuthorizationInterceptor` before they reach this handler.
struct AdminServiceHandler: Provernet_V1_AdminService.SimpleServiceProtocol {
    let coordinator: Coordinator
    let store: any GatewayStore
    /// The operators, when the store keeps them (`AdminServiceHandler+Operators.swift`).
    var operators: OperatorRegistry? = nil

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
                atMillis: Clock.nowMillis())
        } catch {
            throw RPCError.from(error)
        }
        return .with { $0.proverID = record.id.rawValue }
    }

    func revokeProver(request: Provernet_V1_RevokeProverRequest, context: ServerContext) async throws
        -> Provernet_V1_RevokeProverResponse
    {
        do {
            try await store.revokeProver(id: ProverID(request.proverID))
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
        let records: [ProverRecord]
        do { records = try await store.provers() } catch { throw RPCError.from(error) }
        return .with { r in
            r.provers = records.map { p in
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
                }
            }
        }
    }

    func listJobs(request: Provernet_V1_ListJobsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListJobsResponse
    {
        let limit = request.limit == 0 ? 100 : Int(min(request.limit, 10_000))
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
            r.jobs = list.prefix(limit).map { job in
                .with {
                    $0.jobID = job.id.rawValue
                    $0.requestID = job.requestID.rawValue
                    $0.index = UInt32(clamping: job.index)
                    $0.state = job.state.phase.proto
                    $0.proverID = job.state.prover?.rawValue ?? ""
                    $0.epoch = UInt64(clamping: job.epoch)
                    $0.attempts = UInt32(clamping: job.attempts)
                    let price = job.state.lease?.price ?? job.state.verified?.lease.price ?? .zero
                    $0.price = price.wholeUnits
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
}
