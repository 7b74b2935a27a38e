/// One unit of work for `SQLiteDatabase`'s thread: a caller's closure, and how to answer the caller.
struct SQLiteJob: Sendable {
    /// A write may change the database: it runs inside the batch's transaction, in a savepoint, and says whether
    /// that transaction must be on disk before it is answered (`SQLiteDurability`).
    enum Kind: Sendable, Equatable {
        case read
        case write(SQLiteDurability)
    }

    let kind: Kind
    /// Runs the caller's closure on the database's thread. Returns whether it succeeded, and the answer to give
    /// once the transaction's outcome is known (nil: committed, or no transaction; else why the commit failed).
    let perform: @Sendable (SQLiteConnection) -> (succeeded: Bool, answer: Answer)
    /// Answers the caller with `error` without running the closure.
    let fail: @Sendable (any Error) -> Void

    var writes: Bool { kind != .read }

    /// An unsynced write: nobody needs its commit on disk, so it may wait a moment for others to share it.
    var canWait: Bool { kind == .write(.unsynced) }

    typealias Answer = @Sendable (_ commitFailure: (any Error)?) -> Void

    /// A job whose closure's result or error goes to `continuation`; an error of SQLite's becomes a `StoreError`.
    static func answering<T: Sendable>(
        _ continuation: CheckedContinuation<T, any Error>,
        kind: Kind,
        conflictMessage: String?,
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) -> SQLiteJob {
        SQLiteJob(
            kind: kind,
            perform: { connection in
                do {
                    let value = try body(connection)
                    return (
                        true,
                        { commitFailure in
                            if let commitFailure {
                                continuation.resume(throwing: commitFailure)
                            } else {
                                continuation.resume(returning: value)
                            }
                        }
                    )
                } catch {
                    let failure = StoreError.from(error, conflictMessage: conflictMessage)
                    return (false, { _ in continuation.resume(throwing: failure) })
                }
            }, fail: { continuation.resume(throwing: $0) })
    }
}

extension StoreError {
    /// SQLite's errors as the store reports them; other errors (a repository's own `StoreError`) pass unchanged.
    static func from(_ error: any Error, conflictMessage: String?) -> any Error {
        guard let error = error as? SQLiteError else { return error }
        if let conflictMessage, error.isConstraintViolation {
            return StoreError.conflict(conflictMessage)
        }
        // SQLite's messages name tables and columns, never bound values, so they are safe to pass on.
        return StoreError.unavailable("The database could not be read or written: \(error.message).")
    }
}
