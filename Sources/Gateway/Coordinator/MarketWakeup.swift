import Synchronization

/// Wakes the market loop early: a new request, a prover that connects or frees a slot, a job back on the
/// market all change a round's bids or asks, so the round runs at once instead of at the next tick.
/// Signals that arrive while the loop is busy are kept (as one), so none is lost.
final class MarketWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the loop, or makes its next wait return at once.
    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the first signal since the last wait, or after `timeout`, or at once when cancelled.
    func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Only a timer that ran out wakes the waiter; a cancelled one (the wait ended) must not.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.signal()
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now: Bool = state.withLock { state in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                self.signal()
            }
            group.cancelAll()
        }
        // A timer that fired while the waiter was being woken by a signal leaves `pending` set: one extra
        // round, which finds nothing new; harmless.
    }
}
