/// An EIP-1559 (type 2) transaction: `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to,
/// value, data, accessList, yParity, r, s])`, signed over keccak256 of the same without the signature's three
/// members. The access list is always empty here.
public struct EIP1559Transaction: Sendable, Equatable {
    public var chainID: UInt256
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gas: UInt64
    public var to: Address
    public var value: UInt256
    public var data: [UInt8]

    public init(
        chainID: UInt256, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gas: UInt64,
        to: Address, value: UInt256 = .zero, data: [UInt8]
    ) {
        self.chainID = chainID
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gas = gas
        self.to = to
        self.value = value
        self.data = data
    }

    var fields: [RLP] {
        [
            .uint(chainID), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gas),
            .bytes(to.bytes), .uint(value), .bytes(data), .list([]),
        ]
    }

    /// The hash the sender signs.
    public var signingHash: [UInt8] { Keccak256.hash([0x02] + RLP.list(fields).encoded) }

    /// Signs with `key`: the raw bytes to broadcast (`eth_sendRawTransaction`) and their hash, the transaction's.
    public func signed(with key: PrivateKey) throws(EthereumError) -> SignedTransaction {
        let signature = try key.sign(hash: signingHash)
        let yParity = UInt64(signature.v - 27)
        let raw =
            [0x02]
            + RLP.list(
                fields + [
                    .uint(yParity), .uint(try UInt256(bigEndian: signature.r)),
                    .uint(try UInt256(bigEndian: signature.s)),
                ]
            ).encoded
        return SignedTransaction(raw: raw)
    }
}

/// A signed transaction's bytes, as broadcast, and its hash (keccak256 of them).
public struct SignedTransaction: Sendable, Equatable {
    public let raw: [UInt8]
    public var hash: [UInt8] { Keccak256.hash(raw) }
    public init(raw: [UInt8]) { self.raw = raw }
}

/// What `eth_getTransactionReceipt` says of a mined transaction.
public struct TransactionReceipt: Sendable, Equatable {
    public var blockNumber: UInt64
    /// 1: it succeeded; 0: it reverted (its gas is spent and its nonce used all the same).
    public var status: UInt64
    public var gasUsed: UInt64
}
