import Foundation
import HookcastPostgres
import HookcastPostgresTestSupport
import Logging
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

/// A fresh directory under the system temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("hookcast-core-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Quiet: tests assert on behaviour, not on log lines.
let quietLogger: Logger = {
    var logger = Logger(label: "hookcast.tests")
    logger.logLevel = .error
    return logger
}()

/// Opens a store in a temporary directory, runs `body`, closes it.
func withSQLiteStore<T>(_ body: (SQLiteStore, URL) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: quietLogger)
        do {
            let result = try await body(store, directory)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// Which store implementation a parameterised test runs against: the shared repository suite runs every one.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    func withStore<T>(_ body: (any HookcastStore) async throws -> T) async throws -> T {
        switch self {
        case .memory:
            let store = InMemoryStore()
            let result = try await body(store)
            try await store.close()
            return result
        case .sqlite:
            return try await withSQLiteStore { store, _ in try await body(store) }
        case .postgres:
            return try await withPostgresStore { store, _ in try await body(store) }
        }
    }
}

/// Opens a store on an empty database of the tests' PostgreSQL server, runs `body`, closes it.
func withPostgresStore<T>(_ body: (PostgresStore, PostgresLocation) async throws -> T) async throws -> T {
    try await SharedPostgres.withDatabase { location in
        let store = try await PostgresStore.open(location, logger: quietLogger)
        do {
            let result = try await body(store, location)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// The stores, and SQLite behind the cache the gateway puts in front of it (`CachingStore`): for repository methods
/// the cache answers in its own way.
enum StoreWithCacheKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, cachedSQLite, postgres
    var testDescription: String { rawValue }

    func withStore(_ body: (any HookcastStore) async throws -> Void) async throws {
        switch self {
        case .memory: try await StoreKind.memory.withStore(body)
        case .sqlite: try await StoreKind.sqlite.withStore(body)
        case .cachedSQLite: try await StoreKind.sqlite.withStore { try await body(CachingStore(wrapping: $0)) }
        case .postgres: try await StoreKind.postgres.withStore(body)
        }
    }
}

func deviceID(_ raw: String) throws -> DeviceID { try DeviceID(raw) }
func groupID(_ raw: String) throws -> GroupID { try GroupID(raw) }
func eventID(_ raw: String) throws -> EventID { try EventID(raw) }

/// A fixed instant with milliseconds, so dates survive both stores unchanged.
let referenceDate = Date(timeIntervalSince1970: 1_736_000_000.123)

func makeAction(
    _ event: String = "door-open",
    function: ActionFunction = .loadURL,
    params: ActionParameters = ActionParameters(url: "https://example.com/page"),
    target: ActionTarget = .all,
    enabled: Bool = true,
    ttlSeconds: Int = 300
) throws -> Action {
    Action(
        eventID: try EventID(event),
        name: "Action \(event)",
        enabled: enabled,
        function: function,
        params: params,
        target: target,
        ttlSeconds: ttlSeconds,
        createdAt: referenceDate,
        updatedAt: referenceDate
    )
}

func makeCommand(
    issuedAt: Date = referenceDate,
    target: ActionTarget = .all,
    sensorData: SensorData? = nil
) throws -> Command {
    Command(
        eventID: try EventID("door-open"),
        actionName: "Door",
        function: .loadURL,
        params: ActionParameters(url: "https://example.com"),
        sensorData: sensorData,
        target: target,
        expectedDevices: [try DeviceID("d1"), try DeviceID("d2")],
        issuedAt: issuedAt,
        expiresAt: issuedAt.addingTimeInterval(300),
        apiKeyID: UUID(),
        source: .webhook
    )
}
