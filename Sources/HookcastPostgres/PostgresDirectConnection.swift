import HookcastCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A connection outside the pool, for what must stay on one session: listening for notices and holding the
/// leader's advisory lock (`PostgresSharing`).
enum PostgresDirectConnection {
    /// Throws `StoreError.unavailable` saying why the server could not be reached.
    static func connect(_ location: PostgresLocation, logger: Logger) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: try configuration(location), id: 0, logger: logger)
        } catch {
            throw StoreError.unavailable("PostgreSQL at \(location) could not be reached: \(postgresReason(error)).")
        }
    }

    static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
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

}
