import Synchronization

/// How a PostgreSQL operation ended without answering: its connection closed under it, or its time ran out.
enum AbandonedOperation: Error, Equatable {
    case connectionClosed
    case deadlinePassed
}

/// Runs an operation on a task of its own and answers with its result; or throws `AbandonedOperation` once its
/// connection has been closed for `closedGrace` without an answer (`isClosed`, looked at every `checkInterval`), or
/// once `limit` (when given) passed. The operation is then cancelled and left to end whenever it does. Cancelling
/// the caller cancels the operation, which still answers.
///
/// Why not a task group: a group waits for every child, and PostgresNIO 1.33.2 sometimes never completes a query
/// that was sent as its connection closed (`PostgresConnection.query` writes it with no promise, so a write to a
/// closed channel is dropped and the query's own promise is never failed). Seen after every fast shutdown of the
/// server: StoreOutageTests had 5 of 1,000 webhooks hang for good, and the coordinating connection of
/// `PostgresSharing` stayed stuck, so its gateway never led again and never shut down. A store call must answer.
func abandoningWhenClosed<T: Sendable>(
    isClosed: @escaping @Sendable () -> Bool, limit: Duration? = nil,
    checkInterval: Duration = .milliseconds(500), closedGrace: Duration = .seconds(1),
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let answer = OnceAnswer<T>()
    let work = Task {
        do {
            answer.give(.success(try await operation()))
        } catch {
            answer.give(.failure(error))
        }
    }
    let watch = Task {
        let started = ContinuousClock.now
        var closedSince: ContinuousClock.Instant?
        while (try? await Task.sleep(for: checkInterval)) != nil {
            let now = ContinuousClock.now
            if let limit, now - started >= limit {
                if answer.give(.failure(AbandonedOperation.deadlinePassed)) { work.cancel() }
                return
            }
            if isClosed() {
                let since = closedSince ?? now
                closedSince = since
                if now - since >= closedGrace {
                    if answer.give(.failure(AbandonedOperation.connectionClosed)) { work.cancel() }
                    return
                }
            }
        }
    }
    defer { watch.cancel() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            answer.start(continuation)
        }
    } onCancel: {
        work.cancel()
    }
}

/// A continuation resumed once, by whichever answer comes first (an answer given before the continuation is there
/// waits for it); never resumed while its lock is held.
private final class OnceAnswer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var answer: Result<T, any Error>?
        var given = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let answer = state.answer {
                state.answer = nil
                return answer
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Returns whether this was the first answer (the one the caller gets).
    @discardableResult
    func give(_ result: Result<T, any Error>) -> Bool {
        let waiting = state.withLock { state -> (CheckedContinuation<T, any Error>?, Bool) in
            guard !state.given else { return (nil, false) }
            state.given = true
            guard let continuation = state.continuation else {
                state.answer = result
                return (nil, true)
            }
            state.continuation = nil
            return (continuation, true)
        }
        waiting.0?.resume(with: result)
        return waiting.1
    }
}
