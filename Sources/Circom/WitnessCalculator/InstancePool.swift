import Synchronization

/// Instances of one module that have finished a calculation, kept for the next one.
///
/// WasmKit translates a function to its internal code the first time an instance calls it, and that is
/// almost all of the cost of a small witness: zk-kit's circuit takes about 0.35 s in a fresh instance and
/// 0.01 s in one that has run before. circom's generators are built to be reused (`init` resets them, as
/// circom's `witness_calculator.js` relies on), so a calculator keeps the instances it has used.
///
/// An instance is never shared: `take` removes it from the pool under the lock, so exactly one caller
/// holds it until it `put`s it back. Instances that failed are not put back, since a trap may have left
/// the module's memory half-written.
final class InstancePool: Sendable {
    /// The box that lets an instance (a WasmKit store, which is not `Sendable`) cross into the lock.
    /// Safe because the pool hands each instance to one caller at a time, as explained above.
    private struct Idle: @unchecked Sendable {
        let guest: GuestInstance
    }

    private let idle = Mutex<[Idle]>([])
    /// The most instances kept idle: enough for one calculation per core at once.
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func take() -> GuestInstance? {
        idle.withLock { $0.popLast() }?.guest
    }

    func put(_ guest: GuestInstance) {
        let kept = idle.withLock { instances in
            guard instances.count < capacity else { return false }
            instances.append(Idle(guest: guest))
            return true
        }
        if !kept { guest.state.importedMemory = nil }
    }

    deinit {
        // A circom 1 instance's state refers to its memory, which refers back to the store that holds the
        // state: break that cycle so the pooled stores are freed with the pool.
        idle.withLock { instances in
            for instance in instances { instance.guest.state.importedMemory = nil }
        }
    }
}
