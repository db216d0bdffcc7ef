import Foundation
import Synchronization

/// The gateway's first line on standard output, `{"event":"listening","host":…,"port":…}` with
/// `"health_port":…` when it serves health endpoints: printed once, when every server it names listens
/// (they start concurrently, so either may come first).
final class ListeningAnnouncement: Sendable {
    private struct State {
        var grpc: (host: String, port: Int)?
        var healthPort: Int?
        var printed = false
    }

    private let state = Mutex(State())
    private let withHealth: Bool

    init(withHealth: Bool) {
        self.withHealth = withHealth
    }

    func grpc(host: String, port: Int) {
        update { $0.grpc = (host, port) }
    }

    func health(port: Int) {
        update { $0.healthPort = port }
    }

    private func update(_ change: (inout State) -> Void) {
        let line: String? = state.withLock { state in
            change(&state)
            guard !state.printed, let grpc = state.grpc, !withHealth || state.healthPort != nil else { return nil }
            state.printed = true
            var line = "{\"event\":\"listening\",\"host\":\"\(grpc.host)\",\"port\":\(grpc.port)"
            if let healthPort = state.healthPort { line += ",\"health_port\":\(healthPort)" }
            return line + "}\n"
        }
        if let line { FileHandle.standardOutput.write(Data(line.utf8)) }
    }
}
