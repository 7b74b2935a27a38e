import Foundation
import HookcastCore
import HookcastProtocol
import Logging
import PostgresNIO

/// Brings the schema up to `PostgresMigration.all`, in one transaction under a transaction-level advisory lock:
/// gateways starting together on one database take turns, the first applies what is pending, the others find
/// nothing left to do. A database whose schema is newer than this gateway knows is refused, not used.
struct PostgresMigrator {
    let migrations: [PostgresMigration]
    let logger: Logger

    /// "hookcast" in ASCII: the advisory lock key of schema changes.
    static let lockKey: Int64 = 0x686f_6f6b_6361_7374

    /// Applies what is pending; returns the versions applied (empty when the schema was current).
    func migrate(_ pool: PostgresPool) async throws -> [Int] {
        let known = migrations.map(\.version).max() ?? 0
        return try await pool.write { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.rows(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                logger: logger)
            var applied = Set<Int>()
            for row in try await connection.rows("SELECT version FROM schema_migrations", logger: logger) {
                applied.insert(try row.values().int("version"))
            }
            if let newest = applied.max(), newest > known {
                throw StoreError.unavailable(
                    "The database at \(pool.location) has schema version \(newest), newer than this hookcast knows "
                        + "(\(known)): a newer hookcast migrated it. Run that version, or one newer.")
            }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = Date().millisecondsSince1970
                try await connection.rows(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (\(migration.version), \(now))",
                    logger: logger)
                done.append(migration.version)
                logger.info("Applied migration", metadata: ["version": "\(migration.version)"])
            }
            return done
        }
    }
}
