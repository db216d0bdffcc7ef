/// Where the health endpoints listen.
public struct HealthServerConfiguration: Sendable, Equatable {
    /// The address to listen on (default 127.0.0.1: the endpoints tell anyone who can reach them about
    /// the process's jobs, so they are opened wider, with 0.0.0.0, only on purpose).
    public var host: String
    /// The port (default 0: a free one, which the server logs and reports through `onListening`).
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }

    /// Checks the values once at start.
    public func validate() throws(HealthServerError) {
        guard (0...65535).contains(port) else { throw .configuration("health port \(port) is not in 0…65535") }
        guard !host.isEmpty else { throw .configuration("the health endpoints' host is empty") }
    }
}
