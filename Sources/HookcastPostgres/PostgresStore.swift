import Foundation
import HookcastCore
import Logging

/// A `HookcastStore` on PostgreSQL (`--store postgres://…`): the same repositories as `SQLiteStore`, over a pool
/// of connections. Every write commits before it returns, and PostgreSQL's own `synchronous_commit` decides what
/// that means for a crash of the database machine (on by default: flushed to its log). Call `close()` before
/// letting go of it.
public final class PostgresStore: HookcastStore {
    public let keys: any KeyRepository
    public let devices: any DeviceRepository
    public let groups: any GroupRepository
    public let actions: any ActionRepository
    public let commands: any CommandRepository
    public let deliveries: any DeliveryRepository
    public let emergencies: any EmergencyStateRepository
    let pool: PostgresPool
    private let gatewayLock: PostgresGatewayLock?
    /// The migration versions this `open` applied; empty when the schema was already current.
    let appliedMigrations: [Int]

    private init(pool: PostgresPool, gatewayLock: PostgresGatewayLock?, appliedMigrations: [Int]) {
        self.pool = pool
        self.gatewayLock = gatewayLock
        self.appliedMigrations = appliedMigrations
        keys = PostgresKeyRepository(pool: pool)
        devices = PostgresDeviceRepository(pool: pool)
        groups = PostgresGroupRepository(pool: pool)
        actions = PostgresActionRepository(pool: pool)
        commands = PostgresCommandRepository(pool: pool)
        deliveries = PostgresDeliveryRepository(pool: pool)
        emergencies = PostgresEmergencyStateRepository(pool: pool)
    }

    /// Connects, migrates the schema and, when `exclusive`, makes sure no other gateway uses the database
    /// (`PostgresGatewayLock`; a gateway opens it exclusively, tools and tests need not).
    public static func open(
        _ location: PostgresLocation, exclusive: Bool = true, logger: Logger
    ) async throws -> PostgresStore {
        let gatewayLock = exclusive ? try await PostgresGatewayLock.acquire(location, logger: logger) : nil
        let pool = await PostgresPool.start(location: location, logger: logger)
        do {
            let applied = try await PostgresMigrator(migrations: PostgresMigration.all, logger: logger).migrate(pool)
            logger.info("Opened database", metadata: ["store": "\(location)"])
            return PostgresStore(pool: pool, gatewayLock: gatewayLock, appliedMigrations: applied)
        } catch {
            await pool.close()
            await gatewayLock?.release()
            throw error
        }
    }

    public func checkReachable() async throws {
        try await pool.read { connection in try await connection.rows("SELECT 1", logger: pool.logger) }
    }

    public func close() async throws {
        await pool.close()
        await gatewayLock?.release()
    }
}
