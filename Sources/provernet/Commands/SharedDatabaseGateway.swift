import Gateway
import Logging
import ServiceLifecycle
import StorePostgres

/// A gateway on a PostgreSQL database that other gateways may share (issue 17, item 2, first slice;
/// docs/architecture.md): it leads the market when it takes the database's writer lock; else it follows, relaying
/// its callers to the leader, and takes over (loading the market from the database, as a restart does) as soon as
/// the lock is free.
struct SharedDatabaseGateway: Service {
    let server: GatewayServer
    let store: PostgresStore
    /// The CA of the other gateways' certificates (`--peer-ca`).
    let peerCA: String?

    func run() async throws {
        let holder = PostgresStore.defaultWriterName
        if try await !store.becomeWriterIfFree(holder: holder) {
            let store = self.store
            let led = try await server.relayToLeader(
                peerCA: peerCA, leaderAddress: { try await store.writerAddress()?.address },
                until: { try await store.waitToBecomeWriter(holder: holder) })
            guard led else { return }
            Logger(label: "provernet.gateway").notice(
                "this gateway now leads the market: loading it from the database",
                metadata: ["epoch": "\(store.writerEpoch.map(String.init) ?? "?")"])
        }
        // A leader that lost the lock writes nothing more (every write is fenced by its epoch), so it stops: its
        // callers reconnect to the new leader, and a supervisor that starts it again makes it a follower.
        let store = self.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                while true {
                    try await Task.sleep(for: .seconds(1))
                    if let reason = store.fencedReason {
                        let stop = SteppedDown(reason: reason)
                        Logger(label: "provernet.gateway").critical("\(stop); stopping")
                        throw stop
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Why a leader stopped: it lost the writer's lock.
    struct SteppedDown: Error, CustomStringConvertible {
        let reason: String
        var description: String { "this gateway no longer leads the market: \(reason)" }
    }
}
