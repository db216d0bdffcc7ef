import Foundation
import Logging
import PostgresNIO
import ProverNetCore
import Store
import Synchronization

/// Several gateways on one database, first slice (issue 17, item 2; docs/architecture.md): the writer's lock is
/// the market leader's. The gateway that holds it runs the one market (its `JobBook`, every write fenced by the
/// writer's epoch); every other gateway follows: it relays its clients' and provers' calls to the writer's
/// advertised address (`provernet_writer.address`) and waits for the lock, which it takes within
/// `writerLockPollInterval` of the server releasing it (at once when the writer's process dies; within the
/// session's `idle_session_timeout` when the writer is cut off from the database).
extension PostgresStore {
    /// Opens the store of a gateway on a database that others may share: connects and migrates, without taking
    /// the writer's lock (`becomeWriterIfFree`, `waitToBecomeWriter`).
    public static func openShared(url: String, logger: Logger = Logger(label: "provernet.store.postgres"))
        async throws(StoreError) -> PostgresStore
    {
        try await openShared(try PostgresStoreConfiguration(url: url), logger: logger)
    }

    /// Takes the writer's lock if it is free, or soon (`writerLockPatience`): true when this store is now the
    /// writer; false when another gateway is.
    public func becomeWriterIfFree(holder: String) async throws(StoreError) -> Bool {
        do {
            try await becomeWriter(holder: holder)
            return true
        } catch {
            if Self.isHeldByAnotherWriter(error) { return false }
            throw error
        }
    }

    /// Waits until this store holds the writer's lock (trying every `writerLockPollInterval`): returns once it
    /// writes, under a new epoch. While the database cannot be reached it tries again every second (a follower
    /// outlives an outage of the database, as the leader does). Throws (a `StoreError`) only when cancelled.
    public func waitToBecomeWriter(holder: String) async throws(StoreError) {
        while true {
            do {
                try await becomeWriter(holder: holder, patience: nil)
                return
            } catch {
                if Task.isCancelled { throw error }
                logger.warning(
                    "waiting for the writer's lock: the database failed; trying again",
                    metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// The writer's epoch, once this store is the writer.
    public var writerEpoch: Int64? { writer.withLock { $0.epoch } }

    /// Why this store writes no more, once it has lost the writer's lock (another gateway took over, or its
    /// lock's session stopped answering and it could not take the lock again); nil while it writes.
    public var fencedReason: String? { writer.withLock { $0.fenced } }

    /// Records where this gateway, the writer, takes gRPC calls (`HOST:PORT`), for the gateways that relay to
    /// it; refused (`StoreError.write`, "fenced") unless this store is still the writer.
    public func advertiseWriterAddress(_ address: String) async throws(StoreError) {
        guard let epoch = writerEpoch else {
            throw .write(reason: "only the database's writer advertises its address")
        }
        let logger = logger
        let updated = try await read("advertise the writer's address") { connection in
            try await connection.query(
                "UPDATE provernet_writer SET address = \(address) WHERE id = 1 AND epoch = \(epoch) RETURNING epoch",
                logger: logger
            ).collect().count
        }
        guard updated == 1 else { throw .write(reason: "fenced: another gateway is the database's writer now") }
    }

    /// The writer's advertised address and epoch, or nil while no writer has advertised one.
    public func writerAddress() async throws(StoreError) -> LeaderAddress? {
        let logger = logger
        return try await read("read the writer's address") { connection in
            try await connection.query(
                "SELECT address, epoch FROM provernet_writer WHERE id = 1 AND address IS NOT NULL", logger: logger
            ).collect().first.map { row in
                let (address, epoch) = try row.decode((String, Int64).self)
                return LeaderAddress(address: address, epoch: epoch)
            }
        }
    }
}

/// Where the gateway that leads the market (the database's writer) takes gRPC calls.
public struct LeaderAddress: Sendable, Equatable {
    /// `HOST:PORT`.
    public var address: String
    /// The writer's epoch when it advertised it.
    public var epoch: Int64

    public init(address: String, epoch: Int64) {
        self.address = address
        self.epoch = epoch
    }
}
