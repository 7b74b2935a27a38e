import Foundation
import HookcastPostgres
import Logging
import NIOPosix
import PostgresNIO

/// The PostgreSQL server the tests share: scripts/test starts a private one (initdb in a temporary directory, a
/// free loopback port), owns it (stops it by pid when the run ends) and names its port in
/// `HOOKCAST_TEST_POSTGRES_PORT`. Each test gets a database of its own in it (`withDatabase`), so tests running at
/// once never see each other's rows.
public enum SharedPostgres {
    public static var port: Int {
        get throws {
            guard let value = ProcessInfo.processInfo.environment["HOOKCAST_TEST_POSTGRES_PORT"], let port = Int(value)
            else { throw SharedPostgresError.notStarted }
            return port
        }
    }

    /// Makes an empty database, runs `body` with its location, and drops it (also when `body` throws).
    public static func withDatabase<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        let name = "hookcast_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let location = try PostgresLocation(url: "postgres://hookcast@127.0.0.1:\(try port)/\(name)?sslmode=disable")
        try await administer("CREATE DATABASE \(name)")
        do {
            let result = try await body(location)
            try await administer("DROP DATABASE \(name) WITH (FORCE)")
            return result
        } catch {
            try? await administer("DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one statement in `database` (the server's own `postgres` unless given), on a connection of its own.
    public static func administer(in database: String = "postgres", _ sql: String) async throws {
        try await administer(port: try port, in: database, sql)
    }

    /// `administer` on the server at `port` (a test's own `TestPostgres`).
    public static func administer(port: Int, in database: String = "postgres", _ sql: String) async throws {
        let logger = Logger(label: "hookcast.tests.postgres")
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: .init(
                host: "127.0.0.1", port: port, username: "hookcast", password: nil, database: database,
                tls: .disable),
            id: 0, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

public enum SharedPostgresError: Error, CustomStringConvertible {
    case notStarted

    public var description: String {
        "HOOKCAST_TEST_POSTGRES_PORT is not set: run the tests with scripts/test (e.g. scripts/test --filter NAME), "
            + "which starts a private PostgreSQL, or start one yourself (scripts/lib/common.sh's start_postgres) and "
            + "set it"
    }
}
