/// The command line of a `provernet prover` process that a harness starts: the same options for the
/// devnet's provers, the chaos runner's and the tests', so that they differ only where they say so.
public struct ProverArguments: Sendable {
    /// `HOST:PORT` of the gateway (or of a forwarder in front of it).
    public var gateway: String
    /// The CA certificate to trust for the gateway's TLS.
    public var caPath: String
    /// The prover's Ed25519 key file.
    public var keyPath: String
    /// Its data directory (artifact cache, jobs).
    public var dataDirectory: String
    /// Its name in the gateway's listings and logs.
    public var name: String
    /// Threads per job.
    public var threads: Int
    /// Jobs at once.
    public var slots: Int

    /// The command line of a prover named `name` (one slot and one thread unless told otherwise).
    public init(
        gateway: String, caPath: String, keyPath: String, dataDirectory: String, name: String, threads: Int = 1,
        slots: Int = 1
    ) {
        self.gateway = gateway
        self.caPath = caPath
        self.keyPath = keyPath
        self.dataDirectory = dataDirectory
        self.name = name
        self.threads = threads
        self.slots = slots
    }

    /// `prover --gateway … --ca … --key … --data-dir … --name … --slots … --threads …`.
    public var arguments: [String] {
        [
            "prover", "--gateway", gateway, "--ca", caPath, "--key", keyPath, "--data-dir", dataDirectory, "--name", name,
            "--slots", "\(slots)", "--threads", "\(threads)",
        ]
    }
}
