import Foundation
import ProverNetCore
import ProverNetTesting
import TestSupport

/// What the network tests add to the shared harness: provers made and started by name in one step, and a
/// wait for a number of connected provers.
extension ProcessNetwork {
    /// Makes a prover's key (allowlisted unless `allow` is false); returns its key file and prover id.
    func makeProverKey(_ name: String, allow: Bool = true) async throws -> (key: String, id: ProverID) {
        try await addProvers([name], allow: allow)
        return (try keyPath(of: name), try proverID(name))
    }

    /// Makes, allowlists and starts a prover (its log is NAME.log).
    @discardableResult
    func startNewProver(_ name: String, extra: [String] = []) async throws -> ChildProcess {
        try await addProvers([name])
        return try startProver(name, extra: extra)
    }

    /// Waits until the gateway lists `count` connected provers.
    func waitForProvers(_ count: Int, timeout: Double = 120) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        // Asked once more after the deadline: a starved task may wake only after it.
        while true {
            if let connected = try? await Self.connectedProvers(endpoint), connected.count >= count { return }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw NetworkTestError("fewer than \(count) provers connected in \(timeout) s")
    }
}

extension NetworkTests {
    /// A network whose leases last 20 s (40 heartbeats of 500 ms).
    static func leaseOf20Seconds() async throws -> ProcessNetwork {
        var settings = ProcessNetwork.Settings()
        settings.leaseHeartbeats = 40
        return try await ProcessNetwork.started(executable: BuiltBinary.provernet, settings: settings)
    }
}

struct NetworkTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Synthetic inputs {"x": …, "y": …}.
func syntheticInputs(_ count: Int, offset: Int = 0) -> [String] {
    (0..<count).map { "{\"x\": \"\($0 + 3 + offset)\", \"y\": \"\($0 * 7 + 11)\"}" }
}
