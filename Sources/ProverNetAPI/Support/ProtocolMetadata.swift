/// gRPC metadata keys of the network's protocol that both ends read.
public enum ProtocolMetadata {
    /// On a prover's refused hello: the operator is suspended (the value is the refusal's code), so the refusal
    /// is temporary and the prover retries with its back-off instead of stopping.
    public static let suspension = "x-provernet-suspended"
}
