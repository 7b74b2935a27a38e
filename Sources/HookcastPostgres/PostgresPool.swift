import HookcastCore
import HookcastProtocol
import Logging
import PostgresNIO

/// The two ways the repositories use the store's connections (`PostgresConnections`): a read on any connection,
/// a write in a transaction. Every failure leaves as a `StoreError` that names the server but never the password.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    let logger: Logger
    private let connections: PostgresConnections

    init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        connections = PostgresConnections(location: location, logger: logger)
    }

    /// Closes every connection; later calls fail.
    func close() async {
        await connections.close()
    }

    /// The longest a read or a transaction may take before the caller is answered `StoreError.unavailable` and its
    /// connection closed (`abandoningWhenClosed`): ample for a 100,000-device import, and a bound on a call that
    /// would otherwise never return.
    static let operationDeadline = Duration.seconds(60)

    /// Runs `body` on one connection, outside a transaction (each statement commits on its own).
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await run(conflictMessage: nil) { connection in try await body(connection) }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. A unique violation
    /// becomes `StoreError.conflict(conflictMessage)` when one is given.
    @discardableResult
    func write<T: Sendable>(
        conflictMessage: String? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await run(conflictMessage: conflictMessage) { [logger] connection in
            try await connection.query("BEGIN", logger: logger)
            let result: T
            do {
                result = try await body(connection)
            } catch {
                // A connection whose transaction cannot be rolled back is in an unknown state: closed, not reused.
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                } catch {
                    try? await connection.close()
                }
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    /// Leases a connection, runs `operation` on it, and gives it back. An operation whose connection closed under
    /// it, or that ran out of time, is abandoned and its connection written off, since whatever still holds it may
    /// never let go.
    private func run<T: Sendable>(
        conflictMessage: String?, _ operation: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connections.lease()
        do {
            let result = try await abandoningWhenClosed(
                isClosed: { connection.isClosed }, limit: Self.operationDeadline
            ) {
                try await operation(connection)
            }
            await connections.release(connection)
            return result
        } catch let abandoned as AbandonedOperation {
            await connections.writeOff(connection)
            switch abandoned {
            case .connectionClosed:
                logger.warning(
                    "a PostgreSQL operation got no answer from a closed connection", metadata: ["store": "\(location)"])
                throw StoreError.unavailable("PostgreSQL at \(location) closed the connection during the operation.")
            case .deadlinePassed:
                logger.error(
                    "a PostgreSQL operation ran out of time; its connection is closed",
                    metadata: ["store": "\(location)"])
                throw StoreError.unavailable(
                    "PostgreSQL at \(location) did not finish the operation within \(Self.operationDeadline).")
            }
        } catch {
            await connections.release(connection)
            throw storeError(error, conflictMessage: conflictMessage)
        }
    }

    /// What the repositories throw: their own errors as they are, PostgreSQL's as `StoreError`.
    private func storeError(_ error: any Error, conflictMessage: String?) -> any Error {
        if error is StoreError || error is ValidationError || error is CancellationError { return error }
        if let conflictMessage, let error = error as? PSQLError,
            error.serverInfo?[.sqlState] == PostgresErrorCode.uniqueViolation
        {
            return StoreError.conflict(conflictMessage)
        }
        return StoreError.unavailable("PostgreSQL at \(location) failed: \(postgresReason(error)).")
    }
}

/// What went wrong, for a log or an error body: PostgreSQL's own message when it sent one (PSQLError's
/// description says nothing on purpose, so as not to leak a query's values), else the error's.
func postgresReason(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return "\(error)" }
    if let message = error.serverInfo?[.message] { return message }
    return "\(error.code)" + (error.underlying.map { " (\($0))" } ?? "")
}

/// The SQLSTATE codes the store tells apart (PostgreSQL's appendix A).
enum PostgresErrorCode {
    static let uniqueViolation = "23505"
}

extension PostgresConnection {
    /// Runs `sql` and collects every row: the store's reads are bounded (pages, batches), and a collected row
    /// outlives the connection's lease.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
