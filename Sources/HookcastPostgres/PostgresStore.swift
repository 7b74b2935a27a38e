import Foundation
import HookcastCore
import Logging

/// A `HookcastStore` on PostgreSQL (`--store postgres://…`): the same repositories as `SQLiteStore`, over a pool
/// of connections. Every write commits before it returns, and PostgreSQL's own `synchronous_commit` decides what
/// that means for a crash of the database machine (on by default: flushed to its log). Several gateways may use
/// one database at once; `sharing` is how they divide the work. Call `close()` before letting go of it.
public final class PostgresStore: HookcastStore {
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
    let pool: PostgresPool
    private let postgresSharing: PostgresSharing
    /// The migration versions this `open` applied; empty when the schema was already current.
    let appliedMigrations: [Int]

    private init(pool: PostgresPool, appliedMigrations: [Int]) {
        self.pool = pool
        postgresSharing = PostgresSharing(location: pool.location, pool: pool, logger: pool.logger)
        self.appliedMigrations = appliedMigrations
        keys = PostgresKeyRepository(pool: pool)
        devices = PostgresDeviceRepository(pool: pool)
        groups = PostgresGroupRepository(pool: pool)
        actions = PostgresActionRepository(pool: pool)
        commands = PostgresCommandRepository(pool: pool)
        deliveries = PostgresDeliveryRepository(pool: pool)
        emergencies = PostgresEmergencyStateRepository(pool: pool)
        audit = PostgresAuditRepository(pool: pool)
        capRules = PostgresCAPRuleRepository(pool: pool)
        capAlerts = PostgresCAPAlertRepository(pool: pool)
        capFeeds = PostgresCAPFeedRepository(pool: pool)
        callbacks = PostgresCallbackReportRepository(pool: pool)
        mqttAccounts = PostgresMQTTAccountRepository(pool: pool)
        retention = PostgresRetentionRepository(pool: pool)
    }

    /// Connects and migrates the schema (once, however many gateways start together).
    public static func open(_ location: PostgresLocation, logger: Logger) async throws -> PostgresStore {
        let pool = PostgresPool(location: location, logger: logger)
        do {
            let applied = try await PostgresMigrator(migrations: PostgresMigration.all, logger: logger).migrate(pool)
            logger.info("Opened database", metadata: ["store": "\(location)"])
            return PostgresStore(pool: pool, appliedMigrations: applied)
        } catch {
            await pool.close()
            throw error
        }
    }

    public func checkReachable() async throws {
        _ = try await pool.read { [logger = pool.logger] connection in
            try await connection.rows("SELECT 1", logger: logger)
        }
    }

    public var sharing: (any StoreSharing)? { postgresSharing }

    public func close() async throws {
        await pool.close()
    }
}
