import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// The queue of EigenLayer slashes: listing it, and an administrator's veto.
extension AdminServiceHandler {
    func listSlashes(request: Provernet_V1_ListSlashesRequest, context: ServerContext) async throws
        -> Provernet_V1_ListSlashesResponse
    {
        guard let slashes = store as? any SlashQueueStore else { return .init() }
        do {
            let all = try await slashes.queuedSlashes(states: [])
            return .with { $0.slashes = all.map(Self.message) }
        } catch {
            throw RPCError.from(error)
        }
    }

    func cancelSlash(request: Provernet_V1_CancelSlashRequest, context: ServerContext) async throws
        -> Provernet_V1_CancelSlashResponse
    {
        let reason = request.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "reason: say why the slash is cancelled (it is audited)")
        }
        guard let slashes = store as? any SlashQueueStore else {
            throw RPCError(code: .notFound, message: "no slash \(request.id): this store keeps no slash queue")
        }
        do {
            let cancelled = try await slashes.cancelSlash(
                id: request.id, reason: reason, actor: actor, atMillis: Clock.nowMillis())
            return .with { $0.slash = Self.message(cancelled) }
        } catch StoreError.missing {
            throw RPCError(code: .notFound, message: "no slash \(request.id)")
        } catch StoreError.staleState(_, _, let state, _) {
            throw RPCError(
                code: .failedPrecondition,
                message: "slash \(request.id) is \(state): only a queued slash can be cancelled, within its veto window"
            )
        } catch {
            throw RPCError.from(error)
        }
    }

    static func message(_ slash: QueuedSlash) -> Provernet_V1_QueuedSlash {
        .with { m in
            m.id = slash.id
            m.transferID = slash.transferID
            m.operatorAddress = slash.operator
            m.amountUnits = slash.amount.units
            m.state = slash.state.rawValue
            m.evidence = slash.evidence
            m.queuedUnixMillis = slash.queuedMillis
            m.sendAfterUnixMillis = slash.sendAfterMillis
            m.stakeRead = slash.stakeRead ?? ""
            m.wad = slash.wad ?? ""
            m.nonce = slash.nonce ?? -1
            m.txHash = slash.txHash ?? ""
            m.sentUnixMillis = slash.sentMillis ?? 0
            m.receiptBlock = slash.receiptBlock ?? 0
            m.receiptStatus = slash.receiptStatus ?? -1
            m.reason = slash.reason ?? ""
            m.actor = slash.actor ?? ""
        }
    }
}
