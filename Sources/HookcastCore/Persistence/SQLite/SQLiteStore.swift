import Foundation
import Logging

/// The production `HookcastStore`: one SQLite file in the data directory, WAL mode, fully synchronous so a command
/// acknowledged to a caller survives a power cut, served by `SQLiteDatabase`'s thread. Call `close()` before
/// letting go of it, so the thread finishes what was submitted and stops.
public final class SQLiteStore: HookcastStore {
    public static let fileName = "hookcast.sqlite"

    public let keys: any KeyRepository
    public let devices: any DeviceRepository
    public let groups: any GroupRepository
    public let actions: any ActionRepository
    public let commands: any CommandRepository
    public let deliveries: any DeliveryRepository
    public let emergencies: any EmergencyStateRepository
    public let audit: any AuditRepository
    public let capRules: any CAPRuleRepository
    public let capAlerts: any CAPAlertRepository
    public let capFeeds: any CAPFeedRepository
    public let callbacks: any CallbackReportRepository
    public let mqttAccounts: any MQTTAccountRepository
    public let retention: (any RetentionRepository)?
    let database: SQLiteDatabase
    /// The migration versions this `open` applied; empty when the schema was already current.
    let appliedMigrations: [Int]

    private init(database: SQLiteDatabase, appliedMigrations: [Int]) {
        self.database = database
        self.appliedMigrations = appliedMigrations
        self.keys = SQLiteKeyRepository(database: database)
        self.devices = SQLiteDeviceRepository(database: database)
        self.groups = SQLiteGroupRepository(database: database)
        self.actions = SQLiteActionRepository(database: database)
        self.commands = SQLiteCommandRepository(database: database)
        self.deliveries = SQLiteDeliveryRepository(database: database)
        self.emergencies = SQLiteEmergencyStateRepository(database: database)
        self.audit = SQLiteAuditRepository(database: database)
        self.capRules = SQLiteCAPRuleRepository(database: database)
        self.capAlerts = SQLiteCAPAlertRepository(database: database)
        self.capFeeds = SQLiteCAPFeedRepository(database: database)
        self.callbacks = SQLiteCallbackReportRepository(database: database)
        self.mqttAccounts = SQLiteMQTTAccountRepository(database: database)
        self.retention = SQLiteRetentionRepository(database: database)
    }

    /// Opens (creating if needed) `dataDirectory/hookcast.sqlite` and applies pending migrations.
    public static func open(dataDirectory: URL, logger: Logger) async throws -> SQLiteStore {
        let path = dataDirectory.appendingPathComponent(fileName).path
        let database: SQLiteDatabase
        do {
            try FileManager.default.createDirectory(
                at: dataDirectory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            try PrivateFile.create(at: path)
            database = try await SQLiteDatabase.open(path: path)
        } catch {
            throw StoreError.unavailable("The database at \(path) could not be opened: \(error).")
        }
        let applied: [Int]
        do {
            try await configure(database)
            applied = try await SQLiteMigrator(migrations: SQLiteMigration.all, logger: logger).migrate(database)
        } catch {
            await database.close()
            throw error
        }
        logger.info("Opened database", metadata: ["path": "\(path)"])
        return SQLiteStore(database: database, appliedMigrations: applied)
    }

    public func close() async throws {
        await database.close()
    }

    private static func configure(_ database: SQLiteDatabase) async throws {
        // `read`: these pragmas cannot run inside a transaction, and nothing else uses the database yet.
        try await database.read { connection in
            let mode = try connection.query("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
            guard mode?.lowercased() == "wal" else {
                throw StoreError.unavailable("The database could not switch to WAL mode (got \(mode ?? "nothing")).")
            }
            // Each batch sets FULL or NORMAL for its commit (`SQLiteDurability`); FULL until then.
            try connection.setDurability(.synced)
            try connection.execute("PRAGMA foreign_keys = ON")
            // Statement journals and sorts in memory: with the default, multi-row statements inside a transaction
            // created and deleted a file in /var/tmp each time (strace on the webhook path).
            try connection.execute("PRAGMA temp_store = MEMORY")
            try connection.execute("PRAGMA busy_timeout = 5000")
            // Checkpoints on a thread of their own, not inside whichever commit crossed SQLite's threshold.
            try connection.checkpointInBackground()
        }
    }
}
