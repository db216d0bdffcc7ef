/// The version of ProverNet's protocol and software, sent in the prover's hello and the gateway's
/// welcome. Provers with another major protocol version are refused.
public enum ProverNetVersion {
    public static let software = "0.2.0"
    public static let protocolMajor = 1
}
