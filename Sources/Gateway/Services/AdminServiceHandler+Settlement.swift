import Foundation
import GRPCCore
import ProverNetAPI
import ProverNetCore
import Store
import SwiftProtobuf

/// Settling epochs (`admin settle`) and reading them (`operator earnings`).
extension AdminServiceHandler {
    var settlementStore: any SettlementStore {
        get throws {
            guard let settlements = store as? any SettlementStore else {
                throw RPCError(code: .unimplemented, message: "this gateway's store does not settle epochs")
            }
            return settlements
        }
    }

    func settle(request: Provernet_V1_SettleRequest, context: ServerContext) async throws
        -> Provernet_V1_SettleResponse
    {
        guard request.untilUnixMillis > 0 else {
            throw RPCError(code: .invalidArgument, message: "until: a positive Unix time in milliseconds")
        }
        let feeBps = settlementFeeBps
        do {
            let (report, newly) = try await settlementStore.settle(
                untilMillis: request.untilUnixMillis, atMillis: Clock.nowMillis(), actor: actor
            ) { input in try SettlementBuilder.build(input, feeBps: feeBps) }
            let json = try Self.json(report)
            return .with {
                $0.reportJson = json
                $0.newlySettled = newly
            }
        } catch let error as StoreError where error.isRefusal {
            throw RPCError(code: .failedPrecondition, message: error.description)
        } catch {
            throw RPCError.from(error)
        }
    }

    func listSettlements(request: Provernet_V1_ListSettlementsRequest, context: ServerContext) async throws
        -> Provernet_V1_ListSettlementsResponse
    {
        var only: String? = request.operatorAddress.isEmpty ? nil : request.operatorAddress.lowercased()
        if Principal.current?.role == .operator {
            guard let own = Principal.current?.operatorAddress?.lowercased() else {
                throw RPCError(code: .permissionDenied, message: "this operator key is bound to no operator address")
            }
            if let only, only != own {
                throw RPCError(
                    code: .permissionDenied, message: "an operator key sees only its own operator's earnings (\(own))")
            }
            only = own
        }
        do {
            var reports = try await settlementStore.settlements()
            if let only {
                for i in reports.indices { reports[i].operators.removeAll { $0.address != only } }
            }
            return try .with { r in r.reportJson = try reports.map(Self.json) }
        } catch {
            throw RPCError.from(error)
        }
    }

    static func json(_ report: SettlementReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
