import Ethereum

/// How slashes of EigenLayer operators reach the chain: queued for `vetoSeconds` (an administrator may cancel
/// one, with a reason), then sent as `AllocationManager.slashOperator` in an EIP-1559 transaction signed by
/// `slasherKey` (the AVS itself, or the address it appointed to slash), exactly once. Needs the registry's
/// operator-set registration (the AllocationManager and the set's id); the AVS and the strategies are the
/// registry's.
public struct ChainSlashing: Sendable {
    /// The slasher's key (never logged).
    public var slasherKey: PrivateKey
    /// How long a slash waits before it is sent: the administrators' time to cancel it.
    public var vetoSeconds: Int64
    /// The gas limit of a slash; nil: `eth_estimateGas` plus a quarter.
    public var gasLimit: UInt64?
    /// How long one attempt waits for the receipt (polling every `pollMillis`); a transaction still not mined
    /// then stays `sending` and is broadcast again (the same bytes) at the next attempt.
    public var receiptSeconds: Double
    public var pollMillis: Int
    /// How often the queue is looked at.
    public var intervalSeconds: Double

    public init(
        slasherKey: PrivateKey, vetoSeconds: Int64 = 3600, gasLimit: UInt64? = nil, receiptSeconds: Double = 60,
        pollMillis: Int = 250, intervalSeconds: Double = 1
    ) {
        self.slasherKey = slasherKey
        self.vetoSeconds = vetoSeconds
        self.gasLimit = gasLimit
        self.receiptSeconds = receiptSeconds
        self.pollMillis = pollMillis
        self.intervalSeconds = intervalSeconds
    }
}
