import Foundation
import Logging
import SQLiteNIO

/// The production `HookcastStore`: one SQLite file in the data directory, WAL mode, fully synchronous so a command
/// acknowledged to a caller survives a power cut. Call `close()` before letting go of it (SQLiteNIO asserts that a
/// connection was closed).
public final class SQLiteStore: HookcastStore {
    public static let fileName = "hookcast.sqlite"

    public let keys: any KeyRepository
    public let devices: any DeviceRepository
    public let groups: any GroupRepository
    public let actions: any ActionRepository
    public let commands: any CommandRepository
    public let deliveries: any DeliveryRepository
    public let emergencies: any EmergencyStateRepository
    let gate: SQLiteGate
    /// The migration versions this `open` applied; empty when the schema was already current.
    let appliedMigrations: [Int]

    private init(gate: SQLiteGate, appliedMigrations: [Int]) {
        self.gate = gate
        self.appliedMigrations = appliedMigrations
        self.keys = SQLiteKeyRepository(gate: gate)
        self.devices = SQLiteDeviceRepository(gate: gate)
        self.groups = SQLiteGroupRepository(gate: gate)
        self.actions = SQLiteActionRepository(gate: gate)
        self.commands = SQLiteCommandRepository(gate: gate)
        self.deliveries = SQLiteDeliveryRepository(gate: gate)
        self.emergencies = SQLiteEmergencyStateRepository(gate: gate)
    }

    /// Opens (creating if needed) `dataDirectory/hookcast.sqlite` and applies pending migrations.
    public static func open(dataDirectory: URL, logger: Logger) async throws -> SQLiteStore {
        let path = dataDirectory.appendingPathComponent(fileName).path
        let connection: SQLiteConnection
        do {
            try FileManager.default.createDirectory(
                at: dataDirectory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try PrivateFile.create(at: path)
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw StoreError.unavailable("The database at \(path) could not be opened: \(error).")
        }
        let gate = SQLiteGate(connection: connection)
        let applied: [Int]
        do {
            try await configure(gate)
            applied = try await SQLiteMigrator(migrations: SQLiteMigration.all, logger: logger).migrate(gate)
        } catch {
            try? await gate.close()
            throw error
        }
        logger.info("Opened database", metadata: ["path": "\(path)"])
        return SQLiteStore(gate: gate, appliedMigrations: applied)
    }

    public func close() async throws {
        try await gate.close()
    }

    private static func configure(_ gate: SQLiteGate) async throws {
        try await gate.run { connection in
            let mode = try await connection.query("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
            guard mode?.lowercased() == "wal" else {
                throw StoreError.unavailable("The database could not switch to WAL mode (got \(mode ?? "nothing")).")
            }
            // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and those are commands
            // the caller was already told were accepted.
            try await connection.execute("PRAGMA synchronous = FULL")
            try await connection.execute("PRAGMA foreign_keys = ON")
            try await connection.execute("PRAGMA busy_timeout = 5000")
        }
    }
}
