import Synchronization

/// Runs an operation on a task of its own and answers with its result, or with `expired`'s error once `limit`
/// passed without one; the operation is then cancelled and left to end whenever it does.
///
/// Why not a task group: a group waits for every child, and a PostgreSQL query that was in flight when the server
/// went down sometimes never completes (StoreOutageTests: 5 of 1,000 webhooks hung for good after a fast
/// shutdown, on connections the server had already closed). A store call must answer, so the caller stops
/// waiting for it here.
func withDeadline<T: Sendable>(
    _ limit: Duration, expired: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let answer = OnceAnswer<T>()
    return try await withCheckedThrowingContinuation { continuation in
        answer.start(continuation)
        let work = Task {
            do {
                answer.give(.success(try await operation()))
            } catch {
                answer.give(.failure(error))
            }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            if answer.give(.failure(expired())) { work.cancel() }
        }
        answer.whenGiven { timer.cancel() }
    }
}

/// A continuation resumed once, by whichever answer comes first; never resumed while its lock is held.
private final class OnceAnswer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var given = false
        var onGiven: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `action` once an answer was given (at once if one was).
    func whenGiven(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.given { return true }
            state.onGiven = action
            return false
        }
        if runNow { action() }
    }

    /// Returns whether this was the first answer (the one the caller gets).
    @discardableResult
    func give(_ result: Result<T, any Error>) -> Bool {
        let taken = state.withLock { state -> (CheckedContinuation<T, any Error>, (@Sendable () -> Void)?)? in
            guard !state.given, let continuation = state.continuation else { return nil }
            state.given = true
            state.continuation = nil
            defer { state.onGiven = nil }
            return (continuation, state.onGiven)
        }
        guard let (continuation, onGiven) = taken else { return false }
        continuation.resume(with: result)
        onGiven?()
        return true
    }
}
