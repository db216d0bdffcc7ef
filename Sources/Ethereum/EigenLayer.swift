/// The EigenLayer contracts' reads that an operator registry makes, through `eth_call`. Signatures are
/// EigenLayer's own (eigenlayer-contracts `src/contracts/interfaces`), so the selectors match mainnet's.
public struct EigenLayerReader: Sendable {
    /// An operator set: `(address avs, uint32 id)`.
    public struct OperatorSet: Sendable, Equatable {
        public var avs: Address
        public var id: UInt32
        public init(avs: Address, id: UInt32) {
            self.avs = avs
            self.id = id
        }
        var abi: ABIValue { .tuple([.address(avs), .uint(UInt256(UInt64(id)))]) }
    }

    public let client: JSONRPCClient
    public init(client: JSONRPCClient) { self.client = client }

    /// `DelegationManager.isOperator(address)` (0x6d70f7ae).
    public func isOperator(_ operator: Address, delegationManager: Address) async throws(EthereumError) -> Bool {
        try ABI.decodeBool(
            await client.call(to: delegationManager, data: ABI.call("isOperator(address)", [.address(`operator`)])))
    }

    /// `AVSDirectory.avsOperatorStatus(address avs, address operator)` (0x49075da3): 1 when registered.
    public func isRegisteredWithAVS(_ operator: Address, avs: Address, avsDirectory: Address)
        async throws(EthereumError) -> Bool
    {
        let status = try ABI.decodeUInt(
            await client.call(
                to: avsDirectory,
                data: ABI.call("avsOperatorStatus(address,address)", [.address(avs), .address(`operator`)])))
        return status == UInt256(1)
    }

    /// `AllocationManager.isMemberOfOperatorSet(address,(address,uint32))` (0x670d3ba2).
    public func isMember(_ operator: Address, of set: OperatorSet, allocationManager: Address)
        async throws(EthereumError) -> Bool
    {
        try ABI.decodeBool(
            await client.call(
                to: allocationManager,
                data: ABI.call("isMemberOfOperatorSet(address,(address,uint32))", [.address(`operator`), set.abi])))
    }

    /// The sum of `DelegationManager.getOperatorShares(address,address[])` (0x90041347) over `strategies`.
    public func operatorShares(_ operator: Address, strategies: [Address], delegationManager: Address)
        async throws(EthereumError) -> UInt256
    {
        let shares = try ABI.decodeUIntArray(
            await client.call(
                to: delegationManager,
                data: ABI.call("getOperatorShares(address,address[])", [.address(`operator`), .addresses(strategies)])))
        return try Self.sum(shares)
    }

    /// The sum over `strategies` of `AllocationManager.getAllocatedStake((address,uint32),address[],address[])`
    /// (0x2b453a9a) for the one operator.
    public func allocatedStake(
        _ operator: Address, set: OperatorSet, strategies: [Address], allocationManager: Address
    ) async throws(EthereumError) -> UInt256 {
        let matrix = try ABI.decodeUIntMatrix(
            await client.call(
                to: allocationManager,
                data: ABI.call(
                    "getAllocatedStake((address,uint32),address[],address[])",
                    [set.abi, .addresses([`operator`]), .addresses(strategies)])))
        return try Self.sum(matrix.first ?? [])
    }

    static func sum(_ values: [UInt256]) throws(EthereumError) -> UInt256 {
        var total = UInt256.zero
        for value in values {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw .abiDecoding("the sum of shares overflows 256 bits") }
            total = sum
        }
        return total
    }
}
