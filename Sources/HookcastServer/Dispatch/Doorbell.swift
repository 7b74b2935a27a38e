import Synchronization

/// Wakes a loop that sleeps until its next piece of work (delivery reports, emergency ends, CAP feeds): rings
/// coalesce while it works, and a ring that came while it was busy makes the next `wait` return at once, so
/// nothing rung between a pass and its wait is lost.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (attempt: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var attempts: UInt64 = 0
        var expiredAttempt: UInt64 = 0
    }

    private let state = Mutex(State())

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

    /// Returns when rung (or rung since the last wait), after `timeout` (nil: none), or when the task is cancelled.
    func wait(timeout: Duration?) async {
        let attempt = state.withLock { state -> UInt64 in
            state.attempts += 1
            return state.attempts
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if let timeout {
                    try? await Task.sleep(for: timeout)
                } else {
                    // Until cancelled: by a ring (the group is cancelled below) or by shutdown.
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                }
                self.expire(attempt)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        if state.expiredAttempt == attempt || Task.isCancelled { return true }
                        state.waiter = (attempt, continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.expire(attempt)
            }
            group.cancelAll()
        }
    }

    private func expire(_ attempt: UInt64) {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.attempt == attempt else {
                state.expiredAttempt = max(state.expiredAttempt, attempt)
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }?.resume()
    }
}
