import Ethereum
import Foundation
import TestSupport
import Testing

/// The EigenLayer reads against a real EVM (eth-tester + py-evm, Tests/Chain/chain.py) running the Vyper test
/// doubles with EigenLayer's exact signatures; state changed by real transactions.
@Suite(
    .serialized, .enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-tester, py-evm, vyper): run scripts/setup"))
struct EigenLayerChainTests {
    @Test func readsRegistrationAndStakeBothWaysAndFailsTypedWhenTheNodeIsGone() async throws {
        let chain = try await LocalChain.start()
        defer { chain.stop() }
        let reader = EigenLayerReader(client: chain.client)
        let (op, stranger, avs) = (chain.accounts[1], chain.accounts[2], chain.accounts[3])
        let strategies = [chain.accounts[4], chain.accounts[5]]
        #expect(try await reader.isOperator(op, delegationManager: chain.delegationManager) == false)
        try await chain.transact(chain.delegationManager, "setOperator(address,bool)", [.address(op), .bool(true)])
        #expect(try await reader.isOperator(op, delegationManager: chain.delegationManager))
        #expect(try await reader.isOperator(stranger, delegationManager: chain.delegationManager) == false)

        // The older way: AVSDirectory, and the sum of the DelegationManager's shares over the strategies.
        #expect(try await reader.isRegisteredWithAVS(op, avs: avs, avsDirectory: chain.avsDirectory) == false)
        try await chain.transact(
            chain.avsDirectory, "setStatus(address,address,uint8)", [.address(avs), .address(op), .uint(UInt256(1))])
        #expect(try await reader.isRegisteredWithAVS(op, avs: avs, avsDirectory: chain.avsDirectory))
        let big = try UInt256("5000000000000000000000000000000") // above 2^64
        try await chain.transact(
            chain.delegationManager, "setShares(address,address,uint256)",
            [.address(op), .address(strategies[0]), .uint(big)])
        try await chain.transact(
            chain.delegationManager, "setShares(address,address,uint256)",
            [.address(op), .address(strategies[1]), .uint(UInt256(7))])
        let shares = try await reader.operatorShares(
            op, strategies: strategies, delegationManager: chain.delegationManager)
        #expect(shares == big.addingReportingOverflow(UInt256(7)).partialValue)

        // Operator sets: AllocationManager membership and allocated stake.
        let set = EigenLayerReader.OperatorSet(avs: avs, id: 7)
        #expect(try await reader.isMember(op, of: set, allocationManager: chain.allocationManager) == false)
        try await chain.transact(
            chain.allocationManager, "setMember(address,uint32,address,bool)",
            [.address(avs), .uint(UInt256(7)), .address(op), .bool(true)])
        try await chain.transact(
            chain.allocationManager, "setAllocated(address,uint32,address,address,uint256)",
            [.address(avs), .uint(UInt256(7)), .address(op), .address(strategies[1]), .uint(UInt256(42))])
        #expect(try await reader.isMember(op, of: set, allocationManager: chain.allocationManager))
        #expect(
            try await reader.isMember(
                op, of: .init(avs: avs, id: 8), allocationManager: chain.allocationManager) == false)
        #expect(
            try await reader.allocatedStake(
                op, set: set, strategies: strategies, allocationManager: chain.allocationManager) == UInt256(42))

        // An address with no code answers nothing: a typed decoding error, not a crash or a false.
        await #expect(throws: EthereumError.self) {
            _ = try await reader.isOperator(op, delegationManager: stranger)
        }
        // The node gone away, and back.
        try await chain.setOffline(true)
        await #expect(throws: EthereumError.self) {
            _ = try await reader.isOperator(op, delegationManager: chain.delegationManager)
        }
        try await chain.setOffline(false)
        #expect(try await reader.isOperator(op, delegationManager: chain.delegationManager))
        // Nothing listening at all.
        let nowhere = EigenLayerReader(
            client: JSONRPCClient(url: URL(string: "http://127.0.0.1:1")!, timeoutSeconds: 2))
        await #expect(throws: EthereumError.self) {
            _ = try await nowhere.isOperator(op, delegationManager: chain.delegationManager)
        }
    }
}
