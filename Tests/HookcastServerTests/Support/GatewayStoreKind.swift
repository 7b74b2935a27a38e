import HookcastPostgresTestSupport
import HookcastServer
import Testing

/// The stores a gateway test can run on: the SQLite file of its data directory, or a database of its own on the
/// tests' PostgreSQL server.
enum GatewayStoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with the store's location; a PostgreSQL database is made for it and dropped after.
    func withLocation(_ body: (StoreLocation) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await body(.sqlite)
        case .postgres: try await SharedPostgres.withDatabase { try await body(.postgres($0)) }
        }
    }
}
