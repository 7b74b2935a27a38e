import HookcastCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One gateway at a time per database, as `DataDirectoryLock` is for the SQLite file: until the work that must
/// happen once (the outbox, redelivery, broker reconciliation) is shared out between gateways, a second one on
/// the same database would repeat it, and its caches would miss the first one's writes (a key revoked there would
/// still be accepted here). The lock is a session-level advisory lock held by a connection of its own, which
/// PostgreSQL releases when that connection ends, so a gateway that dies never leaves it behind.
final class PostgresGatewayLock: Sendable {
    /// "hookgate" in ASCII.
    static let key: Int64 = 0x686f_6f6b_6761_7465

    private let connection: PostgresConnection

    private init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Throws `StoreError.unavailable` saying that another gateway holds the database, or why it could not be
    /// asked.
    static func acquire(_ location: PostgresLocation, logger: Logger) async throws -> PostgresGatewayLock {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: try configuration(location), id: 0, logger: logger)
        } catch {
            throw StoreError.unavailable("PostgreSQL at \(location) could not be reached: \(reason(error)).")
        }
        do {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key)) AS taken", logger: logger)
                .collect()
            guard try rows.first?.values().bool("taken") == true else {
                throw StoreError.unavailable(
                    "another hookcast serve is using the database at \(location); stop it first, or give this one "
                        + "a database of its own (one gateway per database for now)")
            }
            return PostgresGatewayLock(connection: connection)
        } catch {
            try? await connection.close()
            if error is StoreError { throw error }
            throw StoreError.unavailable("PostgreSQL at \(location) failed: \(reason(error)).")
        }
    }

    /// Lets the next gateway in: the lock ends with its connection.
    func release() async {
        try? await connection.close()
    }

    private static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
    }

    /// PostgreSQL's message when it sent one; PSQLError's description says nothing on purpose.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        return error.serverInfo?[.message] ?? "\(error.code)"
    }
}
