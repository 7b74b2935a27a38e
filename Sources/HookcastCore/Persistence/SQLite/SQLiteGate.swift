import Foundation
import Logging
import SQLiteNIO

/// The store's one SQLite connection, used by one caller at a time so that a transaction's statements are never
/// interleaved with another caller's (they would share the transaction).
final class SQLiteGate: Sendable {
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Runs `body` alone on the connection. SQLite errors become `StoreError`s; a constraint violation becomes
    /// `.conflict(conflictMessage)` when one is given.
    func run<T>(conflictMessage: String? = nil, _ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await lock.acquire()
        do {
            let result = try await body(connection)
            await lock.release()
            return result
        } catch {
            await lock.release()
            throw Self.storeError(error, conflictMessage: conflictMessage)
        }
    }

    /// Like `run`, inside `BEGIN IMMEDIATE … COMMIT`, rolled back when `body` throws.
    func transaction<T>(
        conflictMessage: String? = nil,
        _ body: (SQLiteConnection) async throws -> T
    ) async throws -> T {
        try await run(conflictMessage: conflictMessage) { connection in
            try await connection.execute("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                try await connection.execute("COMMIT")
                return result
            } catch {
                try? await connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes the connection once running work is done; later calls fail with `StoreError.unavailable`.
    /// Closing twice is harmless, so shutdown paths need not coordinate.
    func close() async throws {
        do {
            try await lock.acquire()
        } catch {
            return
        }
        await lock.markClosed()
        do {
            try await connection.close()
            await lock.release()
        } catch {
            await lock.release()
            throw Self.storeError(error, conflictMessage: nil)
        }
    }

    static func storeError(_ error: any Error, conflictMessage: String?) -> any Error {
        guard let error = error as? SQLiteError else { return error }
        if let conflictMessage, error.reason.isConstraintViolation {
            return StoreError.conflict(conflictMessage)
        }
        // SQLite's messages name tables and columns, never bound values, so they are safe to pass on.
        return StoreError.unavailable("The database could not be read or written: \(error.message).")
    }
}

extension SQLiteError.Reason {
    var isConstraintViolation: Bool {
        switch self {
        case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintUniqueRowIDFailed: true
        default: false
        }
    }
}
