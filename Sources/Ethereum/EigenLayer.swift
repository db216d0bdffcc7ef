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

/// The AVS's side of EigenLayer slashing: `AllocationManager.slashOperator(address avs, SlashingParams params)`
/// (0x36352057), `SlashingParams` being `(address operator, uint32 operatorSetId, address[] strategies,
/// uint256[] wadsToSlash, string description)` (eigenlayer-contracts `IAllocationManager`). Only the AVS or the
/// address it appointed may call it; the strategies must be in ascending order and every wad in (0, 1e18].
public enum EigenLayerSlashing {
    /// 1e18: a wad is a fraction of the operator's allocated stake in units of 1e-18.
    public static let wad = UInt256(1_000_000_000_000_000_000)

    /// The call data; `strategies` are sorted (EigenLayer refuses them otherwise), each slashed by `wad`.
    public static func slashOperatorCall(
        avs: Address, operator: Address, operatorSetID: UInt32, strategies: [Address], wad: UInt256,
        description: String
    ) -> [UInt8] {
        let sorted = strategies.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        return ABI.call(
            "slashOperator(address,(address,uint32,address[],uint256[],string))",
            [
                .address(avs),
                .tuple([
                    .address(`operator`), .uint(UInt256(UInt64(operatorSetID))), .addresses(sorted),
                    .uints(Array(repeating: wad, count: sorted.count)), .string(description),
                ]),
            ])
    }

    /// The wad that takes `slashed` out of `stake`: ⌈slashed × 1e18 / stake⌉ (rounded up, so the chain never
    /// takes less than the ledger says), at most 1e18 (all of it). Nil when there is nothing to take or nothing
    /// to take it from.
    public static func wad(slashing slashed: UInt256, of stake: UInt256) -> UInt256? {
        guard slashed > .zero, stake > .zero else { return nil }
        guard slashed < stake else { return wad }
        // slashed < stake ≤ 2^256, so slashed × 1e18 overflows only for stakes above ~1e59: then the precision
        // of dividing both by the same power of two is still far below one wad.
        var (numerator, denominator) = (slashed, stake)
        while numerator.multipliedReportingOverflow(by: 1_000_000_000_000_000_000) == nil {
            numerator = numerator.quotientAndRemainder(dividingBy: UInt64(2)).0
            denominator = denominator.quotientAndRemainder(dividingBy: UInt64(2)).0
        }
        guard let product = numerator.multipliedReportingOverflow(by: 1_000_000_000_000_000_000),
            let (quotient, remainder) = product.quotientAndRemainder(dividingBy: denominator)
        else { return wad }
        let rounded = remainder == .zero ? quotient : quotient.addingReportingOverflow(UInt256(1)).partialValue
        return min(max(rounded, UInt256(1)), wad)
    }
}
