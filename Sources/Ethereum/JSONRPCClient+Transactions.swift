/// The calls that send a transaction and wait for it.
extension JSONRPCClient {
    func quantity(_ method: String, _ params: String) async throws(EthereumError) -> UInt256 {
        guard let hex = try await request(method, paramsJSON: params) as? String else {
            throw .rpcTransport("\(method)'s result is not a string")
        }
        return try UInt256(hex)
    }

    /// `eth_getTransactionCount(address, block)`: the next nonce ("pending") or the count mined ("latest").
    public func transactionCount(_ address: Address, block: String = "pending") async throws(EthereumError) -> UInt64 {
        let count = try await quantity("eth_getTransactionCount", #"["\#(address.checksummed)","\#(block)"]"#)
        guard let value = count.uint64 else { throw .invalidNumber("\(count)") }
        return value
    }

    /// `eth_maxPriorityFeePerGas`: the node's suggested tip.
    public func maxPriorityFeePerGas() async throws(EthereumError) -> UInt256 {
        try await quantity("eth_maxPriorityFeePerGas", "[]")
    }

    /// The latest block's `baseFeePerGas` (`eth_getBlockByNumber`).
    public func latestBaseFee() async throws(EthereumError) -> UInt256 {
        guard let block = try await request("eth_getBlockByNumber", paramsJSON: #"["latest",false]"#) as? [String: Any],
            let hex = block["baseFeePerGas"] as? String
        else { throw .rpcTransport("the latest block has no baseFeePerGas (not an EIP-1559 chain?)") }
        return try UInt256(hex)
    }

    /// `eth_estimateGas` of a call from `from` to `to` with `data`.
    public func estimateGas(from: Address, to: Address, data: [UInt8]) async throws(EthereumError) -> UInt64 {
        let gas = try await quantity(
            "eth_estimateGas",
            #"[{"from":"\#(from.checksummed)","to":"\#(to.checksummed)","data":"\#(Hex.encode(data))"}]"#)
        guard let value = gas.uint64 else { throw .invalidNumber("\(gas)") }
        return value
    }

    /// `eth_sendRawTransaction`: returns the hash the node gives.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(EthereumError) -> String {
        guard let hash = try await request("eth_sendRawTransaction", paramsJSON: #"["\#(Hex.encode(raw))"]"#) as? String
        else { throw .rpcTransport("eth_sendRawTransaction's result is not a string") }
        return hash
    }

    /// `eth_getTransactionReceipt`: nil while the transaction is not mined (or unknown).
    public func transactionReceipt(_ hash: [UInt8]) async throws(EthereumError) -> TransactionReceipt? {
        let result = try await request("eth_getTransactionReceipt", paramsJSON: #"["\#(Hex.encode(hash))"]"#)
        guard let receipt = result as? [String: Any] else { return nil }
        guard let block = receipt["blockNumber"] as? String, let status = receipt["status"] as? String else {
            return nil
        }
        func small(_ text: String) throws(EthereumError) -> UInt64 {
            guard let value = try UInt256(text).uint64 else { throw .invalidNumber(text) }
            return value
        }
        return TransactionReceipt(
            blockNumber: try small(block), status: try small(status),
            gasUsed: try small((receipt["gasUsed"] as? String) ?? "0x0"))
    }
}
