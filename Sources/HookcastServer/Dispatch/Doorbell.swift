import Synchronization

/// Wakes one waiting loop early: `ring` makes the current or next `wait` return at once. Rings while nobody waits
/// are kept as one, so news that arrives between two waits is never lost.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (attempt: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var attempts: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    func ring() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }?.resume()
    }

    /// Returns when rung (since the last wait), after `timeout`, or when the calling task is cancelled.
    func wait(timeout: Duration) async {
        let attempt = state.withLock { state -> UInt64 in
            state.attempts += 1
            return state.attempts
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.timedOut(attempt)
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    // A timeout that passed before the waiter was registered has already happened.
                    guard !state.rung, state.attempts == attempt, !Task.isCancelled else {
                        state.rung = false
                        return true
                    }
                    state.waiter = (attempt, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func timedOut(_ attempt: UInt64) {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.attempt == attempt else {
                // Not waiting yet: `wait` sees the attempt has moved on (below) and returns at once.
                if state.attempts == attempt { state.attempts += 1 }
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }?.resume()
    }
}
