import HookcastCore
import HookcastProtocol
import Logging
import PostgresNIO

/// The store's connections to PostgreSQL: PostgresNIO's pool, run by a task of its own, and the two ways the
/// repositories use it (a read on any connection, a write in a transaction). Every failure leaves as a `StoreError`
/// that names the server but never the password.
final class PostgresPool: Sendable {
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger
    private let running: Task<Void, Never>

    private init(location: PostgresLocation, logger: Logger, client: PostgresClient, running: Task<Void, Never>) {
        self.location = location
        self.logger = logger
        self.client = client
        self.running = running
    }

    /// Makes the pool and starts its `run()`, which the pool needs before it lends a connection (a lease asked
    /// for before it started waits, with a warning in the log).
    static func start(location: PostgresLocation, logger: Logger) async -> PostgresPool {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: location.tls)
        configuration.options.maximumConnections = location.maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let (started, starting) = AsyncStream<Void>.makeStream()
        let running = Task {
            starting.finish()
            await client.run()
        }
        for await _ in started {}
        return PostgresPool(location: location, logger: logger, client: client, running: running)
    }

    /// Closes every connection; later calls fail.
    func close() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` on one connection, outside a transaction (each statement commits on its own).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw storeError(error, conflictMessage: nil)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. A unique violation
    /// becomes `StoreError.conflict(conflictMessage)` when one is given.
    @discardableResult
    func write<T: Sendable>(
        conflictMessage: String? = nil, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    // A connection that cannot roll back is closed by the pool; the error that matters is the first.
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw storeError(error, conflictMessage: conflictMessage)
        }
    }

    /// What the repositories throw: their own errors as they are, PostgreSQL's as `StoreError`.
    private func storeError(_ error: any Error, conflictMessage: String?) -> any Error {
        if error is StoreError || error is ValidationError || error is CancellationError { return error }
        if let error = error as? PSQLError {
            if let conflictMessage, error.serverInfo?[.sqlState] == PostgresErrorCode.uniqueViolation {
                return StoreError.conflict(conflictMessage)
            }
            let reason = error.serverInfo?[.message] ?? "\(error.code)"
            return StoreError.unavailable("PostgreSQL at \(location) failed: \(reason).")
        }
        return StoreError.unavailable("PostgreSQL at \(location) failed: \(error).")
    }
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
