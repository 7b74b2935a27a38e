import Synchronization

/// Bounds how many publishes wait for the broker at once. libmosquitto would queue without limit, and packet ids
/// are only 16 bits, so callers beyond the bound wait here, in arrival order, until a slot frees up.
final class InFlightLimiter: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var firstWaiter = 0
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: limit))
    }

    func acquire() async {
        let acquired = state.withLock { state in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let acquiredMeanwhile = state.withLock { state in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquiredMeanwhile { continuation.resume() }
        }
    }

    /// Callers waiting for a slot now.
    var waitingCount: Int {
        state.withLock { $0.waiters.count - $0.firstWaiter }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.firstWaiter < state.waiters.count else {
                state.available += 1
                return nil
            }
            let waiter = state.waiters[state.firstWaiter]
            state.firstWaiter += 1
            // Compact now and then so the array does not keep every waiter that ever queued.
            if state.firstWaiter > 1024, state.firstWaiter * 2 > state.waiters.count {
                state.waiters.removeFirst(state.firstWaiter)
                state.firstWaiter = 0
            }
            return waiter
        }
        next?.resume()
    }
}
