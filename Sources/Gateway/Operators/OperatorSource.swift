import Ethereum
import Foundation
import Store

/// What a source says of an operator: whether it is registered where the network needs it, why not, and its stake.
public struct OperatorStanding: Sendable, Equatable {
    public var registered: Bool
    /// Why it is not registered ("not an EigenLayer operator", "not registered with AVS 0x…").
    public var detail: String
    public var stake: UInt256

    public init(registered: Bool, detail: String = "", stake: UInt256) {
        self.registered = registered
        self.detail = detail
        self.stake = stake
    }
}

/// Where operators' registration and stake are read. Throws when the source cannot be read (the registry then
/// keeps the last known state for its grace period).
public protocol OperatorSource: Sendable {
    var name: String { get }
    func standing(of operator: Address, record: OperatorRecord?) async throws -> OperatorStanding
}

/// The standalone registry: registration is the allowlist itself, stake what the administrator set.
public struct StandaloneOperatorSource: OperatorSource {
    public init() {}
    public var name: String { "standalone" }
    public func standing(of operator: Address, record: OperatorRecord?) async throws -> OperatorStanding {
        guard let record else {
            return OperatorStanding(registered: false, detail: "not in the registry", stake: .zero)
        }
        return OperatorStanding(registered: true, stake: (try? UInt256(record.stake)) ?? .zero)
    }
}

/// EigenLayer: `DelegationManager.isOperator`, then the AVS registration (AVSDirectory or operator set) and the
/// stake (sum of `getOperatorShares` over the strategies, or of `getAllocatedStake` in the operator set).
public struct EigenLayerOperatorSource: OperatorSource {
    public let settings: EigenLayerSettings
    let reader: EigenLayerReader

    public init(settings: EigenLayerSettings) throws(EthereumError) {
        guard let url = URL(string: settings.rpcURL), url.scheme == "http" || url.scheme == "https" else {
            throw .rpcTransport("--eth-rpc \(settings.rpcURL) is not an http(s) URL")
        }
        self.settings = settings
        reader = EigenLayerReader(client: JSONRPCClient(url: url, timeoutSeconds: settings.timeoutSeconds))
    }

    public var name: String { "eigenlayer" }

    public func standing(of operator: Address, record: OperatorRecord?) async throws -> OperatorStanding {
        guard try await reader.isOperator(`operator`, delegationManager: settings.delegationManager) else {
            return OperatorStanding(
                registered: false, detail: "not an EigenLayer operator (DelegationManager.isOperator)", stake: .zero)
        }
        switch settings.registration {
        case .avsDirectory(let directory):
            guard try await reader.isRegisteredWithAVS(`operator`, avs: settings.avs, avsDirectory: directory) else {
                return OperatorStanding(
                    registered: false,
                    detail: "not registered with AVS \(settings.avs) (AVSDirectory.avsOperatorStatus)",
                    stake: .zero)
            }
            let stake = try await reader.operatorShares(
                `operator`, strategies: settings.strategies, delegationManager: settings.delegationManager)
            return OperatorStanding(registered: true, stake: stake)
        case .operatorSet(let allocationManager, let id):
            let set = EigenLayerReader.OperatorSet(avs: settings.avs, id: id)
            guard try await reader.isMember(`operator`, of: set, allocationManager: allocationManager) else {
                return OperatorStanding(
                    registered: false,
                    detail:
                        "not a member of operator set \(settings.avs)/\(id) (AllocationManager.isMemberOfOperatorSet)",
                    stake: .zero)
            }
            let stake = try await reader.allocatedStake(
                `operator`, set: set, strategies: settings.strategies, allocationManager: allocationManager)
            return OperatorStanding(registered: true, stake: stake)
        }
    }
}
